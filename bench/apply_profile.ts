/**
 * The per-call cost of `apply` against a raw broadcast-and-gather, measured
 * interleaved (ABAB blocks) and reported as the median of per-round ratios:
 * `deno run -A bench/apply_profile.ts [rounds] [workers]` or
 * `bun bench/apply_profile.ts [rounds] [workers]`. Used to weigh each change
 * on the per-call path (docs/performance.md).
 *
 * @module
 */
import { createPool } from "../mod.ts";
import { tasks } from "./fixtures/tasks.ts";
import { RawWorkers } from "./raw_baselines.ts";
import { interleaved } from "./stats.ts";

declare const Deno: { args: string[]; exit(code: number): never } | undefined;
declare const process: { argv: string[]; exit(code: number): never };

const isDeno = typeof Deno !== "undefined" && !("Bun" in globalThis);
const args = isDeno ? Deno!.args : process.argv.slice(2);
const rounds = Number(args[0] ?? 30);
const workers = Number(args[1] ?? 2);
const adapter = isDeno ? "deno-worker" : "bun-worker";

const pool = await createPool({ adapter, workers, modules: [tasks.noop.module] });
const raw = await RawWorkers.spawn(workers);
const [b, s, ratio] = await interleaved(
  { rounds, warmup: 5 },
  200,
  20,
  () => raw.roundtrip(),
  () => pool.apply(tasks.noop),
);
const applyOnly = await interleaved(
  { rounds, warmup: 5 },
  200,
  20,
  () => raw.roundtrip(),
  () => pool.applyOnly(tasks.noop, 0),
);
// Pipelined: many calls in flight, so the figure is the CPU each call costs
// the busiest thread rather than the latency of a round trip.
const PIPELINED = 4_000;
const pipelined = async (fn: () => Promise<unknown>): Promise<number> => {
  const start = performance.now();
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < PIPELINED; i++) all.push(fn());
  await Promise.all(all);
  return ((performance.now() - start) / PIPELINED) * 1000;
};
const pipes = await interleaved(
  { rounds: Math.max(3, rounds >> 2), warmup: 1 },
  1,
  1,
  () => pipelined(() => raw.roundtripTagged()),
  () => pipelined(() => pool.apply(tasks.noop)),
);
console.log(
  JSON.stringify({
    runtime: isDeno ? "deno" : "bun",
    workers,
    rounds,
    raw_us: +(b * 1000).toFixed(1),
    apply_us: +(s * 1000).toFixed(1),
    apply_ratio: +ratio.toFixed(3),
    apply_only_us: +(applyOnly[1] * 1000).toFixed(1),
    apply_only_vs_broadcast: +applyOnly[2].toFixed(3),
    pipelined_ratio: +pipes[2].toFixed(3),
  }),
);
raw.terminate();
await pool.close();
if (isDeno) Deno!.exit(0);
else process.exit(0);
