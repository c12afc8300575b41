/**
 * `map()`: its types, validation, and one run over the chunk runner (one
 * chunk per worker as pyMOR splits, or small chunks to idle workers).
 *
 * @module
 */
import { callName, type CallOptions } from "./calls.ts";
import { type Chunk, mapTimeout, runChunks } from "./chunk_runner.ts";
import { chunkRanges, fixedChunks, type Range } from "./chunks.ts";
import { encode } from "./codec.ts";
import type { PoolCore } from "./core.ts";
import { callSignal } from "./deadline.ts";
import { assertTask, type Task } from "./tasks.ts";
import type { Arg, Args, Sequence } from "./types.ts";
import { walkValue } from "./walk.ts";

/**
 * Options of `pool.mapWith(options)`: the map-related part of
 * {@linkcode CallOptions} (`pool.with(options).map` is the same).
 *
 * @example
 * ```ts
 * import { createPool, defineTasks, type MapOptions } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, { square: (x: number): number => x * x });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const progress: string[] = [];
 * const options: MapOptions = {
 *   chunkSize: 2,
 *   onProgress: (done, total) => progress.push(`${done}/${total}`),
 *   signal: new AbortController().signal,
 * };
 * assert.deepEqual(await pool.mapWith(options)(tasks.square, [[1, 2, 3, 4]]), [1, 4, 9, 16]);
 * assert.deepEqual(progress, ["2/4", "4/4"]);
 * ```
 */
export type MapOptions = Pick<
  CallOptions,
  "chunkSize" | "onProgress" | "signal" | "timeout" | "retries"
>;

/**
 * The signature of `pool.map`: `map(task, [s1, ..., sk], ...args)` calls
 * `task(s1[i], ..., sk[i], ...args)` for every i. The sequences' element types
 * and the extra arguments are checked against the task's parameters.
 *
 * @example
 * ```ts
 * import { createPool, defineTasks, type MapFunction } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, {
 *   add: (a: number, b: number): number => a + b,
 * });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const map: MapFunction = pool.mapWith({ chunkSize: 2 });
 * assert.deepEqual(await map(tasks.add, [[1, 2, 3], [10, 20, 30]]), [11, 22, 33]);
 * assert.deepEqual(await map(tasks.add, [[1, 2, 3]], 100), [101, 102, 103]);
 * ```
 */
export interface MapFunction {
  /** One sequence. */
  <A1, X extends unknown[], R>(
    task: Task<[A1, ...X], R>,
    sequences: readonly [NoInfer<Sequence<A1>>],
    ...args: NoInfer<Args<X>>
  ): Promise<Awaited<R>[]>;
  /** Two sequences. */
  <A1, A2, X extends unknown[], R>(
    task: Task<[A1, A2, ...X], R>,
    sequences: readonly [NoInfer<Sequence<A1>>, NoInfer<Sequence<A2>>],
    ...args: NoInfer<Args<X>>
  ): Promise<Awaited<R>[]>;
  /** Three sequences. */
  <A1, A2, A3, X extends unknown[], R>(
    task: Task<[A1, A2, A3, ...X], R>,
    sequences: readonly [NoInfer<Sequence<A1>>, NoInfer<Sequence<A2>>, NoInfer<Sequence<A3>>],
    ...args: NoInfer<Args<X>>
  ): Promise<Awaited<R>[]>;
  /** Four sequences. */
  <A1, A2, A3, A4, X extends unknown[], R>(
    task: Task<[A1, A2, A3, A4, ...X], R>,
    sequences: readonly [
      NoInfer<Sequence<A1>>,
      NoInfer<Sequence<A2>>,
      NoInfer<Sequence<A3>>,
      NoInfer<Sequence<A4>>,
    ],
    ...args: NoInfer<Args<X>>
  ): Promise<Awaited<R>[]>;
}

/**
 * A sequence for `imap`: an array, an iterable or an async iterable of
 * arguments, read lazily.
 *
 * @example An endless generator
 * ```ts
 * import type { Stream } from "@cohort/core";
 *
 * function* naturals(): Generator<number> {
 *   for (let i = 0;; i++) yield i;
 * }
 * const stream: Stream<number> = naturals();
 * ```
 */
export type Stream<T> = Sequence<T> | Iterable<Arg<T>> | AsyncIterable<Arg<T>>;

/**
 * The signature of `pool.imap`: `map`'s, but sequences may be streams and the
 * results come as an `AsyncIterable`, in input order.
 *
 * @example
 * ```ts
 * import { createPool, defineTasks, type ImapFunction } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, { square: (x: number): number => x * x });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const imap: ImapFunction = pool.imap;
 * const out: number[] = [];
 * for await (const y of imap(tasks.square, [[1, 2, 3]])) out.push(y);
 * assert.deepEqual(out, [1, 4, 9]);
 * ```
 */
export interface ImapFunction {
  /** One sequence. */
  <A1, X extends unknown[], R>(
    task: Task<[A1, ...X], R>,
    sequences: readonly [NoInfer<Stream<A1>>],
    ...args: NoInfer<Args<X>>
  ): AsyncIterableIterator<Awaited<R>>;
  /** Two sequences. */
  <A1, A2, X extends unknown[], R>(
    task: Task<[A1, A2, ...X], R>,
    sequences: readonly [NoInfer<Stream<A1>>, NoInfer<Stream<A2>>],
    ...args: NoInfer<Args<X>>
  ): AsyncIterableIterator<Awaited<R>>;
  /** Three sequences. */
  <A1, A2, A3, X extends unknown[], R>(
    task: Task<[A1, A2, A3, ...X], R>,
    sequences: readonly [NoInfer<Stream<A1>>, NoInfer<Stream<A2>>, NoInfer<Stream<A3>>],
    ...args: NoInfer<Args<X>>
  ): AsyncIterableIterator<Awaited<R>>;
}

/**
 * The signature of `pool.imapUnordered`: `[index, result]` pairs as they
 * complete.
 *
 * @example
 * ```ts
 * import { createPool, defineTasks, type ImapUnorderedFunction } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, { square: (x: number): number => x * x });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const imapUnordered: ImapUnorderedFunction = pool.imapUnordered;
 * const out: number[] = [];
 * for await (const [i, y] of imapUnordered(tasks.square, [[1, 2, 3]])) out[i] = y;
 * assert.deepEqual(out, [1, 4, 9]);
 * ```
 */
export interface ImapUnorderedFunction {
  /** One sequence. */
  <A1, X extends unknown[], R>(
    task: Task<[A1, ...X], R>,
    sequences: readonly [NoInfer<Stream<A1>>],
    ...args: NoInfer<Args<X>>
  ): AsyncIterableIterator<[number, Awaited<R>]>;
  /** Two sequences. */
  <A1, A2, X extends unknown[], R>(
    task: Task<[A1, A2, ...X], R>,
    sequences: readonly [NoInfer<Stream<A1>>, NoInfer<Stream<A2>>],
    ...args: NoInfer<Args<X>>
  ): AsyncIterableIterator<[number, Awaited<R>]>;
  /** Three sequences. */
  <A1, A2, A3, X extends unknown[], R>(
    task: Task<[A1, A2, A3, ...X], R>,
    sequences: readonly [NoInfer<Stream<A1>>, NoInfer<Stream<A2>>, NoInfer<Stream<A3>>],
    ...args: NoInfer<Args<X>>
  ): AsyncIterableIterator<[number, Awaited<R>]>;
}

/** Validates map sequences (arrays or typed arrays of equal length). */
export function checkSequences(sequences: unknown, method: string): ArrayLike<unknown>[] {
  if (!Array.isArray(sequences)) {
    throw new TypeError(
      `'sequences' of ${method}() must be an array of sequences, e.g. [[1, 2, 3]]`,
    );
  }
  if (sequences.length === 0) {
    throw new TypeError(`'sequences' of ${method}() is empty: give at least one sequence`);
  }
  sequences.forEach((s, i) => {
    if (!Array.isArray(s) && !(ArrayBuffer.isView(s) && !(s instanceof DataView))) {
      throw new TypeError(`'sequences[${i}]' of ${method}() must be an array or a typed array`);
    }
  });
  const n = sequences[0].length;
  const bad = sequences.findIndex((s) => s.length !== n);
  if (bad >= 0) {
    throw new RangeError(
      `'sequences' of ${method}() must have equal lengths: sequences[0] has ${n} items, ` +
        `sequences[${bad}] has ${sequences[bad].length}`,
    );
  }
  // A hole is an item like any other: `task(undefined)`, as `for (let i...)` would see it.
  return sequences.map((s) => Array.isArray(s) && hasHoles(s) ? Array.from(s) : s);
}

function hasHoles(s: unknown[]): boolean {
  if (!s.includes(undefined)) return false; // natively fast: a hole reads as undefined
  for (let i = 0; i < s.length; i++) if (!(i in s)) return true;
  return false;
}

/** A chunk's slice of a column (a typed subarray is copied once, by the codec). */
export function sliceOf(c: ArrayLike<unknown>, r: Range): unknown {
  return Array.isArray(c) ? c.slice(r.start, r.end) : (c as Uint8Array).subarray(r.start, r.end);
}

/**
 * Runs `map`: every item once, results in input order.
 *
 * @throws {TypeError} If there are no sequences, a sequence is not an array,
 *   or a value cannot be sent.
 * @throws {RangeError} If the sequences differ in length.
 */
export async function runMap(
  core: PoolCore,
  options: CallOptions,
  task: unknown,
  sequences: unknown,
  args: unknown[],
): Promise<unknown[]> {
  core.checkOpen();
  assertTask(task, "map");
  const columns = checkSequences(sequences, "map");
  options.signal?.throwIfAborted();
  const n = columns[0].length;
  if (n === 0) return [];
  const hooks = core.registry.hooks;
  const walk = walkValue(columns, "sequences", hooks);
  const extra = encode(args, "args", hooks).encoded;
  const { chunkSize, onProgress } = options;
  const ranges = chunkSize === undefined
    ? chunkRanges(n, core.size).filter((r) => r.end > r.start)
    : fixedChunks(n, chunkSize);
  const chunks: Chunk[] = ranges.map((r, seq) => ({
    seq,
    first: r.start,
    columns: columns.map((c) => sliceOf(c, r)),
    walk,
    worker: chunkSize === undefined ? seq : undefined,
  }));
  const out = new Array(n);
  let done = 0;
  const busy = new Map<number, number>();
  const name = callName("map", task);
  const call = callSignal(
    options.timeout,
    options.signal,
    () => mapTimeout(name, busy, options.timeout!),
  );
  try {
    await runChunks({
      workers: core.workers,
      hooks,
      task,
      extra,
      next: () => chunks.shift() ?? null,
      deliver(chunk, values) {
        for (let i = 0; i < values.length; i++) out[chunk.first + i] = values[i];
        done += values.length;
        onProgress?.(done, n);
      },
      window: Infinity,
      depth: 2,
      retries: options.retries ?? 0,
      signal: call?.signal,
      busy,
    });
  } finally {
    call?.clear();
  }
  return out;
}
