/**
 * cohort: pyMOR's parallel `WorkerPool` for Deno and Bun. Push data to every
 * worker once, scatter lists and arrays across workers, call a task on all of
 * them or on one, run a parallel map, and hold remote objects by handle.
 *
 * ```ts
 * import { createPool, defineTasks, immutable } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, {
 *   scale(xs: Float64Array, factor: number): number {
 *     return xs.reduce((s, x) => s + x * factor, 0);
 *   },
 * });
 *
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const xs = await pool.scatterArray(new Float64Array([1, 2, 3, 4]));
 * assert.deepEqual(await pool.apply(tasks.scale, xs, 10), [30, 70]);
 * const model = await pool.push(immutable({ weights: new Float64Array([1, 1]) }));
 * await model.remove();
 * ```
 *
 * @module
 */
export { createPool, defaultAdapterName } from "./runtime/create_pool.ts";
export type { AdapterName, PoolOptions } from "./runtime/create_pool.ts";
export { Pool } from "./src/pool.ts";
export type { PoolStats } from "./src/core.ts";
export type { CallOptions } from "./src/calls.ts";
export { RemoteObject } from "./src/remote_object.ts";
export { defineTasks, isTask } from "./src/tasks.ts";
export type { Task, TaskFunction, TaskRef, TaskSet } from "./src/tasks.ts";
export { immutable, isImmutable } from "./src/immutable.ts";
export { registerClass } from "./src/classes.ts";
export { itemSeed, rng, type WorkerContext, workerContext } from "./src/context.ts";
export {
  type ErrorData,
  PoolClosedError,
  RemoteError,
  RemovedObjectError,
  TimeoutError,
  WorkerCrashedError,
} from "./src/errors.ts";
export { chunkRanges } from "./src/chunks.ts";
export type { Range } from "./src/chunks.ts";
export type {
  ImapFunction,
  ImapUnorderedFunction,
  MapFunction,
  MapOptions,
  Stream,
} from "./src/map.ts";
export type { ArrayChunks, ScatterOptions } from "./src/scatter.ts";
export type { Arg, Args, Leaf, NumericArray, Sequence } from "./src/types.ts";
export type { Adapter } from "./src/transport.ts";
