/**
 * `map()`: validation, chunking, dispatch (one chunk per worker, or small
 * chunks handed to idle workers), progress and cancelling.
 *
 * @module
 */
import { chunkRanges, fixedChunks, type Range } from "./chunks.ts";
import { decode, encode, type Encoded } from "./codec.ts";
import type { Task } from "./tasks.ts";
import type { Request } from "./transport.ts";
import type { Args, Sequence } from "./types.ts";
import { type ValueHooks, walkValue } from "./walk.ts";

/**
 * Options of `pool.mapWith(options)`.
 *
 * @example
 * ```ts
 * import { createPool, defineTasks, type MapOptions } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, { square: (x: number): number => x * x });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const progress: string[] = [];
 * const controller = new AbortController(); // controller.abort() cancels the map
 * const options: MapOptions = {
 *   chunkSize: 2,
 *   onProgress: (done, total) => progress.push(`${done}/${total}`),
 *   signal: controller.signal,
 * };
 * assert.deepEqual(await pool.mapWith(options)(tasks.square, [[1, 2, 3, 4]]), [1, 4, 9, 16]);
 * assert.deepEqual(progress, ["2/4", "4/4"]);
 * ```
 */
export interface MapOptions {
  /**
   * Hand out chunks of at most this many items, each to whichever worker is
   * idle (load balancing). Default: one contiguous chunk per worker.
   */
  chunkSize?: number;
  /** Called after each chunk with the number of items done and the total. */
  onProgress?: (done: number, total: number) => void;
  /** Cancels the map: no more chunks are sent and the promise rejects. */
  signal?: AbortSignal;
}

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

/** What `mapRequests` needs from the pool. */
export interface MapContext {
  task: Task;
  sequences: unknown;
  args: unknown[];
  options: MapOptions;
  size: number;
  hooks: ValueHooks;
  request(
    worker: number,
    message: Extract<Request, { type: "map" }>,
    transfer?: Transferable[],
  ): Promise<Encoded>;
  gather(requests: Promise<Encoded>[]): Promise<Encoded[]>;
}

/** Validates a map call and returns its columns and length. */
function validate(ctx: MapContext): { columns: ArrayLike<unknown>[]; n: number } {
  const { sequences, options } = ctx;
  if (!Array.isArray(sequences)) {
    throw new TypeError("'sequences' of map() must be an array of sequences, e.g. [[1, 2, 3]]");
  }
  if (sequences.length === 0) {
    throw new TypeError("'sequences' of map() is empty: give at least one sequence");
  }
  sequences.forEach((s, i) => {
    if (!Array.isArray(s) && !(ArrayBuffer.isView(s) && !(s instanceof DataView))) {
      throw new TypeError(`'sequences[${i}]' of map() must be an array or a typed array`);
    }
  });
  const n = sequences[0].length;
  const bad = sequences.findIndex((s) => s.length !== n);
  if (bad >= 0) {
    throw new RangeError(
      `'sequences' of map() must have equal lengths: sequences[0] has ${n} items, ` +
        `sequences[${bad}] has ${sequences[bad].length}`,
    );
  }
  if (options === null || typeof options !== "object") {
    throw new TypeError("'options' of mapWith() must be an object");
  }
  const { chunkSize, onProgress, signal } = options;
  if (chunkSize !== undefined && (!Number.isInteger(chunkSize) || chunkSize < 1)) {
    throw new RangeError(`'options.chunkSize' must be a positive integer, got ${chunkSize}`);
  }
  if (onProgress !== undefined && typeof onProgress !== "function") {
    throw new TypeError("'options.onProgress' must be a function");
  }
  if (signal !== undefined && !(signal instanceof AbortSignal)) {
    throw new TypeError("'options.signal' must be an AbortSignal");
  }
  return { columns: sequences, n };
}

/**
 * Runs a map: sends the chunks, gathers and orders the results.
 *
 * @throws {TypeError} If there are no sequences, a sequence is not an array,
 *   or a value cannot be sent.
 * @throws {RangeError} If the sequences differ in length.
 */
export async function mapRequests(ctx: MapContext): Promise<unknown[]> {
  const { columns, n } = validate(ctx);
  const { chunkSize, onProgress, signal } = ctx.options;
  signal?.throwIfAborted();
  if (n === 0) return [];
  columns.forEach((c, i) =>
    Array.isArray(c) && walkValue(c, `sequences[${i}]`, ctx.hooks, new Map())
  );
  const extra = encode(ctx.args, "args", ctx.hooks).encoded;
  const out = new Array(n);
  let done = 0;
  const request = (worker: number, r: Range): Promise<Encoded> => {
    const { encoded, fresh } = encode(columns.map((c) => sliceOf(c, r)), "sequences", ctx.hooks);
    const message = {
      type: "map",
      module: ctx.task.module,
      task: ctx.task.taskName,
      columns: encoded,
      extra,
      first: r.start,
    } as const;
    return ctx.request(worker, message, fresh);
  };
  const place = (r: Range, answer: Encoded): void => {
    const values = decode(answer) as unknown[];
    for (let i = 0; i < values.length; i++) out[r.start + i] = values[i];
    done += values.length;
    onProgress?.(done, n);
  };
  let work: Promise<void>;
  if (chunkSize === undefined) {
    // pyMOR's split: chunk i to worker i; gather lists every failure.
    const ranges = chunkRanges(n, ctx.size).filter((r) => r.end > r.start);
    work = ctx.gather(ranges.map((r, w) => request(w, r).then((a) => (place(r, a), a))))
      .then(() => {});
  } else {
    work = runBalanced(ctx, fixedChunks(n, chunkSize), request, place, signal);
  }
  if (!signal) {
    await work;
    return out;
  }
  work.catch(() => {});
  const aborted = Promise.withResolvers<never>();
  const onAbort = () => aborted.reject(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  try {
    await Promise.race([work, aborted.promise]);
  } finally {
    signal.removeEventListener("abort", onAbort);
  }
  return out;
}

function sliceOf(c: ArrayLike<unknown>, r: Range): unknown {
  // A typed subarray is copied once by the codec, into a buffer it may transfer.
  return Array.isArray(c) ? c.slice(r.start, r.end) : (c as Uint8Array).subarray(r.start, r.end);
}

/**
 * Small chunks, two in flight per worker, each refilled as it finishes.
 * Failures of all chunks already sent are gathered; no new chunk is sent after one.
 */
async function runBalanced(
  ctx: MapContext,
  ranges: Range[],
  request: (worker: number, r: Range) => Promise<Encoded>,
  place: (r: Range, answer: Encoded) => void,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failed = false;
  const sent: Promise<Encoded>[] = [];
  const lane = async (worker: number): Promise<void> => {
    while (next < ranges.length && !failed && !signal?.aborted) {
      const r = ranges[next++];
      const answer = request(worker, r);
      sent.push(answer);
      try {
        place(r, await answer);
      } catch {
        failed = true;
      }
    }
  };
  const lanes: Promise<void>[] = [];
  for (let depth = 0; depth < 2; depth++) {
    for (let w = 0; w < ctx.size; w++) lanes.push(lane(w));
  }
  await Promise.all(lanes);
  if (failed) await ctx.gather(sent);
  signal?.throwIfAborted();
}
