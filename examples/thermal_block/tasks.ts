/**
 * The tasks pool workers run for the thermal block demo. Workers import this module by URL,
 * so it only defines functions.
 *
 * @module
 */

import { defineTasks } from "../../mod.ts";
import type { ThermalBlockModel } from "./model.ts";
import { reconstruct } from "./reduced_basis.ts";
import { type ReducedModel, solveAndEstimate } from "./reduced_model.ts";
import { matvec, productNorm, solveCg, solveFull, TRUTH_RTOL } from "./solver.ts";

/** The largest estimate on one worker's slice of the training set. */
export interface SliceMaximum {
  /** Number of parameters in the slice. */
  count: number;
  /** Index in the slice of the first largest estimate (-1 for an empty slice). */
  index: number;
  /** The largest estimate (-Infinity for an empty slice). */
  estimate: number;
}

/** One validation point: true error, estimate, and timings. */
export interface Validation {
  /** ‖u(μ) − u_N(μ)‖_X with u(μ) from a truth solve. */
  error: number;
  /** The estimator's bound Δ(μ). */
  estimate: number;
  /** Milliseconds of the full solve. */
  fullMs: number;
  /** Milliseconds of one reduced solve with estimate (mean of repeated runs). */
  reducedMs: number;
}

/** Reduced solves are timed over this many repetitions (one takes microseconds). */
const REDUCED_REPEATS = 50;

/** The demo's tasks. */
declare const process: { exit(code?: number): void } | undefined;

export const tasks = defineTasks(import.meta.url, {
  /** Ends the worker it runs on, as a crash would (the demo's `--chaos`; never in-process). */
  crash(): never {
    const scope = globalThis as { close?: () => void };
    if (typeof scope.close === "function") scope.close();
    process?.exit(1);
    throw new Error("the worker did not end");
  },
  /** Never settles: a deadline ends it and replaces the worker (`--chaos` in-process). */
  stall(): Promise<never> {
    return new Promise<never>(() => {});
  },
  /**
   * Estimates the error at every parameter of a training slice and returns the largest,
   * the first one on ties.
   */
  estimateSlice(rom: ReducedModel, slice: number[][]): SliceMaximum {
    let index = -1;
    let estimate = -Infinity;
    for (let i = 0; i < slice.length; i++) {
      const e = solveAndEstimate(rom, slice[i]).estimate;
      if (Number.isNaN(e)) throw new Error(`estimate is NaN at training point ${i}`);
      if (e > estimate) {
        estimate = e;
        index = i;
      }
    }
    return { count: slice.length, index, estimate };
  },

  /** Full solve at parameter `index` of the worker's own training slice. */
  solveSnapshot(model: ThermalBlockModel, slice: number[][], index: number): Float64Array {
    const mu = slice[index];
    if (mu === undefined) throw new RangeError(`'index' ${index} is outside this worker's slice`);
    return solveFull(model, mu);
  },

  /**
   * The Riesz representer R of a residual term: X R = A_part v, or X R = f for part -1.
   */
  rieszRepresenter(part: number, model: ThermalBlockModel, v: Float64Array | null): Float64Array {
    const rhs = part < 0 ? model.rhs : matvec(model.parts[part], v ?? new Float64Array(0));
    return solveCg(model.product, rhs, { rtol: TRUTH_RTOL }).x;
  },

  /** Compares the reduced solution with a truth solve at `mu`. */
  validate(
    mu: number[],
    model: ThermalBlockModel,
    rom: ReducedModel,
    basis: Float64Array,
  ): Validation {
    let start = performance.now();
    const u = solveFull(model, mu);
    const fullMs = performance.now() - start;
    start = performance.now();
    for (let r = 1; r < REDUCED_REPEATS; r++) solveAndEstimate(rom, mu);
    const { coefficients, estimate } = solveAndEstimate(rom, mu);
    const reducedMs = (performance.now() - start) / REDUCED_REPEATS;
    const e = reconstruct(basis, model.size, coefficients);
    for (let k = 0; k < e.length; k++) e[k] = u[k] - e[k];
    return { error: productNorm(model, e), estimate, fullMs, reducedMs };
  },
});
