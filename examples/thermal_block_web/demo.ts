/// <reference lib="dom" />
/**
 * `npm run demo:web`: builds the thermal-block page with esbuild and serves it on 127.0.0.1
 * with cross-origin isolation, printing the URL. Stop it with Ctrl-C. With `--headless` it runs
 * the page once in the system's Chromium instead, prints the results table and exits (the
 * form's fields as flags: `--grid`, `--blocks`, `--train`, `--test`, `--tol`, `--workers`,
 * `--no-compare`).
 *
 * ```sh
 * deno run -A examples/thermal_block_web/demo.ts [--port 8000] [--out DIR]
 * deno run -A examples/thermal_block_web/demo.ts --headless --grid 50 --train 500
 * ```
 *
 * @module
 */

import { copyFile, mkdir, mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { bundlePage, type BundleResult } from "./bundle.ts";
import { launchChromium } from "./chromium.ts";
import { serveStatic, type StaticServer } from "./server.ts";

/**
 * Builds the demo site (page, task module, worker entry, shared chunks) into `outdir`.
 *
 * @param outdir The output folder (created if missing).
 * @returns What was written.
 */
export async function buildDemoSite(outdir: string): Promise<BundleResult> {
  await mkdir(outdir, { recursive: true });
  const result = await bundlePage({
    outdir,
    entries: {
      main: "examples/thermal_block_web/main.ts",
      tasks: "examples/thermal_block/tasks.ts",
    },
  });
  await copyFile(new URL("./index.html", import.meta.url), join(outdir, "index.html"));
  return result;
}

/**
 * Builds the demo into a fresh folder and serves it.
 *
 * @param port The port (0: any free one).
 * @param outdir The build folder (default: a new temporary folder).
 * @returns The running server.
 */
export async function startDemo(port = 0, outdir?: string): Promise<StaticServer> {
  const dir = outdir ?? await mkdtemp(join(tmpdir(), "cohort-web-"));
  await buildDemoSite(dir);
  return await serveStatic(dir, port);
}

/**
 * Runs the page once in headless Chromium with the given form fields and returns the
 * results table as text (or throws the page's error).
 *
 * @param url The served page.
 * @param fields Form fields by name, e.g. `{ grid: "50" }`.
 * @returns The table, one "label<TAB>value" line per row.
 */
export async function runHeadless(url: string, fields: Record<string, string>): Promise<string> {
  const browser = await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${url}?${new URLSearchParams({ ...fields, run: "" })}`);
    await page.waitForFunction(
      () => !["idle", "running"].includes(document.getElementById("demo")!.dataset.state!),
      { timeout: 0, polling: 200 },
    );
    const error = await page.$eval("#error", (e) => e.textContent);
    if (error) throw new Error(`the page stopped: ${error}`);
    return await page.$eval("#results", (e) => (e as HTMLElement).innerText);
  } finally {
    await browser.close();
  }
}

if (import.meta.main) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      port: { type: "string", default: "8000" },
      out: { type: "string" },
      headless: { type: "boolean", default: false },
      grid: { type: "string" },
      blocks: { type: "string" },
      train: { type: "string" },
      test: { type: "string" },
      tol: { type: "string" },
      workers: { type: "string" },
      "no-compare": { type: "boolean", default: false },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number, got "${values.port}"`);
    process.exit(2);
  }
  const started = performance.now();
  const server = await startDemo(values.headless ? 0 : port, values.out).catch((e) => {
    if ((e as { code?: string }).code !== "EADDRINUSE") throw e;
    console.error(`port ${port} is in use; pick another with --port N (0: any free port)`);
    process.exit(1);
  });
  console.log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (values.headless) {
    const fields: Record<string, string> = {};
    for (const key of ["grid", "blocks", "train", "test", "tol", "workers"] as const) {
      if (values[key] !== undefined) fields[key] = values[key];
    }
    if (values["no-compare"]) fields.compare = "0";
    try {
      console.log(await runHeadless(server.url, fields));
    } catch (e) {
      console.error(e instanceof Error ? e.message : e);
      process.exitCode = 1;
    } finally {
      await server.close();
    }
  } else {
    console.log(`thermal block demo: ${server.url}  (Ctrl-C to stop)`);
    process.on("SIGINT", () => void server.close().then(() => process.exit(0)));
  }
}
