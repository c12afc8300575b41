/**
 * Seeded parameter sampling. mulberry32 uses 32-bit integer arithmetic only, so every runtime
 * draws the same numbers from the same seed.
 *
 * @module
 */

/** The parameter range of every block coefficient μ_q. */
export const MU_RANGE: readonly [number, number] = [0.1, 1];

/**
 * The mulberry32 generator: uniform numbers in [0, 1) from a 32-bit seed.
 *
 * @param seed Any integer; only the low 32 bits are used.
 * @returns A function returning the next number.
 * @example
 * ```ts
 * const next = mulberry32(42);
 * next(); // the same value on every runtime
 * ```
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Draws parameters uniformly from `MU_RANGE` in every component.
 *
 * @param count Number of parameters.
 * @param numParts Components per parameter (blocks²).
 * @param seed Generator seed.
 * @returns `count` parameters, each an array of `numParts` numbers.
 * @throws {RangeError} If `count` or `numParts` is not a non-negative integer.
 */
export function sampleParameters(count: number, numParts: number, seed: number): number[][] {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`'count' must be a non-negative integer, got ${count}`);
  }
  if (!Number.isInteger(numParts) || numParts < 1) {
    throw new RangeError(`'numParts' must be a positive integer, got ${numParts}`);
  }
  const next = mulberry32(seed);
  const [lo, hi] = MU_RANGE;
  return Array.from(
    { length: count },
    () => Array.from({ length: numParts }, () => lo + (hi - lo) * next()),
  );
}
