/**
 * The pools users would pick instead, each running the trivial task over the
 * same items as cohort's map, one `run`/`execute` per item, 2 threads:
 * piscina and tinypool (Node `worker_threads` pools, run on Deno's and Bun's
 * emulation of it) and poolifier-web-worker (web Workers).
 *
 * @module
 */
import { deadline, medianOf, type Rounds } from "./stats.ts";

const INC = new URL("./fixtures/inc_worker.ts", import.meta.url);
const POOLIFIER_WORKER = new URL("./fixtures/poolifier_worker.ts", import.meta.url);
/** Threads of every peer pool. */
const THREADS = 2;
/** Items run once before the rounds (thread start-up, JIT). */
const WARM_ITEMS = 2_000;

/** A started peer pool: run one item, and stop. */
export interface PeerPool {
  run(x: number): Promise<unknown>;
  destroy(): Promise<void>;
}

/** The peers, by key prefix in the results. */
export type PeerName = "piscina" | "tinypool" | "poolifier";

/** Starts peer `name` with {@linkcode THREADS} threads. */
export async function startPeer(name: PeerName): Promise<PeerPool> {
  switch (name) {
    case "piscina": {
      const { Piscina } = await import("piscina");
      const p = new Piscina({ filename: INC.href, minThreads: THREADS, maxThreads: THREADS });
      return { run: (x) => p.run(x), destroy: () => p.destroy() };
    }
    case "tinypool": {
      const { Tinypool } = await import("tinypool");
      const p = new Tinypool({ filename: INC.href, minThreads: THREADS, maxThreads: THREADS });
      return { run: (x) => p.run(x), destroy: () => p.destroy() };
    }
    case "poolifier": {
      const { FixedThreadPool } = await import("poolifier-web-worker");
      const p = new FixedThreadPool<number, number>(THREADS, POOLIFIER_WORKER, {
        errorEventHandler: () => {},
      });
      return { run: (x) => p.execute(x), destroy: () => p.destroy() };
    }
  }
}

/**
 * Tasks per second of peer `name` over `items`, one task per item, all
 * submitted at once. Rejects, saying how many tasks were answered, if no
 * answer comes for `stallMs` (tinypool on Deno loses answers).
 */
export async function peerRate(
  name: PeerName,
  items: readonly number[],
  r: Rounds,
  stallMs: number,
): Promise<number> {
  const pool = await startPeer(name);
  try {
    await runAll(name, pool, items.slice(0, WARM_ITEMS), stallMs);
    const ms = await medianOf(r, () => runAll(name, pool, items, stallMs));
    return items.length / (ms / 1000);
  } finally {
    await deadline(pool.destroy(), 5_000, `${name}.destroy()`).catch(() => {});
  }
}

/** Items run once before the rounds (thread start-up, JIT). */
export const PEER_WARM_ITEMS = WARM_ITEMS;

/**
 * Milliseconds to run every item through `pool`, all submitted at once.
 * Rejects if no task is answered for `stallMs` while some are outstanding.
 */
export async function runAll(
  name: PeerName,
  pool: PeerPool,
  items: readonly number[],
  stallMs: number,
): Promise<number> {
  let answered = 0;
  const start = performance.now();
  const all = Promise.all(items.map((x) => pool.run(x).then(() => answered++)));
  let timer: ReturnType<typeof setInterval> | undefined;
  const stalled = new Promise<never>((_, reject) => {
    let seen = -1;
    let since = performance.now();
    timer = setInterval(() => {
      if (answered !== seen) {
        seen = answered;
        since = performance.now();
      } else if (performance.now() - since >= stallMs) {
        reject(
          new Error(
            `${name} answered ${answered} of ${items.length} tasks, then none for ` +
              `${stallMs / 1000} s`,
          ),
        );
      }
    }, 100);
  });
  try {
    await Promise.race([all, stalled]);
  } finally {
    clearInterval(timer);
  }
  return performance.now() - start;
}
