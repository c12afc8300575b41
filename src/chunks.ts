/**
 * Chunk arithmetic, as pyMOR splits work: `size` contiguous chunks of
 * `ceil(n / size)` items, the last ones shorter or empty.
 *
 * @module
 */

/**
 * A half-open index range `[start, end)`.
 *
 * @example
 * ```ts
 * import { chunkRanges, type Range } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * const items = ["a", "b", "c", "d", "e"];
 * const first: Range = chunkRanges(items.length, 2)[0];
 * assert.deepEqual(first, { start: 0, end: 3 });
 * assert.deepEqual(items.slice(first.start, first.end), ["a", "b", "c"]);
 * ```
 */
export interface Range {
  /** First index. */
  start: number;
  /** One past the last index. */
  end: number;
}

/**
 * Splits `n` items into `parts` contiguous chunks of `ceil(n / parts)` items.
 *
 * @param n The number of items.
 * @param parts The number of chunks (workers).
 * @returns One range per chunk; trailing chunks may be empty.
 *
 * @example 5 items on 4 workers
 * ```ts
 * import { chunkRanges } from "@cohort/core";
 * import assert from "node:assert/strict";
 * const sizes = chunkRanges(5, 4).map((r) => r.end - r.start);
 * assert.deepEqual(sizes, [2, 2, 1, 0]);
 * ```
 */
export function chunkRanges(n: number, parts: number): Range[] {
  const per = Math.ceil(n / parts);
  const out: Range[] = [];
  for (let i = 0; i < parts; i++) {
    const start = Math.min(n, i * per);
    out.push({ start, end: Math.min(n, start + per) });
  }
  return out;
}

/**
 * Splits `n` items into chunks of at most `chunkSize` items (load balancing).
 *
 * @param n The number of items.
 * @param chunkSize The largest chunk.
 * @returns The ranges, in order, none empty.
 */
export function fixedChunks(n: number, chunkSize: number): Range[] {
  const out: Range[] = [];
  for (let start = 0; start < n; start += chunkSize) {
    out.push({ start, end: Math.min(n, start + chunkSize) });
  }
  return out;
}
