/**
 * What a task can learn about the worker it runs on.
 *
 * @module
 */

/**
 * The worker a task runs on, as {@linkcode workerContext} returns it.
 *
 * @example
 * ```ts
 * import { createPool, defineTasks, type WorkerContext, workerContext } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * function label({ index, size }: WorkerContext): string {
 *   return `${index + 1}/${size}`;
 * }
 * export const tasks = defineTasks(import.meta.url, {
 *   whoAmI: (): string => label(workerContext()),
 * });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * assert.deepEqual(await pool.apply(tasks.whoAmI), ["1/2", "2/2"]);
 * ```
 */
export interface WorkerContext {
  /** This worker's index in the pool, in `[0, size)`. */
  readonly index: number;
  /** The number of workers in the pool. */
  readonly size: number;
  /**
   * A 32-bit seed for this worker: different on every worker, and the same on
   * every run of a pool made with the same `seed` option.
   */
  readonly seed: number;
}

let current: WorkerContext | null = null;

/**
 * Returns the worker the calling task runs on. Only valid inside a task.
 *
 * @returns The worker's index, the pool size and the worker's seed.
 * @throws {Error} If called outside a task.
 *
 * @example Seed a random generator per worker
 * ```ts
 * import { defineTasks, workerContext } from "@cohort/core";
 *
 * export const tasks = defineTasks(import.meta.url, {
 *   whoAmI(): string {
 *     const { index, size, seed } = workerContext();
 *     return `worker ${index} of ${size}, seed ${seed}`;
 *   },
 * });
 * ```
 */
export function workerContext(): WorkerContext {
  if (current === null) {
    throw new Error("workerContext() can only be called inside a task running on a pool worker");
  }
  return current;
}

/** Sets the context the running task sees (worker runtime only). */
export function setWorkerContext(context: WorkerContext | null): void {
  current = context;
}

/**
 * The seed of worker `index` in a pool made with seed `poolSeed`: a 32-bit
 * hash (murmur3's finalizer) of both, so that neighbouring workers get
 * unrelated seeds.
 */
export function workerSeed(poolSeed: number, index: number): number {
  let h = (Math.trunc(poolSeed) ^ Math.imul(index + 1, 0x9e3779b9)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
