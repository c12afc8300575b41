/**
 * The browser adapter: one module Web Worker per pool worker, running
 * `entry.ts`. Browsers fire no event on the page when a worker ends, so the
 * worker entry announces its own exits (an uncaught error, an unhandled
 * rejection, `self.close()`), as under Deno. A worker that does not answer in
 * time is terminated and replaced like everywhere else.
 *
 * Shipping the workers' code: each worker imports `entry.ts` and every task
 * module by URL. Without a bundler that understands
 * `new Worker(new URL("./entry.ts", import.meta.url))` (Vite, webpack and
 * Parcel do; esbuild does not), build `adapters/web_worker/entry.ts` and each
 * task module as entry points of their own (esbuild: `--bundle --splitting
 * --format=esm`), and pass the built entry's URL to
 * {@linkcode webWorkerAdapterAt}.
 *
 * @module
 */
import type { ToWorker } from "../../src/transport.ts";
import { type WebWorker, type WebWorkerAdapter, webWorkerAdapter } from "./transport.ts";

export type { WebWorkerAdapter, WebWorkerTransport } from "./transport.ts";

/** The parts of the page's `document` used here. */
interface PageDocument {
  URL: string;
  baseURI: string;
  querySelectorAll(selector: string): Iterable<{ getAttribute(name: string): string | null }>;
}

declare const Worker: new (url: URL, options: { type: "module"; name?: string }) => WebWorker;

const HOW_TO_BUILD = "build adapters/web_worker/entry.ts and every task module as entry " +
  "points of their own with code splitting (esbuild --bundle --splitting --format=esm " +
  "main.ts tasks.ts entry.ts), so that each keeps its own URL";

/**
 * The browser worker adapter, also selected by `createPool({ adapter:
 * "web-worker" })` and by default in a browser. Its workers run `entry.ts`
 * beside this module, which works where the page loads cohort's modules as
 * they are (served as ES modules) or through a bundler that follows
 * `new Worker(new URL(...))`. After an esbuild bundle, use
 * {@linkcode webWorkerAdapterAt} with the built entry's URL.
 *
 * @example
 * ```ts ignore
 * import { createPool } from "@cohort/core";
 * import { webWorker } from "@cohort/core/adapters/web-worker";
 * import { tasks } from "./tasks.ts";
 *
 * await using pool = await createPool({ adapter: webWorker, workers: navigator.hardwareConcurrency });
 * console.log(await pool.apply(tasks.add, 1, 2));
 * ```
 */
export const webWorker: WebWorkerAdapter = webWorkerAdapter({
  name: "web-worker",
  closeEvent: false,
  // One expression, so that bundlers see the worker module and emit it.
  spawn: (name) => new Worker(new URL("./entry.ts", import.meta.url), { type: "module", name }),
  preflight: () => preflight(new URL("./entry.ts", import.meta.url)),
  check: checkModules,
});

/**
 * The browser worker adapter with workers that run `entry`: the URL where
 * `adapters/web_worker/entry.ts` was built to. `connect()` fetches the URL's
 * headers first and rejects with a clear error if nothing is there.
 *
 * @param entry URL of the built worker entry module.
 * @returns A `"web-worker"` adapter.
 * @throws {TypeError} If `entry` is not a URL.
 *
 * @example After `esbuild --bundle --splitting --format=esm --outdir=dist main.ts tasks.ts entry.ts`
 * ```ts ignore
 * import { createPool } from "@cohort/core";
 * import { webWorkerAdapterAt } from "@cohort/core/adapters/web-worker";
 *
 * const adapter = webWorkerAdapterAt(new URL("./entry.js", import.meta.url));
 * await using pool = await createPool({ adapter, workers: 4 });
 * ```
 */
export function webWorkerAdapterAt(entry: URL | string): WebWorkerAdapter {
  if (!(entry instanceof URL) && !(typeof entry === "string" && URL.canParse(entry))) {
    throw new TypeError(`'entry' must be the URL of the built worker entry, got ${String(entry)}`);
  }
  const url = new URL(entry);
  return webWorkerAdapter({
    name: "web-worker",
    closeEvent: false,
    entry: url,
    preflight: () => preflight(url),
    check: checkModules,
  });
}

/** Rejects if the entry module is not served, rather than workers failing mutely. */
async function preflight(entry: URL): Promise<void> {
  if (entry.protocol !== "http:" && entry.protocol !== "https:") return;
  let status: number;
  try {
    status = (await fetch(entry, { method: "HEAD" })).status;
  } catch {
    return; // Offline or refused: let the worker's own load report it.
  }
  if (status >= 400) {
    throw new TypeError(
      `the web-worker entry module ${entry.href} is not there (HTTP ${status}). A bundler ` +
        "moved the code that points at it: " + HOW_TO_BUILD +
        ', then pass its URL: webWorkerAdapterAt(new URL("./entry.js", import.meta.url))',
    );
  }
}

/** The URLs of the page itself and of its module scripts. */
function pageScripts(): Set<string> {
  const doc = (globalThis as { document?: PageDocument }).document;
  const urls = new Set<string>();
  if (!doc) return urls;
  urls.add(doc.URL.split("#")[0]);
  for (const script of doc.querySelectorAll('script[type="module"][src]')) {
    const src = script.getAttribute("src");
    if (src && URL.canParse(src, doc.baseURI)) urls.add(new URL(src, doc.baseURI).href);
  }
  return urls;
}

/**
 * Refuses a task module that is the page's own script: a bundler merged the
 * task module into the page, so workers would import (and run) the page.
 */
function checkModules(message: ToWorker): void {
  const modules = message.type === "init"
    ? message.modules
    : message.type === "call" || message.type === "map"
    ? [message.module]
    : [];
  if (modules.length === 0) return;
  const page = pageScripts();
  for (const module of modules) {
    if (page.has(module)) {
      throw new TypeError(
        `task module ${module} is the page's own script: its tasks were bundled into the ` +
          "page, so workers would import the whole page. Keep task modules out of the " +
          `page's bundle: ${HOW_TO_BUILD}`,
      );
    }
  }
}
