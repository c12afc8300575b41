/**
 * Building the per-worker chunks of `scatterArray` and `scatterList`.
 *
 * @module
 */
import { chunkRanges } from "./chunks.ts";
import type { NumericArray } from "./types.ts";
import { isDetached, isShared } from "./walk.ts";
import { describe } from "./describe.ts";
import { checkKeys } from "./options.ts";

/**
 * What `scatterArray` accepts: a typed array or a plain array.
 *
 * @example
 * ```ts
 * import { type ArrayChunks, createPool, defineTasks } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, {
 *   count: (chunk: ArrayLike<unknown>): number => chunk.length,
 * });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const inputs: ArrayChunks[] = [new Int32Array([1, 2, 3]), new BigInt64Array(3), ["a", "b", "c"]];
 * for (const input of inputs) {
 *   await using chunks = await pool.scatterArray(input);
 *   assert.deepEqual(await pool.apply(tasks.count, chunks), [2, 1]);
 * }
 * ```
 */
export type ArrayChunks = NumericArray | BigInt64Array | BigUint64Array | readonly unknown[];

/**
 * Options of `scatterArray`.
 *
 * @example Five 3-D points on two workers, handed over without a copy
 * ```ts
 * import { createPool, defineTasks, type ScatterOptions } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, {
 *   points: (xyz: Float64Array): number => xyz.length / 3,
 * });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const xyz = new Float64Array(3 * 5);
 * const options: ScatterOptions = { rowLength: 3, copy: false };
 * const scattered = await pool.scatterArray(xyz, options);
 * assert.deepEqual(await pool.apply(tasks.points, scattered), [3, 2]);
 * assert.equal(xyz.length, 0); // consumed: its buffer was detached
 * ```
 */
export interface ScatterOptions {
  /**
   * Copy the data (default true). With `false` the source is consumed: its
   * buffer is detached, and chunk memory is handed over without copies where
   * the layout allows.
   */
  copy?: boolean;
  /** Elements per row; chunks hold whole rows (default 1). */
  rowLength?: number;
}

/** One worker's chunk and the buffers that may be transferred with it. */
export interface Chunk {
  /** The chunk value. */
  value: unknown;
  /** Buffers to transfer (not copy) to the worker. */
  transfer: ArrayBuffer[];
}

type TypedArray = Exclude<ArrayChunks, readonly unknown[]>;
type TypedCtor = new (buffer: ArrayBuffer) => TypedArray;

/**
 * Cuts `array` into `parts` chunks of whole rows.
 *
 * @throws {TypeError} If `array` is not an array or a typed array, or `options` is malformed.
 * @throws {RangeError} If `rowLength` is not a positive integer dividing the length.
 */
export function scatterChunks(
  array: unknown,
  parts: number,
  options: ScatterOptions,
  name: string,
): Chunk[] {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`'options' must be an object, got ${String(options)}`);
  }
  checkKeys(options, ["copy", "rowLength"], "scatterArray()");
  const { copy = true, rowLength = 1 } = options;
  if (typeof copy !== "boolean") {
    throw new TypeError(`'options.copy' must be a boolean, got ${describe(copy)}`);
  }
  if (typeof rowLength !== "number") {
    throw new TypeError(`'options.rowLength' must be a number, got ${describe(rowLength)}`);
  }
  if (!Number.isInteger(rowLength) || rowLength < 1) {
    throw new RangeError(
      `'options.rowLength' must be a positive integer, got ${String(rowLength)}`,
    );
  }
  const isTyped = ArrayBuffer.isView(array) && !(array instanceof DataView);
  if (!isTyped && !Array.isArray(array)) {
    throw new TypeError(
      `'${name}' must be a typed array or an array, got ${
        array === null ? "null" : typeof array === "object" ? array.constructor?.name : typeof array
      }`,
    );
  }
  if (isTyped && isDetached((array as TypedArray).buffer)) {
    throw new TypeError(
      `'${name}' is a ${array.constructor.name} whose buffer was detached ` +
        "(transferred, or consumed by scatterArray with copy: false)",
    );
  }
  const length = (array as ArrayLike<unknown>).length;
  if (length % rowLength !== 0) {
    throw new RangeError(
      `'${name}' has ${length} elements, which is not a multiple of 'options.rowLength' (${rowLength})`,
    );
  }
  const ranges = chunkRanges(length / rowLength, parts).map((r) => ({
    start: r.start * rowLength,
    end: r.end * rowLength,
  }));
  if (!isTyped) {
    const list = array as readonly unknown[];
    return ranges.map((r) => ({ value: list.slice(r.start, r.end), transfer: [] }));
  }
  const typed = array as TypedArray;
  if (isShared(typed.buffer)) {
    return ranges.map((r) => ({ value: typed.subarray(r.start, r.end), transfer: [] }));
  }
  if (copy) {
    // The codec copies partial views into fresh buffers it may transfer.
    return ranges.map((r) => ({ value: typed.subarray(r.start, r.end), transfer: [] }));
  }
  return consume(typed, ranges);
}

/** Hands chunk memory over with as few copies as possible; detaches the source. */
function consume(typed: TypedArray, ranges: { start: number; end: number }[]): Chunk[] {
  const Ctor = typed.constructor as TypedCtor;
  const bpe = typed.BYTES_PER_ELEMENT;
  const source = typed.buffer as ArrayBuffer;
  const chunks: Chunk[] = ranges.map((r, i) => {
    if (i === 0) return { value: null, transfer: [] }; // filled below
    const bytes = source.slice(typed.byteOffset + r.start * bpe, typed.byteOffset + r.end * bpe);
    return { value: new Ctor(bytes), transfer: [bytes] };
  });
  const firstBytes = ranges[0].end * bpe;
  let first: ArrayBuffer;
  if (typed.byteOffset === 0 && typeof source.transfer === "function") {
    // Zero-copy when the first chunk is the whole buffer; otherwise a realloc.
    first = source.transfer(firstBytes);
  } else {
    first = source.slice(typed.byteOffset, typed.byteOffset + firstBytes);
    detach(source);
  }
  chunks[0] = { value: new Ctor(first), transfer: [first] };
  return chunks;
}

function detach(buffer: ArrayBuffer): void {
  if (typeof buffer.transfer === "function") buffer.transfer(0);
  else structuredClone(buffer, { transfer: [buffer] });
}
