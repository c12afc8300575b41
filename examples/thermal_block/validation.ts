/**
 * Validation of a reduced model on a test set: a parallel map of truth solves compared with
 * reduced solutions, giving true errors, estimates and effectivities.
 *
 * @module
 */

import { immutable, type Pool, type RemoteObject } from "../../mod.ts";
import type { ThermalBlockModel } from "./model.ts";
import type { ReducedModel } from "./reduced_model.ts";
import { tasks, type Validation } from "./tasks.ts";

/** Summary of a validation run. */
export interface ValidationSummary {
  /** One result per test parameter, in input order. */
  points: Validation[];
  /** Largest true error. */
  maxError: number;
  /** Largest estimate. */
  maxEstimate: number;
  /** Mean of estimate / error. */
  meanEffectivity: number;
  /** Smallest estimate / error (≥ 1 for a rigorous bound). */
  minEffectivity: number;
  /** Mean milliseconds of a full solve. */
  fullMs: number;
  /** Mean milliseconds of a reduced solve with estimate. */
  reducedMs: number;
}

/**
 * Validates a reduced model on `test` with a map over the pool.
 *
 * @param pool The pool.
 * @param remoteModel The full-order model on the workers.
 * @param rom The reduced model.
 * @param basis Its basis, one vector per row.
 * @param test The test parameters.
 * @param onProgress Called with (done, total) as results arrive.
 * @returns Per-point results and their summary.
 */
export async function validate(
  pool: Pool,
  remoteModel: RemoteObject<ThermalBlockModel>,
  rom: ReducedModel,
  basis: Float64Array,
  test: number[][],
  onProgress?: (done: number, total: number) => void,
): Promise<ValidationSummary> {
  const remoteRom = await pool.push(immutable(rom));
  const remoteBasis = await pool.push(immutable(basis));
  try {
    const map = onProgress ? pool.mapWith({ chunkSize: 4, onProgress }) : pool.map;
    const points = await map(tasks.validate, [test], remoteModel, remoteRom, remoteBasis);
    return summarize(points);
  } finally {
    await remoteRom.remove();
    await remoteBasis.remove();
  }
}

/**
 * Summarizes validation points. An error of exactly zero has effectivity 1 when its estimate
 * is zero too, and +Infinity otherwise.
 *
 * @param points The per-parameter results.
 * @returns Maxima, effectivities and mean timings.
 */
export function summarize(points: Validation[]): ValidationSummary {
  let maxError = 0, maxEstimate = 0, sumEff = 0, minEffectivity = Infinity;
  let fullMs = 0, reducedMs = 0;
  for (const p of points) {
    maxError = Math.max(maxError, p.error);
    maxEstimate = Math.max(maxEstimate, p.estimate);
    const eff = p.error === 0 ? (p.estimate === 0 ? 1 : Infinity) : p.estimate / p.error;
    sumEff += eff;
    minEffectivity = Math.min(minEffectivity, eff);
    fullMs += p.fullMs;
    reducedMs += p.reducedMs;
  }
  const n = Math.max(points.length, 1);
  return {
    points,
    maxError,
    maxEstimate,
    meanEffectivity: sumEff / n,
    minEffectivity,
    fullMs: fullMs / n,
    reducedMs: reducedMs / n,
  };
}
