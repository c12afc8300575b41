/**
 * The conformance suite and the browser fault tests in headless Chromium on the `web-worker`
 * adapter: the suites are bundled into a page (tests/fixtures/browser/), served on 127.0.0.1 with cross-origin
 * isolation, and each of its results becomes a step here. Skipped, with one line, where
 * Chromium is not installed.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serveStatic } from "../examples/thermal_block_web/server.ts";
import { launchChromium, skipReason } from "../examples/thermal_block_web/chromium.ts";
import type { ConformanceReport } from "./fixtures/browser/conformance_page.ts";
import { buildConformanceSite } from "./fixtures/browser/site.ts";

const skip = skipReason();
if (skip) console.log(`browser conformance: skipped, ${skip}`);

test(
  "conformance suite and fault tests in Chromium on web-worker",
  { skip, timeout: 300_000 },
  async (t) => {
    const dir = await mkdtemp(join(tmpdir(), "cohort-conformance-"));
    const server = await serveStatic(dir);
    const browser = await launchChromium();
    try {
      await buildConformanceSite(dir);
      const page = await browser.newPage();
      const pageErrors: string[] = [];
      page.on("pageerror", (e) => pageErrors.push(String(e)));
      await page.goto(server.url);
      assert.equal(await page.evaluate(() => globalThis.crossOriginIsolated), true);
      await page.waitForFunction(
        () => (globalThis as { cohortConformance?: ConformanceReport }).cohortConformance?.done,
        { timeout: 280_000, polling: 250 },
      );
      const report = await page.evaluate(() =>
        (globalThis as { cohortConformance?: ConformanceReport }).cohortConformance!
      );
      assert.equal(report.error, undefined, "the suite itself broke");
      assert.deepEqual(pageErrors, []);
      for (const result of report.results) {
        await t.test(
          result.name,
          { skip: result.status === "skip" && (result.detail ?? true) },
          () => {
            if (result.status === "fail") throw new Error(result.detail);
          },
        );
      }
      for (const suite of ["conformance", "faults"]) {
        const mine = report.results.filter((r) => r.name.startsWith(`${suite}: `));
        const count = (status: string): number => mine.filter((r) => r.status === status).length;
        console.log(
          `browser ${suite} (web-worker, Chromium): ${count("pass")} passed, ` +
            `${count("fail")} failed, ${count("skip")} skipped`,
        );
      }
      assert.ok(report.results.length >= 45, `only ${report.results.length} results`);
      assert.deepEqual(report.results.filter((r) => r.status === "fail").map((r) => r.name), []);
    } finally {
      await browser.close();
      await server.close();
      await rm(dir, { recursive: true, force: true });
    }
  },
);
