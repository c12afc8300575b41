/**
 * Scaling with the number of workers: a CPU-bound `map` and the thermal-block
 * weak greedy (per step: push the reduced model, estimate the error over the
 * training set on every worker, solve the winning snapshot, map the Riesz
 * representers) on 1, 2, 4, 8 and 16 workers of this runtime's thread adapter.
 *
 * `deno run -A bench/scaling.ts [--workers=1,2,4,8,16] [--quick] [--json]`,
 * `bun bench/scaling.ts ...`, or `npm run bench:scaling` for both. Speedups
 * are against the first count (1 worker) of the same adapter; a machine with fewer cores than
 * workers cannot show more speedup than it has cores.
 *
 * @module
 */
import { availableParallelism } from "node:os";
import { type AdapterName, createPool, type Pool } from "../mod.ts";
import { buildModel } from "../examples/thermal_block/model.ts";
import { sampleParameters } from "../examples/thermal_block/parameters.ts";
import { weakGreedy } from "../examples/thermal_block/greedy.ts";
import { immutable } from "../mod.ts";
import { tasks } from "./fixtures/tasks.ts";
import { median, progress, round3 } from "./stats.ts";

declare const Deno: { args: string[]; version: { deno: string }; exit(code: number): never };
declare const Bun: { version: string };
declare const process: { argv: string[]; exit(code: number): never };

const isDeno = typeof Deno !== "undefined" && !("Bun" in globalThis);
const args = isDeno ? Deno.args : process.argv.slice(2);
const quick = args.includes("--quick");
const json = args.includes("--json");
const counts = (args.find((a) => a.startsWith("--workers="))?.slice(10) ?? "1,2,4,8,16")
  .split(",").map(Number);
const adapter: AdapterName = isDeno ? "deno-worker" : "bun-worker";
const ROUNDS = quick ? 3 : 5;
/** CPU-bound map: 96 items of 8 work units (about 1.6 ms each on the 2-core machine). */
const CPU_ITEMS = new Array<number>(96).fill(8);
/** The greedy: a 60×60 grid, 2×2 blocks, 2,000 training parameters, 6 steps. */
const GREEDY = { grid: 60, blocks: 2, train: 2_000, steps: 6 };

const model = buildModel({ grid: GREEDY.grid, blocks: GREEDY.blocks });
const training = sampleParameters(GREEDY.train, model.parts.length, 1);

async function timeMs(fn: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/** Milliseconds per greedy step on `pool`. */
async function greedyStepMs(pool: Pool): Promise<number> {
  const remote = await pool.push(immutable(model));
  try {
    const start = performance.now();
    const result = await weakGreedy(pool, model, remote, training, {
      tol: 0,
      maxBasisSize: GREEDY.steps,
    });
    return (performance.now() - start) / result.steps.length;
  } finally {
    await remote.remove();
  }
}

interface Row {
  workers: number;
  map_ms: number;
  map_speedup: number;
  greedy_step_ms: number;
  greedy_speedup: number;
}

const rows: Row[] = [];
for (const n of counts) {
  progress(`scaling: ${n} worker(s)`);
  const pool = await createPool({ adapter, workers: n, modules: [tasks.burn.module] });
  try {
    await pool.map(tasks.burn, [CPU_ITEMS.slice(0, n)]); // started, JIT warm
    const map: number[] = [];
    const greedy: number[] = [];
    await greedyStepMs(pool); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      map.push(await timeMs(() => pool.map(tasks.burn, [CPU_ITEMS])));
      greedy.push(await greedyStepMs(pool));
    }
    const base = rows[0];
    const mapMs = median(map);
    const stepMs = median(greedy);
    rows.push({
      workers: n,
      map_ms: round3(mapMs),
      map_speedup: round3(base ? base.map_ms / mapMs : 1),
      greedy_step_ms: round3(stepMs),
      greedy_speedup: round3(base ? base.greedy_step_ms / stepMs : 1),
    });
  } finally {
    await pool.close();
  }
}

const header = {
  runtime: isDeno ? "deno" : "bun",
  runtime_version: isDeno ? Deno.version.deno : Bun.version,
  adapter,
  cores: availableParallelism(),
  quick,
};
if (json) console.log(JSON.stringify({ ...header, rows }));
else {
  console.log(
    `### scaling: ${header.runtime} ${header.runtime_version} on \`${adapter}\`, ` +
      `${header.cores} cores${quick ? " (quick)" : ""}\n`,
  );
  console.log(
    `| workers | map(burn), ${CPU_ITEMS.length} items | speedup | greedy step ` +
      `(${GREEDY.grid}² grid, ${GREEDY.train} params) | speedup |`,
  );
  console.log("| ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(
      `| ${r.workers} | ${r.map_ms} ms | ${r.map_speedup}× | ${r.greedy_step_ms} ms | ` +
        `${r.greedy_speedup}× |`,
    );
  }
}
if (isDeno) Deno.exit(0);
else process.exit(0);
