/**
 * The Node.js worker adapter: one `node:worker_threads` `Worker` per pool
 * worker. Runs under Node.js 20 and later (from the npm package), and under
 * Deno and Bun, which implement `node:worker_threads` too.
 *
 * @module
 */
import { type NodeWorkerAdapter, nodeWorkerAdapter } from "./transport.ts";

export type { NodeWorkerAdapter, NodeWorkerTransport } from "./transport.ts";

/**
 * The Node.js worker adapter, also selected by `createPool({ adapter:
 * "node-worker" })` and by default under Node.js. A worker that dies is
 * respawned; calls that were waiting on it reject with `WorkerCrashedError`.
 *
 * @example
 * ```ts
 * import { createPool } from "@cohort/core";
 * import { nodeWorker } from "@cohort/core/adapters/node-worker";
 * import assert from "node:assert/strict";
 *
 * await using pool = await createPool({ adapter: nodeWorker, workers: 2 });
 * assert.equal(pool.adapter, "node-worker");
 * ```
 */
export const nodeWorker: NodeWorkerAdapter = nodeWorkerAdapter();
