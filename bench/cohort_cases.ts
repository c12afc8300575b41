/**
 * cohort measured against the baselines: apply, map, push, re-push,
 * CPU-bound and imbalanced maps, start-up. Each function returns the medians
 * of the subject and of its baseline, measured in the same rounds.
 *
 * @module
 */
import { type AdapterName, createPool, immutable, type Pool } from "../mod.ts";
import { collect } from "./fixtures/collect.ts";
import { tasks } from "./fixtures/tasks.ts";
import { rawSpawnMs, RawWorkers } from "./raw_baselines.ts";
import {
  interleaved,
  median,
  medianOf,
  paired,
  type Rounds,
  rounds,
  time,
  together,
} from "./stats.ts";

/** Pool size in every case. */
export const WORKERS = 2;
/** Items of the trivial map. */
export const MAP_ITEMS = 100_000;
/** Elements of the 8 MiB Float64Array. */
export const PUSH_LENGTH = (8 * 1024 * 1024) / 8;
/** Calls per round in the per-call cases (apply, raw round trip, re-push). */
const CALLS = 200;
/** apply and raw round trips alternate in blocks of this many calls. */
const BLOCK = 20;

/** The adapter the cases run on, and why it is not the runtime's own. */
export interface Setup {
  adapter: AdapterName;
  reason?: string;
}

/**
 * Picks this runtime's worker adapter, or the in-process adapter as a
 * stand-in (with the reason) if the worker adapter cannot start.
 */
export async function pickAdapter(runtime: "deno" | "bun"): Promise<Setup> {
  const adapter: AdapterName = runtime === "deno" ? "deno-worker" : "bun-worker";
  try {
    const pool = await createPool({ adapter, workers: WORKERS, startTimeout: 20_000 });
    await pool.close();
    return { adapter };
  } catch (e) {
    return {
      adapter: "in-process",
      reason: `${adapter} could not start (${(e as Error)?.message ?? e}); in-process stand-in`,
    };
  }
}

/** The pools and plain Workers the steady-state cases share. */
export interface Fixture {
  /** The pool under test (2 workers on `adapter`). */
  pool: Pool;
  /** An in-process pool of 2: the serial baseline of the CPU-bound cases. */
  local: Pool;
  /** 2 plain Workers: the raw baselines. */
  raw: RawWorkers;
}

/** Starts the pools and the plain Workers. */
export async function openFixture(setup: Setup): Promise<Fixture> {
  const modules = [tasks.noop.module];
  return {
    pool: await createPool({ adapter: setup.adapter, workers: WORKERS, modules }),
    local: await createPool({ adapter: "in-process", workers: WORKERS, modules }),
    raw: await RawWorkers.spawn(WORKERS),
  };
}

/** Stops what {@linkcode openFixture} started. */
export async function closeFixture(f: Fixture): Promise<void> {
  f.raw.terminate();
  await f.pool.close();
  await f.local.close();
}

/**
 * apply of a no-op on every worker vs a raw broadcast-and-gather, µs per call,
 * interleaved in blocks, and the median of the per-round ratios apply / raw.
 */
export async function applyCase(
  f: Fixture,
  r: Rounds,
): Promise<[raw: number, apply: number, ratio: number]> {
  const [raw, apply, ratio] = await interleaved(
    r,
    CALLS,
    BLOCK,
    () => f.raw.roundtrip(),
    () => f.pool.apply(tasks.noop),
  );
  return [raw * 1000, apply * 1000, ratio];
}

/** Items per second of `map(inc)` over {@linkcode MAP_ITEMS} numbers. */
export async function mapCase(f: Fixture, r: Rounds): Promise<number> {
  const items = Array.from({ length: MAP_ITEMS }, (_, i) => i);
  const ms = await medianOf(r, () => time(() => f.pool.map(tasks.inc, [items])));
  return MAP_ITEMS / (ms / 1000);
}

/**
 * `map(inc)` and a peer running the same items (one task per item), in the
 * same rounds, alternating which goes first.
 *
 * @returns Items per second of each, and the median of the per-round ratios
 *   peer time / cohort time (how many times faster cohort is).
 */
export async function mapVersusCase(
  f: Fixture,
  r: Rounds,
  peer: (items: readonly number[]) => Promise<unknown>,
): Promise<[cohort: number, peer: number, speedup: number]> {
  const items = Array.from({ length: MAP_ITEMS }, (_, i) => i);
  const [peerMs, cohortMs] = await rounds(r, [
    () => time(() => peer(items)),
    () => time(() => f.pool.map(tasks.inc, [items])),
  ]);
  const rate = (ms: number[]) => MAP_ITEMS / (median(ms) / 1000);
  return [rate(cohortMs), rate(peerMs), median(peerMs.map((p, i) => p / cohortMs[i]))];
}

/**
 * push of an 8 MiB Float64Array vs its raw structured clone to each worker, ms.
 * Both sides let go of the copies before the next one (`remove()`, `drop`)
 * and collect garbage on every thread, untimed: otherwise a collection of
 * the last 8 MiB lands in one side's timing or the other's in a pattern that
 * can lock in for a whole run.
 */
export async function pushCase(
  f: Fixture,
  r: Rounds,
): Promise<[raw: number, push: number, ratio: number]> {
  const array = new Float64Array(PUSH_LENGTH).map((_, i) => i);
  return await paired(
    r,
    async () => {
      const ms = await time(() => f.raw.keep(array));
      await f.raw.drop();
      collect();
      return ms;
    },
    async () => {
      const start = performance.now();
      const handle = await f.pool.push(array);
      const ms = performance.now() - start;
      await handle.remove();
      await f.pool.apply(tasks.collect);
      collect();
      return ms;
    },
  );
}

/** push of an 8 MiB immutable that is already on the workers, ms. */
export async function repushCase(f: Fixture, r: Rounds): Promise<number> {
  const model = immutable(new Float64Array(PUSH_LENGTH));
  const first = await f.pool.push(model);
  const ms = await medianOf(r, async () => {
    const handles = [];
    const start = performance.now();
    for (let i = 0; i < CALLS; i++) handles.push(await f.pool.push(model));
    const per = (performance.now() - start) / CALLS;
    for (const h of handles) await h.remove();
    return per;
  });
  await first.remove();
  return ms;
}

/** Work units per item of the CPU-bound map, and its item count. */
const CPU = { units: 40, items: 48 };
/** The imbalanced map: item costs ramp from 1 to 20 (× `scale` units). */
const IMBALANCED = { items: 80, scale: 2, chunkSize: 2 };

/** CPU-bound map on the in-process pool and on the pool, ms. */
export async function cpuCase(
  f: Fixture,
  r: Rounds,
): Promise<[serial: number, parallel: number, ratio: number]> {
  const items = new Array<number>(CPU.items).fill(CPU.units);
  return await paired(
    r,
    () => time(() => f.local.map(tasks.burn, [items])),
    () => time(() => f.pool.map(tasks.burn, [items])),
  );
}

/** Item costs varying 1:20 (a ramp, the worst case for contiguous chunks). */
export function imbalancedItems(): number[] {
  const { items, scale } = IMBALANCED;
  return Array.from({ length: items }, (_, i) => scale * (1 + Math.floor((20 * i) / items)));
}

/**
 * The imbalanced map on the in-process pool, load-balanced on the pool, and
 * with the default one-chunk-per-worker split on the pool, ms.
 */
export async function imbalancedCase(
  f: Fixture,
  r: Rounds,
): Promise<[serial: number, balanced: number, contiguous: number]> {
  const items = imbalancedItems();
  const options = { chunkSize: IMBALANCED.chunkSize };
  const [serial, balanced, contiguous] = await together(r, [
    () => time(() => f.local.mapWith(options)(tasks.burn, [items])),
    () => time(() => f.pool.mapWith(options)(tasks.burn, [items])),
    () => time(() => f.pool.map(tasks.burn, [items])),
  ]);
  return [serial, balanced, contiguous];
}

/** A pool of 2 ready vs 2 plain Workers ready, ms. */
export async function startupCase(
  setup: Setup,
  r: Rounds,
): Promise<[raw: number, startup: number, ratio: number]> {
  return await paired(
    r,
    () => rawSpawnMs(WORKERS),
    async () => {
      const start = performance.now();
      const pool = await createPool({ adapter: setup.adapter, workers: WORKERS });
      const ms = performance.now() - start;
      await pool.close();
      return ms;
    },
  );
}
