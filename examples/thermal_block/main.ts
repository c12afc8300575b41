/**
 * The thermal block reduced-basis demo, pyMOR's flagship example on a cohort pool.
 *
 * Runs the weak greedy and a validation on the chosen pool, then the same on the in-process
 * pool for comparison, and prints a table.
 *
 * ```sh
 * deno run -A examples/thermal_block/main.ts --grid 100 --train 1000 --plot decay.svg
 * bun examples/thermal_block/main.ts --workers 2
 * ```
 *
 * @module
 */

import process from "node:process";
import { writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import type { AdapterName } from "../../mod.ts";
import { buildModel } from "./model.ts";
import { sampleParameters } from "./parameters.ts";
import { errorDecaySvg } from "./plot.ts";
import type { ProgressSink } from "./progress.ts";
import { runDemo, type RunResult, sameNumbers } from "./run.ts";
import { formatTable } from "./table.ts";

const USAGE = `Usage: main.ts [options]
  --workers N      pool size (default: logical cores, or env COHORT_WORKERS)
  --adapter NAME   in-process | deno-worker | bun-worker (default: this runtime's workers)
  --grid N         cells per side of the mesh (default 100)
  --blocks B       B×B blocks, one parameter each (default 2)
  --train N        training parameters (default 1000)
  --test N         validation parameters (default 100)
  --tol X          greedy tolerance on the X-norm error estimate (default 1e-5)
  --max-basis N    largest basis size (default 50)
  --seed N         seed of the training and test sets (default 1)
  --plot FILE.svg  write the error decay as an SVG chart
  --chaos [N]      end a random worker after every N-th greedy step (default 3); the run
                   must still match the quiet comparison run bit for bit
  --no-compare     skip the in-process comparison run
  --help           show this text`;

const ADAPTERS: readonly AdapterName[] = ["in-process", "deno-worker", "bun-worker", "nats"];

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: chaosArgs(process.argv.slice(2)),
    options: {
      workers: { type: "string" },
      adapter: { type: "string" },
      grid: { type: "string", default: "100" },
      blocks: { type: "string", default: "2" },
      train: { type: "string", default: "1000" },
      test: { type: "string", default: "100" },
      tol: { type: "string", default: "1e-5" },
      "max-basis": { type: "string", default: "50" },
      seed: { type: "string", default: "1" },
      plot: { type: "string" },
      "no-compare": { type: "boolean", default: false },
      chaos: { type: "boolean", default: false },
      help: { type: "boolean", default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const int = (name: string, text: string, min: number): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) {
      throw new RangeError(`--${name} must be an integer >= ${min}, got "${text}"`);
    }
    return n;
  };
  const adapter = values.adapter as AdapterName | undefined;
  if (adapter !== undefined && !ADAPTERS.includes(adapter)) {
    throw new RangeError(`--adapter must be one of ${ADAPTERS.join(", ")}, got "${adapter}"`);
  }
  const tol = Number(values.tol);
  if (!(tol > 0)) throw new RangeError(`--tol must be a positive number, got "${values.tol}"`);
  await demo({
    workers: values.workers === undefined ? undefined : int("workers", values.workers, 1),
    adapter,
    grid: int("grid", values.grid, 2),
    blocks: int("blocks", values.blocks, 1),
    train: int("train", values.train, 1),
    test: int("test", values.test, 1),
    tol,
    maxBasisSize: int("max-basis", values["max-basis"], 1),
    seed: int("seed", values.seed, 0),
    plot: values.plot,
    compare: !values["no-compare"],
    chaos: values.chaos ? int("chaos", chaosEvery ?? "3", 1) : undefined,
  });
}

let chaosEvery: string | undefined;
/** Takes `--chaos N` apart: parseArgs has no optional values. */
function chaosArgs(args: string[]): string[] {
  const i = args.indexOf("--chaos");
  if (i >= 0 && /^\d+$/.test(args[i + 1] ?? "")) {
    chaosEvery = args[i + 1];
    return [...args.slice(0, i + 1), ...args.slice(i + 2)];
  }
  return args;
}

interface DemoOptions {
  workers?: number;
  adapter?: AdapterName;
  grid: number;
  blocks: number;
  train: number;
  test: number;
  tol: number;
  maxBasisSize: number;
  seed: number;
  plot?: string;
  compare: boolean;
  chaos?: number;
}

async function demo(o: DemoOptions): Promise<void> {
  const started = performance.now();
  const model = buildModel({ grid: o.grid, blocks: o.blocks });
  const numParts = model.parts.length;
  const training = sampleParameters(o.train, numParts, o.seed);
  const test = sampleParameters(o.test, numParts, o.seed + 0x9e3779b9);
  console.log(
    `thermal block: ${o.grid}×${o.grid} cells (${model.size} unknowns), ` +
      `${o.blocks}×${o.blocks} blocks, μ_q in [0.1, 1], ${o.train} training and ` +
      `${o.test} test parameters, tol ${o.tol}`,
  );
  const progress: ProgressSink = {
    write: (text) => void process.stderr.write(text),
    isTTY: process.stderr.isTTY === true,
    columns: process.stderr.columns,
  };
  const common = { tol: o.tol, maxBasisSize: o.maxBasisSize, progress };
  const run = await runDemo(model, training, test, {
    ...common,
    workers: o.workers,
    adapter: o.adapter,
    chaos: o.chaos === undefined ? undefined : { every: o.chaos, seed: o.seed },
  });
  let baseline: RunResult | undefined;
  if (o.compare && (run.adapter !== "in-process" || o.chaos !== undefined)) {
    baseline = await runDemo(model, training, test, {
      ...common,
      workers: run.workers,
      adapter: "in-process",
    });
  }
  console.log();
  const identical = baseline && sameNumbers(run, baseline);
  console.log(formatTable(run, training, o.tol, baseline, identical));
  if (o.chaos !== undefined) {
    console.log(
      `chaos: ${run.kills} workers ended during the greedy; results ` +
        (baseline ? (identical ? "bitwise identical to" : "DIFFER from") : "not compared with") +
        " the quiet run",
    );
    if (baseline && !identical) process.exitCode = 1;
  }
  if (o.plot) {
    writeFileSync(
      o.plot,
      errorDecaySvg({
        maxEstimates: run.greedy.steps.map((s) => s.maxEstimate),
        tol: o.tol,
        validationMaxError: run.validation.maxError,
        title: `Thermal block ${o.blocks}×${o.blocks}, grid ${o.grid}: greedy error decay`,
      }),
    );
    console.log(`plot written to ${o.plot}`);
  }
  console.log(`total ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? `error: ${error.message}` : error);
  if (error instanceof RangeError || error instanceof TypeError) console.error(USAGE);
  process.exitCode = 1;
});
