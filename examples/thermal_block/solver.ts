/**
 * Sparse linear algebra on Float64Arrays: CSR products and Jacobi-preconditioned conjugate
 * gradients. Every loop runs in a fixed order, so a solve gives the same bits on any worker.
 *
 * @module
 */

import { assembleOperator, type CsrMatrix, type ThermalBlockModel } from "./model.ts";

/** Relative residual tolerance of full-order (truth) solves. */
export const TRUTH_RTOL = 1e-12;

/**
 * Computes y = A x.
 *
 * @param a The matrix.
 * @param x The input vector, length `a.n`.
 * @param y Output vector, length `a.n` (allocated when omitted).
 * @returns `y`.
 */
export function matvec(
  a: CsrMatrix,
  x: Float64Array,
  y: Float64Array = new Float64Array(a.n),
): Float64Array {
  const { n, rowPtr, colIdx, values } = a;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) s += values[p] * x[colIdx[p]];
    y[i] = s;
  }
  return y;
}

/**
 * The Euclidean inner product, summed from the first entry to the last.
 *
 * @param a First vector.
 * @param b Second vector, same length.
 * @returns a·b.
 */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Options for {@linkcode solveCg}. */
export interface CgOptions {
  /** Stop when ‖b − A x‖₂ ≤ rtol ‖b‖₂ (default 1e-10). */
  rtol?: number;
  /** Iteration limit (default 10 n). */
  maxIterations?: number;
  /** Use the Jacobi (diagonal) preconditioner (default true). */
  jacobi?: boolean;
}

/** The outcome of {@linkcode solveCg}. */
export interface CgResult {
  /** The approximate solution. */
  x: Float64Array;
  /** Iterations taken. */
  iterations: number;
  /** Final relative residual ‖r‖₂ / ‖b‖₂ of the recurrence. */
  relativeResidual: number;
}

/**
 * Solves A x = b for symmetric positive definite A by (preconditioned) conjugate gradients,
 * starting from x = 0.
 *
 * @param a The SPD matrix.
 * @param b The right-hand side.
 * @param options Tolerance, iteration limit, preconditioner.
 * @returns The solution and convergence data.
 * @throws {Error} If the iteration limit is reached before the tolerance.
 * @example
 * ```ts
 * const model = buildModel({ grid: 20 });
 * const { x, iterations } = solveCg(model.product, model.rhs);
 * ```
 */
export function solveCg(a: CsrMatrix, b: Float64Array, options: CgOptions = {}): CgResult {
  const n = a.n;
  const rtol = options.rtol ?? 1e-10;
  const maxIterations = options.maxIterations ?? 10 * n;
  const invDiag = new Float64Array(n).fill(1);
  if (options.jacobi ?? true) {
    for (let i = 0; i < n; i++) {
      for (let p = a.rowPtr[i]; p < a.rowPtr[i + 1]; p++) {
        if (a.colIdx[p] === i) invDiag[i] = 1 / a.values[p];
      }
    }
  }
  const x = new Float64Array(n);
  const r = Float64Array.from(b);
  const z = new Float64Array(n);
  const ap = new Float64Array(n);
  const bNorm = Math.sqrt(dot(b, b));
  if (bNorm === 0) return { x, iterations: 0, relativeResidual: 0 };
  for (let i = 0; i < n; i++) z[i] = invDiag[i] * r[i];
  const p = Float64Array.from(z);
  let rz = dot(r, z);
  let rNorm = bNorm;
  for (let it = 1; it <= maxIterations; it++) {
    matvec(a, p, ap);
    const alpha = rz / dot(p, ap);
    for (let i = 0; i < n; i++) {
      x[i] += alpha * p[i];
      r[i] -= alpha * ap[i];
    }
    rNorm = Math.sqrt(dot(r, r));
    if (rNorm <= rtol * bNorm) return { x, iterations: it, relativeResidual: rNorm / bNorm };
    for (let i = 0; i < n; i++) z[i] = invDiag[i] * r[i];
    const rzNew = dot(r, z);
    const beta = rzNew / rz;
    rz = rzNew;
    for (let i = 0; i < n; i++) p[i] = z[i] + beta * p[i];
  }
  throw new Error(
    `CG did not reach rtol ${rtol} in ${maxIterations} iterations (residual ${rNorm / bNorm})`,
  );
}

/**
 * Solves the full-order problem A(μ) u = f to {@linkcode TRUTH_RTOL}.
 *
 * @param model The full-order model.
 * @param mu The parameter, one coefficient per block.
 * @returns The solution u(μ) at the interior nodes.
 * @throws {RangeError} If `mu` has the wrong length.
 */
export function solveFull(model: ThermalBlockModel, mu: ArrayLike<number>): Float64Array {
  return solveCg(assembleOperator(model, mu), model.rhs, { rtol: TRUTH_RTOL }).x;
}

/**
 * The X-norm √(vᵀXv) of a full-order vector.
 *
 * @param model The model whose product matrix X defines the norm.
 * @param v The vector.
 * @returns ‖v‖_X.
 */
export function productNorm(model: ThermalBlockModel, v: Float64Array): number {
  return Math.sqrt(dot(v, matvec(model.product, v)));
}
