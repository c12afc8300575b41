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
import { cpuUsage } from "node:process";
import { interleaved, median } from "./stats.ts";

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
// CPU time of the whole process (every thread) per call: what a change removes shows here even
// when other work on the machine makes latencies swing.
const cpuPerCall = async (fn: () => Promise<unknown>): Promise<number> => {
  const before = cpuUsage();
  for (let i = 0; i < 200; i++) await fn();
  const used = cpuUsage(before);
  return (used.user + used.system) / 200;
};
const cpuRaw: number[] = [];
const cpuApply: number[] = [];
for (let round = 0; round < rounds + 3; round++) {
  const first = round % 2 === 0;
  const a = first ? await cpuPerCall(() => raw.roundtrip()) : 0;
  const b = await cpuPerCall(() => pool.apply(tasks.noop));
  const c = first ? a : await cpuPerCall(() => raw.roundtrip());
  if (round < 3) continue;
  cpuRaw.push(c);
  cpuApply.push(b);
}
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
    cpu_raw_us: +median(cpuRaw).toFixed(1),
    cpu_apply_us: +median(cpuApply).toFixed(1),
    cpu_ratio: +median(cpuApply.map((x, i) => x / cpuRaw[i])).toFixed(3),
  }),
);
raw.terminate();
await pool.close();
if (isDeno) Deno!.exit(0);
else process.exit(0);
