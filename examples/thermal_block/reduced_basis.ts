/**
 * The offline part of the reduced basis method: an X-orthonormal basis grown one snapshot at a
 * time, the affine parts and load projected onto it, and the residual terms' Riesz
 * representers in coordinates of an X-orthonormal basis of their span. The representers
 * themselves are full solves with X; the caller computes them (on the pool) and hands them in.
 *
 * @module
 */

import type { ThermalBlockModel } from "./model.ts";
import type { ReducedModel } from "./reduced_model.ts";
import { dot, matvec } from "./solver.ts";

/** Snapshots whose X-norm shrinks below this fraction under orthogonalization are rejected. */
export const SNAPSHOT_RTOL = 1e-10;
/** Residual representers keep every direction above rounding noise, so the bound stays safe. */
const RESIDUAL_RTOL = 1e-14;

/** Grows a reduced basis and keeps the reduced model's online data current. */
export class ReducedBasisBuilder {
  readonly #model: ThermalBlockModel;
  readonly #basis: Float64Array[] = [];
  /** X-orthonormal basis of the span of the residual terms' Riesz representers. */
  readonly #residualBasis: Float64Array[] = [];
  /** Coordinates C_a of each representer in `#residualBasis` (row a has ≤ a + 1 entries). */
  readonly #residualCoordinates: number[][] = [];
  readonly #parts: number[][][];
  readonly #rhs: number[] = [];

  /**
   * Starts an empty basis.
   *
   * @param model The full-order model.
   * @param rhsRepresenter The Riesz representer R_f of the load: X R_f = f.
   */
  constructor(model: ThermalBlockModel, rhsRepresenter: Float64Array) {
    this.#model = model;
    this.#parts = model.parts.map(() => []);
    this.#appendRepresenter(rhsRepresenter);
  }

  /** Current basis size N. */
  get dim(): number {
    return this.#basis.length;
  }

  /** The basis vectors ζ_0 … ζ_{N−1}, X-orthonormal. */
  get basis(): readonly Float64Array[] {
    return this.#basis;
  }

  /**
   * Orthonormalizes a snapshot against the basis in the X product (Gram–Schmidt, applied
   * twice for stability).
   *
   * @param snapshot The full-order solution to add.
   * @returns The new unit vector, or `null` if the snapshot lies (numerically) in the span.
   */
  orthonormalize(snapshot: Float64Array): Float64Array | null {
    return orthogonalize(this.#model, this.#basis, snapshot, SNAPSHOT_RTOL).direction;
  }

  /**
   * Appends an orthonormalized basis vector with the representers of its residual terms.
   *
   * @param zeta The new basis vector (from {@linkcode orthonormalize}).
   * @param representers R with X R = A_q ζ, one per part in part order.
   * @throws {RangeError} If the number of representers is not the number of parts.
   */
  add(zeta: Float64Array, representers: Float64Array[]): void {
    const { parts, rhs } = this.#model;
    if (representers.length !== parts.length) {
      throw new RangeError(`'representers' must hold ${parts.length} vectors`);
    }
    this.#basis.push(zeta);
    const n = this.#basis.length;
    parts.forEach((part, q) => {
      const image = matvec(part, zeta);
      const rows = this.#parts[q];
      const column = this.#basis.map((z) => dot(z, image));
      rows.forEach((row, i) => row.push(column[i]));
      rows.push(column.slice(0, n));
    });
    this.#rhs.push(dot(zeta, rhs));
    for (const r of representers) this.#appendRepresenter(r);
  }

  /**
   * A snapshot of the online data for the current basis.
   *
   * @returns A fresh {@linkcode ReducedModel} (later growth does not change it).
   */
  reducedModel(): ReducedModel {
    const n = this.#basis.length;
    const flat = (rows: number[][], size: number): Float64Array => {
      const out = new Float64Array(size * size);
      rows.forEach((row, i) => out.set(row, i * size));
      return out;
    };
    const terms = this.#residualCoordinates.length;
    return {
      dim: n,
      numParts: this.#parts.length,
      parts: this.#parts.map((rows) => flat(rows, n)),
      rhs: Float64Array.from(this.#rhs),
      residual: flat(this.#residualCoordinates, terms),
    };
  }

  /**
   * The basis as one row-major array, one vector per row (like a pyMOR VectorArray).
   *
   * @returns A Float64Array of N × size entries.
   */
  basisMatrix(): Float64Array {
    const size = this.#model.size;
    const out = new Float64Array(this.#basis.length * size);
    this.#basis.forEach((zeta, i) => out.set(zeta, i * size));
    return out;
  }

  /** Expands a representer in the residual basis, extending the basis by its new direction. */
  #appendRepresenter(r: Float64Array): void {
    const { coordinates, direction } = orthogonalize(
      this.#model,
      this.#residualBasis,
      r,
      RESIDUAL_RTOL,
    );
    if (direction) this.#residualBasis.push(direction);
    this.#residualCoordinates.push(coordinates);
  }
}

/**
 * Gram–Schmidt (two passes) of `vector` against an X-orthonormal `basis`; a remainder at or
 * below `rtol` times the initial X-norm counts as zero.
 *
 * @returns The coordinates of `vector` in the basis extended by `direction`, and `direction`,
 * the normalized remainder, or `null` when the remainder is negligible.
 */
function orthogonalize(
  model: ThermalBlockModel,
  basis: readonly Float64Array[],
  vector: Float64Array,
  rtol: number,
): { coordinates: number[]; direction: Float64Array | null } {
  const x = model.product;
  const v = Float64Array.from(vector);
  const initialNorm = Math.sqrt(dot(v, matvec(x, v)));
  const coordinates: number[] = basis.map(() => 0);
  if (initialNorm === 0) return { coordinates, direction: null };
  for (let pass = 0; pass < 2; pass++) {
    const xv = matvec(x, v);
    const c = basis.map((w) => dot(w, xv));
    basis.forEach((w, j) => {
      coordinates[j] += c[j];
      for (let k = 0; k < v.length; k++) v[k] -= c[j] * w[k];
    });
  }
  const norm = Math.sqrt(dot(v, matvec(x, v)));
  if (norm <= rtol * initialNorm) return { coordinates, direction: null };
  for (let k = 0; k < v.length; k++) v[k] /= norm;
  coordinates.push(norm);
  return { coordinates, direction: v };
}

/**
 * Reconstructs the full-order vector V c from a row-major basis.
 *
 * @param basis N basis vectors of length `size`, one per row (see
 * {@linkcode ReducedBasisBuilder.basisMatrix}).
 * @param size The full-order dimension.
 * @param coefficients The N coefficients.
 * @returns Σ_i c_i ζ_i.
 * @throws {RangeError} If the basis does not hold N rows of `size` entries.
 */
export function reconstruct(
  basis: Float64Array,
  size: number,
  coefficients: Float64Array,
): Float64Array {
  const n = coefficients.length;
  if (basis.length !== n * size) {
    throw new RangeError(`'basis' must hold ${n} rows of ${size}, got ${basis.length} entries`);
  }
  const out = new Float64Array(size);
  for (let i = 0; i < n; i++) {
    const c = coefficients[i];
    const row = basis.subarray(i * size, (i + 1) * size);
    for (let k = 0; k < size; k++) out[k] += c * row[k];
  }
  return out;
}
