/**
 * The online part of the reduced basis method: the reduced model a worker holds, the reduced
 * solve, and the a-posteriori error estimator. Every operation costs a function of the basis
 * size N and the number of parts Q only, never of the full dimension.
 *
 * Error bound. With X = Σ_q A_q (energy product at μ_ref = 1) and each A_q positive
 * semidefinite, vᵀA(μ)v ≥ α_LB(μ) vᵀXv where α_LB(μ) = min_q μ_q (the min-theta bound).
 * Galerkin orthogonality then gives ‖u(μ) − u_N(μ)‖_X ≤ ‖r(μ)‖_{X'} / α_LB(μ), where the
 * residual r = f − Σ_q μ_q A_q V c is affine with terms f and A_q ζ_i. Their Riesz
 * representers R_a (X R_a = term a) are computed offline and expanded in an X-orthonormal
 * basis W of their span, R_a = W C_a (as pyMOR's residual reductor does). Then the dual norm
 * is a Euclidean norm in that small space, ‖r‖_{X'} = ‖Σ_a θ_a C_a‖₂. Forming the vector first
 * and taking its norm avoids the cancellation of the squared form θᵀGθ, which would stall
 * the estimate near √ε ‖f‖ and lose the upper-bound property below it.
 *
 * @module
 */

import { dot } from "./solver.ts";

/** Online data of a reduced model: plain typed arrays, cheap to push. */
export interface ReducedModel {
  /** Basis size N. */
  dim: number;
  /** Number of affine parts Q. */
  numParts: number;
  /** Projected parts ζ_iᵀ A_q ζ_j, each N×N row-major. */
  parts: Float64Array[];
  /** Projected load ζ_iᵀ f, length N. */
  rhs: Float64Array;
  /**
   * Coordinates C_a of the residual terms' Riesz representers in an X-orthonormal basis of
   * their span, (1 + QN)² row-major, row a = C_a. Term 0 is f, term 1 + iQ + q is A_q ζ_i
   * (basis vector i, part q): adding a basis vector appends terms.
   */
  residual: Float64Array;
}

/** A reduced solution with its error estimate. */
export interface ReducedSolution {
  /** Coefficients of u_N in the basis. */
  coefficients: Float64Array;
  /** Upper bound of ‖u − u_N‖_X. */
  estimate: number;
}

/**
 * The min-theta coercivity lower bound α_LB(μ) = min_q μ_q / μ_ref,q with μ_ref = 1.
 *
 * @param mu The parameter.
 * @returns A lower bound of the coercivity constant of A(μ) with respect to X.
 */
export function coercivityLowerBound(mu: ArrayLike<number>): number {
  let alpha = Infinity;
  for (let q = 0; q < mu.length; q++) alpha = Math.min(alpha, mu[q]);
  return alpha;
}

/**
 * Solves the reduced system (Σ_q μ_q A_qN) c = f_N by Cholesky factorization.
 *
 * @param rom The reduced model.
 * @param mu The parameter, one entry per part.
 * @returns The coefficient vector c (length N).
 * @throws {RangeError} If `mu` has the wrong length.
 */
export function solveReduced(rom: ReducedModel, mu: ArrayLike<number>): Float64Array {
  if (mu.length !== rom.numParts) {
    throw new RangeError(`'mu' must have ${rom.numParts} entries, got ${mu.length}`);
  }
  const n = rom.dim;
  const a = new Float64Array(n * n);
  for (let q = 0; q < rom.numParts; q++) {
    const part = rom.parts[q];
    const c = mu[q];
    for (let k = 0; k < a.length; k++) a[k] += c * part[k];
  }
  return choleskySolve(a, n, rom.rhs);
}

/**
 * Evaluates the error estimator Δ(μ) = ‖Σ_a θ_a C_a‖₂ / α_LB(μ) for given reduced
 * coefficients, with θ = (1, −μ_q c_i).
 *
 * @param rom The reduced model.
 * @param mu The parameter.
 * @param coefficients The reduced solution's coefficients.
 * @returns The estimate, an upper bound of the X-norm error.
 */
export function estimateError(
  rom: ReducedModel,
  mu: ArrayLike<number>,
  coefficients: Float64Array,
): number {
  const { dim, numParts: q, residual } = rom;
  const terms = 1 + q * dim;
  const r = Float64Array.from(residual.subarray(0, terms));
  for (let i = 0; i < dim; i++) {
    for (let p = 0; p < q; p++) {
      const a = 1 + i * q + p;
      const theta = -mu[p] * coefficients[i];
      // C_a has no entries beyond position a: the span grows by at most one per term.
      for (let k = 0; k <= a; k++) r[k] += theta * residual[a * terms + k];
    }
  }
  return Math.sqrt(dot(r, r)) / coercivityLowerBound(mu);
}

/**
 * Solves the reduced problem and estimates its error.
 *
 * @param rom The reduced model.
 * @param mu The parameter.
 * @returns Coefficients and error estimate.
 */
export function solveAndEstimate(rom: ReducedModel, mu: ArrayLike<number>): ReducedSolution {
  const coefficients = solveReduced(rom, mu);
  return { coefficients, estimate: estimateError(rom, mu, coefficients) };
}

/**
 * Solves a small dense SPD system by Cholesky factorization.
 *
 * @param a Row-major n×n matrix (not modified).
 * @param n Order.
 * @param b Right-hand side.
 * @returns The solution.
 * @throws {RangeError} If the matrix is not numerically positive definite.
 */
export function choleskySolve(a: Float64Array, n: number, b: Float64Array): Float64Array {
  const l = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = a[j * n + j];
    for (let k = 0; k < j; k++) d -= l[j * n + k] * l[j * n + k];
    if (!(d > 0)) throw new RangeError(`reduced matrix is not positive definite (pivot ${j})`);
    const ljj = Math.sqrt(d);
    l[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = a[i * n + j];
      for (let k = 0; k < j; k++) s -= l[i * n + k] * l[j * n + k];
      l[i * n + j] = s / ljj;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i];
    for (let k = 0; k < i; k++) s -= l[i * n + k] * y[k];
    y[i] = s / l[i * n + i];
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i];
    for (let k = i + 1; k < n; k++) s -= l[k * n + i] * x[k];
    x[i] = s / l[i * n + i];
  }
  return x;
}
