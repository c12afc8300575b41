/**
 * Tasks of the conformance suites for call options, self-healing and
 * streaming. Workers import this module by URL.
 *
 * @module
 */
import { defineTasks, rng, workerContext } from "../mod.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The tasks. */
export const tasks = defineTasks(import.meta.url, {
  /** Never settles (awaits for ever): only a deadline or an abort ends it. */
  hang(): Promise<never> {
    return new Promise<never>(() => {});
  },
  /** Never settles, whatever its item. */
  stall(_x: unknown): Promise<never> {
    return new Promise<never>(() => {});
  },
  /** `x`, at once; never settles for `x === bad`. */
  stallOn(x: number, bad: number): Promise<number> {
    return x === bad ? new Promise<never>(() => {}) : Promise.resolve(x);
  },
  /** Sleeps `ms` and returns the worker index. */
  async nap(ms: number): Promise<number> {
    await sleep(ms);
    return workerContext().index;
  },
  /** The worker index. */
  where(): number {
    return workerContext().index;
  },
  /** Returns its argument. */
  same<T>(x: T): T {
    return x;
  },
  /** The sum of numbers, typed or not. */
  total(xs: ArrayLike<number> | { values: ArrayLike<number> }): number {
    const list = Array.isArray(xs) || ArrayBuffer.isView(xs)
      ? xs as ArrayLike<number>
      : (xs as { values: ArrayLike<number> }).values;
    let s = 0;
    for (let i = 0; i < list.length; i++) s += list[i];
    return s;
  },
  /** Writes `n` into a stored object (for `pull`). */
  setN(target: { n: number }, n: number): number {
    target.n = n;
    return n;
  },
  /** `x * x`, and throws for `x === bad`. */
  square(x: number, bad = -1): number {
    if (x === bad) throw new RangeError(`item value ${x} is bad`);
    return x * x;
  },
  /** The item's index, its seed, and the first draw of `rng(itemSeed)`. */
  draw(_x: unknown): [number | undefined, number | undefined, number] {
    const { item, itemSeed } = workerContext();
    return [item, itemSeed, itemSeed === undefined ? -1 : rng(itemSeed)()];
  },
  /** Item and item seed outside a map (both `undefined`). */
  outside(): [number | undefined, number | undefined] {
    const { item, itemSeed } = workerContext();
    return [item, itemSeed];
  },
});
