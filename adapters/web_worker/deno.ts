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
});
