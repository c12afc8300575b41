/**
 * A 64 MiB `immutable` pushed to 8 workers, against one structured clone of
 * it (the least any push of it can cost), and the memory each extra worker
 * adds: on thread adapters its typed arrays are copied once into shared
 * memory every worker views, so neither grows with the number of workers.
 *
 * @module
 */
import { memoryUsage } from "node:process";
import { type AdapterName, createPool, immutable, type Pool } from "../mod.ts";
import { collect } from "./fixtures/collect.ts";
import { tasks } from "./fixtures/tasks.ts";
import { paired, type Rounds, time } from "./stats.ts";

/** Workers of the pool the 64 MiB value is pushed to. */
export const PUSH_WORKERS = 8;
/** Elements of the 64 MiB Float64Array. */
const BIG_LENGTH = (64 * 1024 * 1024) / 8;
const MIB = 1024 * 1024;

/** What {@linkcode pushImmutableCase} measured. */
export interface PushImmutableFigures {
  /** One structured clone of the array, ms (median). */
  cloneMs: number;
  /** The push to {@linkcode PUSH_WORKERS} workers, ms (median). */
  pushMs: number;
  /** Median of the per-round ratios push / clone. */
  ratio: number;
  /** RSS growth per extra worker, MiB: (growth on 8 workers - growth on 1) / 7. */
  rssPerWorkerMib: number;
}

/** A fresh immutable view of `array` (an immutable already pushed would send nothing). */
const fresh = (array: Float64Array): Float64Array =>
  immutable(new Float64Array(array.buffer, 0, array.length));

async function settleMemory(pool: Pool): Promise<number> {
  await pool.apply(tasks.collect);
  collect();
  await new Promise((resolve) => setTimeout(resolve, 20));
  collect();
  return memoryUsage().rss;
}

/** RSS growth (bytes) when a 64 MiB immutable is pushed to a pool of `workers`. */
async function rssGrowth(
  adapter: AdapterName,
  workers: number,
  array: Float64Array,
): Promise<number> {
  const pool = await createPool({ adapter, workers, modules: [tasks.noop.module] });
  try {
    const before = await settleMemory(pool);
    const handle = await pool.push(fresh(array));
    // The push resolved: every worker has decoded and stored it.
    const after = await settleMemory(pool);
    await handle.remove();
    return after - before;
  } finally {
    await pool.close();
  }
}

/**
 * The push of a 64 MiB immutable to {@linkcode PUSH_WORKERS} workers against
 * one structured clone, in the same rounds, and the RSS it adds per worker.
 */
export async function pushImmutableCase(
  adapter: AdapterName,
  r: Rounds,
): Promise<PushImmutableFigures> {
  const array = new Float64Array(BIG_LENGTH).map((_, i) => i);
  const pool = await createPool({
    adapter,
    workers: PUSH_WORKERS,
    modules: [tasks.noop.module],
  });
  let cloneMs: number, pushMs: number, ratio: number;
  try {
    [cloneMs, pushMs, ratio] = await paired(
      r,
      async () => {
        let copy: Float64Array | null = null;
        const ms = await time(() => (copy = structuredClone(array)));
        if (copy === null) throw new Error("no clone");
        copy = null;
        collect();
        return ms;
      },
      async () => {
        const value = fresh(array);
        const start = performance.now();
        const handle = await pool.push(value);
        const ms = performance.now() - start;
        await handle.remove();
        await pool.apply(tasks.collect);
        collect();
        return ms;
      },
    );
  } finally {
    await pool.close();
  }
  const one = await rssGrowth(adapter, 1, array);
  const many = await rssGrowth(adapter, PUSH_WORKERS, array);
  return { cloneMs, pushMs, ratio, rssPerWorkerMib: (many - one) / (PUSH_WORKERS - 1) / MIB };
}
