/**
 * Building a cohort page for browsers with esbuild: what the README tells a user to do, and
 * what the demo page and the browser tests do.
 *
 * - the page's main module, each task module and cohort's worker entry are entry points of
 *   their own, bundled as ES modules with code splitting: every task module then lives in its
 *   own file, keeps its own `import.meta.url`, and shares one copy of cohort with the page;
 * - `@cohort/core` resolves to this checkout (an alias, as an import map would);
 * - the NATS adapter (which needs `node:net`) is replaced by one that says it is not for
 *   browsers, so the NATS client never enters the bundle;
 * - the web-worker adapter's `new URL("./entry.ts", import.meta.url)` is pointed at the
 *   built `entry.js`, which lies in the same flat output folder.
 *
 * @module
 */

import * as esbuild from "esbuild";
import { readFile } from "node:fs/promises";
import { relative, resolve } from "node:path";

const ROOT = new URL("../../", import.meta.url);
const path = (relative: string): string => decodeURIComponent(new URL(relative, ROOT).pathname);

/** What {@linkcode bundlePage} builds. */
export interface BundleOptions {
  /** Output folder (flat: entries and shared chunks side by side). */
  outdir: string;
  /** Entry points by output name, e.g. `{ main: "examples/x/main.ts" }` (repo-relative). */
  entries: Record<string, string>;
  /** Extra specifier aliases, e.g. `{ "node:test": "tests/fixtures/browser/node_test_shim.ts" }`. */
  alias?: Record<string, string>;
  /** Minify the output (default false: readable stacks). */
  minify?: boolean;
}

/** The outcome of {@linkcode bundlePage}. */
export interface BundleResult {
  /** Output files, relative to `outdir`, with their sizes in bytes. */
  files: Record<string, number>;
  /** Milliseconds the build took. */
  ms: number;
}

const NATS_STUB = `export const nats = {
  name: "nats",
  connect() {
    return Promise.reject(new TypeError(
      'the "nats" adapter needs Deno, Bun or Node (TCP sockets); it is not available in a browser',
    ));
  },
};`;

const NODE_STUB = `export const nodeWorker = {
  name: "node-worker",
  connect() {
    return Promise.reject(new TypeError(
      'the "node-worker" adapter needs Node.js worker_threads; in a browser use "web-worker"',
    ));
  },
};`;

/** The esbuild plugin with cohort's browser rules (see the module doc). */
export function cohortBrowserPlugin(alias: Record<string, string> = {}): esbuild.Plugin {
  const aliases: Record<string, string> = {
    "@cohort/core": "mod.ts",
    "@cohort/core/testing": "testing/conformance.ts",
    "@cohort/core/adapters/web-worker": "adapters/web_worker/browser.ts",
    ...alias,
  };
  return {
    name: "cohort-browser",
    setup(build) {
      build.onResolve({ filter: /.*/ }, (args) => {
        const target = aliases[args.path];
        return target === undefined ? undefined : { path: path(target) };
      });
      build.onResolve({ filter: /adapters\/nats\/pool\.ts$/ }, () => ({
        path: "nats-adapter",
        namespace: "cohort-browser",
      }));
      build.onResolve({ filter: /adapters\/node_worker\/node\.ts$/ }, () => ({
        path: "node-adapter",
        namespace: "cohort-browser",
      }));
      build.onLoad({ filter: /.*/, namespace: "cohort-browser" }, (args) => ({
        contents: args.path === "node-adapter" ? NODE_STUB : NATS_STUB,
        loader: "js",
      }));
      build.onLoad({ filter: /adapters[\\/]web_worker[\\/]browser\.ts$/ }, async (args) => {
        const source = await esbuild.transform(await readFile(args.path, "utf8"), {
          loader: "ts",
        });
        const contents = source.code.replaceAll('"./entry.ts"', '"./entry.js"');
        if (contents === source.code) {
          throw new Error(`${args.path} no longer refers to "./entry.ts"`);
        }
        return { contents, loader: "js" };
      });
    },
  };
}

/**
 * Bundles a page: the given entries plus cohort's worker entry (`entry.js`), as ES modules
 * with code splitting, into one flat folder.
 *
 * @param options Output folder, entries and aliases.
 * @returns The files written and the build time.
 * @throws {Error} If esbuild reports an error.
 */
export async function bundlePage(options: BundleOptions): Promise<BundleResult> {
  const started = performance.now();
  const entryPoints = Object.entries({
    ...options.entries,
    entry: "adapters/web_worker/entry.ts",
  }).map(([out, file]) => ({ in: path(file), out }));
  const outdir = resolve(path("."), options.outdir);
  const result = await esbuild.build({
    entryPoints,
    absWorkingDir: path("."),
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    sourcemap: true,
    minify: options.minify ?? false,
    chunkNames: "chunk-[hash]",
    metafile: true,
    logLevel: "silent",
    plugins: [cohortBrowserPlugin(options.alias)],
  });
  const files: Record<string, number> = {};
  for (const [file, info] of Object.entries(result.metafile.outputs)) {
    files[relative(outdir, resolve(path("."), file))] = info.bytes;
  }
  await esbuild.stop();
  return { files, ms: performance.now() - started };
}
