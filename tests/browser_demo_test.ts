/**
 * A smoke test of the thermal-block demo page in headless Chromium: build it as
 * `npm run demo:web` does, run a small greedy from the form, check the plot, the progress bar
 * and the final table, and save a screenshot to docs/demo_web.png. Skipped, with one line,
 * where Chromium is not installed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildDemoSite } from "../examples/thermal_block_web/demo.ts";
import { serveStatic } from "../examples/thermal_block_web/server.ts";
import { launchChromium, skipReason } from "../examples/thermal_block_web/chromium.ts";

const skip = skipReason();
if (skip) console.log(`browser demo: skipped, ${skip}`);
const SCREENSHOT = decodeURIComponent(new URL("../docs/demo_web.png", import.meta.url).pathname);

test("demo page runs a small greedy in Chromium and fills the table", {
  skip,
  timeout: 180_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), "cohort-demo-"));
  const server = await serveStatic(dir);
  const browser = await launchChromium();
  try {
    await buildDemoSite(dir);
    const page = await browser.newPage();
    const pageErrors: string[] = [];
    page.on("pageerror", (e) => pageErrors.push(String(e)));
    await page.setViewport({ width: 1100, height: 900 });
    await page.goto(server.url);
    assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
    // Fill the form as a person would, then run.
    const fields = { grid: "30", blocks: "2", train: "200", test: "20", tol: "1e-4" };
    for (const [id, value] of Object.entries(fields)) {
      await page.$eval(`#${id}`, (input) => ((input as HTMLInputElement).value = ""));
      await page.type(`#${id}`, value);
    }
    await page.click("#run");
    await page.waitForFunction(
      () => !["idle", "running"].includes(document.getElementById("demo")!.dataset.state!),
      { timeout: 170_000, polling: 100 },
    );
    const error = await page.$eval("#error", (e) => e.textContent);
    assert.equal(
      await page.$eval("#demo", (e) => (e as HTMLElement).dataset.state),
      "done",
      error!,
    );
    assert.deepEqual(pageErrors, []);
    const table = Object.fromEntries(
      await page.$$eval(
        "#results-body tr",
        (rows) =>
          rows.map((r) => [(r as HTMLElement).dataset.key!, r.querySelector("td")!.textContent!]),
      ),
    );
    const basis = Number(table["basis-size"].split(" ")[0]);
    assert.ok(Number.isInteger(basis) && basis >= 2 && basis <= 50, table["basis-size"]);
    assert.match(table["basis-size"], /estimate ≤ tol 0\.0001/);
    assert.ok(Number(table["max-estimate"]) <= 1e-4, table["max-estimate"]);
    assert.ok(Number(table["max-error"]) <= Number(table["validation-max-estimate"]));
    const [mean, min] = table["effectivity"].split(" / ").map(Number);
    assert.ok(min >= 1 && mean >= min, table["effectivity"]);
    assert.equal(table["identical"], "yes, bitwise");
    assert.ok(Number(table["speedup"].replace("×", "")) > 0, table["speedup"]);
    // The plot has one point per greedy step, and the progress bar is full.
    const points = await page.$$eval("#plot svg circle", (c) => c.length);
    assert.equal(points, basis + 1);
    assert.equal(await page.$eval("#progress", (p) => (p as HTMLProgressElement).value), 1);
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    console.log(
      `browser demo: basis ${basis}, greedy ${table["greedy-time"]}, wall ${table["wall-time"]}, ` +
        `1 worker ${table["baseline-time"]}, speedup ${table["speedup"]}; screenshot ${SCREENSHOT}`,
    );
  } finally {
    await browser.close();
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
