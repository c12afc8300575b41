/**
 * `npm run demo:web`: builds the thermal-block page with esbuild and serves it on 127.0.0.1
 * with cross-origin isolation, printing the URL. Stop it with Ctrl-C.
 *
 * ```sh
 * deno run -A examples/thermal_block_web/demo.ts [--port 8000] [--out DIR]
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

if (import.meta.main) {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: { port: { type: "string", default: "8000" }, out: { type: "string" } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`--port must be a port number, got "${values.port}"`);
    process.exit(2);
  }
  const started = performance.now();
  const server = await startDemo(port, values.out);
  console.log(`built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  console.log(`thermal block demo: ${server.url}  (Ctrl-C to stop)`);
  process.on("SIGINT", () => void server.close().then(() => process.exit(0)));
}
