/**
 * The Bun worker adapter: one Bun `Worker` per pool worker. Bun fires `close`
 * on the parent whenever a worker ends, which the adapter listens to.
 *
 * @module
 */
import { type WebWorkerAdapter, webWorkerAdapter } from "./transport.ts";

export type { WebWorkerAdapter, WebWorkerTransport } from "./transport.ts";

/**
 * The Bun worker adapter, also selected by `createPool({ adapter:
 * "bun-worker" })` and by default under Bun. A worker that dies is
 * respawned; calls that were waiting on it reject with `WorkerCrashedError`.
 *
 * @example
 * ```ts
 * import { createPool } from "@cohort/core";
 * import { bunWorker } from "@cohort/core/adapters/bun-worker";
 * import assert from "node:assert/strict";
 *
 * await using pool = await createPool({ adapter: bunWorker, workers: 2 });
 * assert.equal(pool.adapter, "bun-worker");
 * ```
 */
export const bunWorker: WebWorkerAdapter = webWorkerAdapter({
  name: "bun-worker",
  closeEvent: true,
});
