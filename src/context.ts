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
  /** Inside a `map`/`imap*` item: the item's index in the whole call; else `undefined`. */
  readonly item?: number;
  /**
   * Inside a `map`/`imap*` item: a 32-bit seed from the pool's `seed` and the
   * item index alone, the same whatever the worker count, chunking or
   * schedule; else `undefined`.
   */
  readonly itemSeed?: number;
}

// The current context lives under a global symbol, so that a task module that
// imports another copy of cohort (a package beside a source checkout, a bundle)
// sees the context the worker's copy set.
const slot = ((globalThis as Record<symbol, unknown>)[Symbol.for("cohort.context")] ??= {
  current: null,
}) as { current: WorkerContext | null };

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
  const current = slot.current;
  if (current === null) {
    throw new Error("workerContext() can only be called inside a task running on a pool worker");
  }
  return current;
}

/** Sets the context the running task sees (worker runtime only). */
export function setWorkerContext(context: WorkerContext | null): void {
  slot.current = context;
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

/**
 * The seed of item `item` in a pool made with seed `poolSeed`: a 32-bit hash
 * of both alone (not of the worker), so that a study's random numbers do not
 * depend on the worker count or the schedule.
 *
 * @param poolSeed The pool's seed.
 * @param item The item's index.
 * @returns A 32-bit unsigned seed.
 *
 * @example
 * ```ts
 * import { itemSeed } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * assert.equal(itemSeed(42, 7), itemSeed(42, 7));
 * assert.notEqual(itemSeed(42, 7), itemSeed(42, 8));
 * ```
 */
export function itemSeed(poolSeed: number, item: number): number {
  const hi = Math.floor(item / 2 ** 32) >>> 0;
  let h = (Math.trunc(poolSeed) ^ 0x2545f491) >>> 0;
  h = Math.imul(h ^ (item >>> 0), 0xcc9e2d51);
  h = Math.imul((h << 15) | (h >>> 17), 0x1b873593);
  h = Math.imul(h ^ hi ^ 0x6b43a9b5, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/**
 * A small seeded random generator (mulberry32): numbers in `[0, 1)`, the same
 * sequence for the same seed. Meant for `rng(workerContext().itemSeed!)`.
 *
 * @param seed A 32-bit seed.
 * @returns A function returning the next number.
 *
 * @example
 * ```ts
 * import { rng } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * const a = rng(7), b = rng(7);
 * const x = a();
 * assert.ok(x >= 0 && x < 1);
 * assert.equal(b(), x);
 * ```
 */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
