/**
 * The weak greedy on a pool, as pyMOR's `rb_greedy` with a `WorkerPool`: the training set is
 * scattered once; each step pushes the current reduced model, applies the estimator on every
 * worker's slice, and extends the basis by the snapshot at the largest estimate.
 *
 * @module
 */

import { immutable, type Pool, type RemoteObject } from "../../mod.ts";
import type { ThermalBlockModel } from "./model.ts";
import { ReducedBasisBuilder } from "./reduced_basis.ts";
import type { ReducedModel } from "./reduced_model.ts";
import { type SliceMaximum, tasks } from "./tasks.ts";

/** Options of {@linkcode weakGreedy}. */
export interface GreedyOptions {
  /** Stop once the largest estimate over the training set is at most this. */
  tol: number;
  /** Stop once the basis has this many vectors. */
  maxBasisSize: number;
  /** Called after the estimates of each step. */
  onStep?: (step: GreedyStep) => void;
}

/** What one greedy step found. */
export interface GreedyStep {
  /** Basis size the estimates were computed with. */
  dim: number;
  /** Largest estimate over the training set. */
  maxEstimate: number;
  /** Global training index of the largest estimate. */
  index: number;
}

/** Why the greedy stopped. */
export type StopReason = "tolerance" | "max-size" | "dependent-snapshot";

/** The outcome of {@linkcode weakGreedy}. */
export interface GreedyResult {
  /** One entry per step, basis size 0, 1, …, N. */
  steps: GreedyStep[];
  /** Training indices of the snapshots in the basis, in order. */
  selected: number[];
  /** Why the loop ended. */
  reason: StopReason;
  /** The final reduced model. */
  rom: ReducedModel;
  /** The final basis, one vector per row. */
  basis: Float64Array;
}

/**
 * Runs the weak greedy with the estimator evaluated in parallel.
 *
 * @param pool The pool.
 * @param model The full-order model (the local copy, for Gram–Schmidt and projection).
 * @param remoteModel The same model pushed to the workers.
 * @param training The training parameters.
 * @param options Tolerance, size limit and progress callback.
 * @returns The steps, the selected parameters and the reduced model.
 * @throws {RangeError} If the training set is empty.
 */
export async function weakGreedy(
  pool: Pool,
  model: ThermalBlockModel,
  remoteModel: RemoteObject<ThermalBlockModel>,
  training: number[][],
  options: GreedyOptions,
): Promise<GreedyResult> {
  if (training.length === 0) throw new RangeError("'training' must not be empty");
  const slices = await pool.scatterList(training);
  let remoteRom: RemoteObject<ReducedModel> | undefined;
  try {
    const [rhsRepresenter] = await pool.map(tasks.rieszRepresenter, [[-1]], remoteModel, null);
    const builder = new ReducedBasisBuilder(model, rhsRepresenter);
    const partIndices = model.parts.map((_, q) => q);
    const steps: GreedyStep[] = [];
    const selected: number[] = [];
    for (;;) {
      const rom = immutable(builder.reducedModel());
      const previous = remoteRom;
      remoteRom = await pool.push(rom);
      await previous?.remove();
      const maxima = await pool.apply(tasks.estimateSlice, remoteRom, slices);
      const best = argmax(maxima);
      const step = { dim: builder.dim, maxEstimate: best.estimate, index: best.index };
      steps.push(step);
      options.onStep?.(step);
      const done: StopReason | null = best.estimate <= options.tol
        ? "tolerance"
        : builder.dim >= options.maxBasisSize
        ? "max-size"
        : null;
      if (done) return { steps, selected, reason: done, rom, basis: builder.basisMatrix() };
      // The worker that holds the winning parameter computes its snapshot.
      const snapshot = await pool.applyOnly(
        tasks.solveSnapshot,
        best.worker,
        remoteModel,
        slices,
        best.localIndex,
      );
      const zeta = builder.orthonormalize(snapshot);
      if (zeta === null) {
        return { steps, selected, reason: "dependent-snapshot", rom, basis: builder.basisMatrix() };
      }
      const representers = await pool.map(tasks.rieszRepresenter, [partIndices], remoteModel, zeta);
      builder.add(zeta, representers);
      selected.push(best.index);
    }
  } finally {
    await remoteRom?.remove();
    await slices.remove();
  }
}

/**
 * The largest of the workers' slice maxima. Slices are contiguous in worker order and each
 * worker reports its first maximum, so taking the first strict improvement over workers
 * breaks ties by the lowest global index, whatever the number of workers.
 */
function argmax(
  maxima: SliceMaximum[],
): { estimate: number; index: number; worker: number; localIndex: number } {
  let best = { estimate: -Infinity, index: -1, worker: -1, localIndex: -1 };
  let offset = 0;
  maxima.forEach((m, worker) => {
    if (m.count > 0 && m.estimate > best.estimate) {
      best = { estimate: m.estimate, index: offset + m.index, worker, localIndex: m.index };
    }
    offset += m.count;
  });
  return best;
}
