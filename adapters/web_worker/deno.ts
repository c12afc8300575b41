/**
 * The Deno worker adapter: one Deno `Worker` per pool worker. Deno fires no
 * event on the parent when a worker calls `self.close()` or `process.exit()`,
 * so the worker entry announces those exits itself.
 *
 * @module
 */
import { type WebWorkerAdapter, webWorkerAdapter } from "./transport.ts";

export type { WebWorkerAdapter, WebWorkerTransport } from "./transport.ts";

/**
 * The Deno worker adapter, also selected by `createPool({ adapter:
 * "deno-worker" })` and by default under Deno. A worker that dies is
 * respawned; calls that were waiting on it reject with `WorkerCrashedError`.
 *
 * @example
 * ```ts
 * import { createPool } from "@cohort/core";
 * import { denoWorker } from "@cohort/core/adapters/deno-worker";
 * import assert from "node:assert/strict";
 *
 * await using pool = await createPool({ adapter: denoWorker, workers: 2 });
 * assert.equal(pool.adapter, "deno-worker");
 * ```
 */
export const denoWorker: WebWorkerAdapter = webWorkerAdapter({
  name: "deno-worker",
  closeEvent: false,
  terminate: hardTerminate,
});

// Deno 2.7.6 to 2.9.x: `terminate()` does not stop a worker stuck in synchronous
// code (e.g. `for (;;) {}`): it only flags the worker, which never returns to its
// event loop, and the parent keeps a referenced op waiting for the worker's close
// event, so `deno run` never ends (denoland/deno#32617 removed the forced stop;
// denoland/deno#35657 restores it). Unreferencing the worker through Deno's own
// (unnamed) ref symbol lets the process end; the looping thread still spins until
// then. If the internals change, this falls back to a plain `terminate()`.
const proto = (globalThis as unknown as { Worker?: { prototype: Record<symbol, unknown> } })
  .Worker?.prototype;
const REF = proto &&
  Object.getOwnPropertySymbols(proto).find((s) =>
    s.description === undefined && typeof proto[s] === "function"
  );
const unreferenced = new WeakSet<object>();

function hardTerminate(worker: { terminate(): void }): void {
  worker.terminate();
  if (!REF || unreferenced.has(worker)) return;
  unreferenced.add(worker);
  try {
    (worker as unknown as Record<symbol, (ref: boolean) => void>)[REF](false);
  } catch {
    // internals changed: the plain terminate() above is all there is
  }
}
