/**
 * One complete demo run on one pool: push the model, run the greedy, validate.
 *
 * @module
 */

import { type AdapterName, createPool, immutable, type Pool, rng } from "../../mod.ts";
import { type GreedyResult, type GreedyStep, weakGreedy } from "./greedy.ts";
import type { ThermalBlockModel } from "./model.ts";
import { createProgress, type ProgressSink } from "./progress.ts";
import { tasks } from "./tasks.ts";
import { validate, type ValidationSummary } from "./validation.ts";

/** Settings of one run. */
export interface RunConfig {
  /** Pool size; the pool's default when omitted. */
  workers?: number;
  /** Pool adapter; the runtime's default when omitted. */
  adapter?: AdapterName;
  /** Greedy tolerance. */
  tol: number;
  /** Largest basis size. */
  maxBasisSize: number;
  /** Where progress goes (nothing when omitted). */
  progress?: ProgressSink;
  /**
   * Chaos: after every `every`-th greedy step, end a random worker (a crash on
   * thread adapters, a deadline in-process); the run uses retries and the
   * pool's self-healing and must compute the same numbers as a quiet run.
   */
  chaos?: { every: number; seed: number };
}

/** The outcome of {@linkcode runDemo}. */
export interface RunResult {
  /** The adapter the pool ran on. */
  adapter: string;
  /** Pool size. */
  workers: number;
  /** Greedy steps and the reduced model. */
  greedy: GreedyResult;
  /** Validation on the test set. */
  validation: ValidationSummary;
  /** Milliseconds to start the pool. */
  startMs: number;
  /** Milliseconds from pushing the model to the end of validation. */
  wallMs: number;
  /** Workers ended on purpose (`chaos`). */
  kills: number;
}

/**
 * Runs the greedy and the validation on a new pool, and closes it.
 *
 * @param model The full-order model (made immutable here, then pushed once).
 * @param training Training parameters.
 * @param test Test parameters.
 * @param config Pool and greedy settings.
 * @returns Results and timings.
 */
export async function runDemo(
  model: ThermalBlockModel,
  training: number[][],
  test: number[][],
  config: RunConfig,
): Promise<RunResult> {
  let start = performance.now();
  const pool = await createPool({ workers: config.workers, adapter: config.adapter });
  const startMs = performance.now() - start;
  try {
    const name = `${pool.adapter}×${pool.size}`;
    const sink = config.progress;
    start = performance.now();
    // With chaos, calls whose worker is ended run again on its replacement, which gets the
    // pushed model and the scattered training set back before it runs anything.
    const work = config.chaos ? pool.with({ retries: 5 }) : pool;
    const random = rng(config.chaos?.seed ?? 0);
    let kills = 0;
    const remoteModel = await work.push(immutable(model));
    const greedyBar = sink && createProgress(sink, "greedy");
    let initial: number | undefined;
    const greedy = await weakGreedy(work, model, remoteModel, training, {
      tol: config.tol,
      maxBasisSize: config.maxBasisSize,
      onStep(step: GreedyStep): void {
        initial ??= step.maxEstimate;
        // Progress on a log scale from the first estimate down to the tolerance.
        const span = Math.log(initial / config.tol);
        const fraction = Math.max(
          span > 0 ? Math.log(initial / step.maxEstimate) / span : 1,
          step.dim / config.maxBasisSize,
        );
        greedyBar?.update(
          fraction,
          `${name}  N=${step.dim}  max estimate ${step.maxEstimate.toExponential(2)}`,
        );
        if (config.chaos && step.dim > 0 && step.dim % config.chaos.every === 0) {
          kill(pool, Math.floor(random() * pool.size));
          kills++;
        }
      },
    });
    const last = greedy.steps[greedy.steps.length - 1];
    greedyBar?.done(`${name}  stopped at N=${last.dim} (${greedy.reason})`);
    const validationBar = sink && createProgress(sink, "validate", 1000);
    const validation = await validate(
      work,
      remoteModel,
      greedy.rom,
      greedy.basis,
      test,
      validationBar &&
        ((done, total) => validationBar.update(done / total, `${name}  ${done}/${total} solves`)),
    );
    validationBar?.done(
      `${name}  ${test.length} solves, max error ${validation.maxError.toExponential(2)}`,
    );
    await remoteModel.remove();
    const wallMs = performance.now() - start;
    return {
      adapter: pool.adapter,
      workers: pool.size,
      greedy,
      validation,
      startMs,
      wallMs,
      kills,
    };
  } finally {
    await pool.close();
  }
}

/** Ends worker `worker` while the run goes on: a crash, or in-process a deadline. */
function kill(pool: Pool, worker: number): void {
  const end = pool.adapter === "in-process"
    ? pool.with({ timeout: 10 }).applyOnly(tasks.stall, worker)
    : pool.applyOnly(tasks.crash, worker);
  end.catch(() => {}); // the point: it fails
}

/**
 * Whether two runs computed the same numbers, bit for bit: selected parameters, estimates per
 * step, and every validation error and estimate (timings excluded).
 *
 * @param a One run.
 * @param b The other.
 * @returns True if all compared numbers are identical (`Object.is`).
 */
export function sameNumbers(a: RunResult, b: RunResult): boolean {
  const flat = (r: RunResult): number[] => [
    ...r.greedy.selected,
    ...r.greedy.steps.flatMap((s) => [s.dim, s.index, s.maxEstimate]),
    ...r.validation.points.flatMap((p) => [p.error, p.estimate]),
  ];
  const x = flat(a), y = flat(b);
  return x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
}
