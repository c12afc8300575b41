/**
 * The pool's public face: each method validates and hands over to `data.ts`,
 * `calls.ts`, `map.ts` or `imap.ts`; what views share is in `core.ts`.
 * @module
 */
import { applyAll, applyOne, type CallOptions } from "./calls.ts";
import { PoolCore, type PoolStats } from "./core.ts";
import { pullValues, pushValue, scatter } from "./data.ts";
import { runImap } from "./imap.ts";
import { type ImapFunction, type ImapUnorderedFunction, type MapFunction, runMap } from "./map.ts";
import { checkCallOptions, checkWorker, type StartOptions } from "./options.ts";
import type { RemoteObject } from "./remote_object.ts";
import type { ArrayChunks, ScatterOptions } from "./scatter.ts";
import type { Task } from "./tasks.ts";
import type { Adapter } from "./transport.ts";
import type { Args } from "./types.ts";

/**
 * A pool of workers that keep data and run tasks, as pyMOR's `WorkerPool`.
 * Make one with `createPool()`; `pool.with(options)` gives a view of it whose
 * calls carry a deadline, a signal, retries or map options.
 *
 * @example
 * ```ts
 * import { createPool, defineTasks, immutable } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, {
 *   add: (a: number, b: number): number => a + b,
 *   sum: (xs: Float64Array): number => xs.reduce((s, x) => s + x, 0),
 * });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const xs = await pool.scatterArray(new Float64Array([1, 2, 3, 4]));
 * assert.deepEqual(await pool.apply(tasks.sum, xs), [3, 7]); // one result per worker
 * assert.equal(await pool.applyOnly(tasks.add, 1, 2, 1), 3); // on worker 1 only
 * assert.deepEqual(await pool.map(tasks.add, [[1, 2, 3], [10, 20, 30]]), [11, 22, 33]);
 * assert.deepEqual(await pool.map(tasks.add, [[1, 2, 3]], 100), [101, 102, 103]);
 * assert.deepEqual(await pool.pull(xs), [new Float64Array([1, 2]), new Float64Array([3, 4])]);
 * const rows = await pool.scatterList(["a", "b", "c"]); // 2 items on worker 0, 1 on worker 1
 * assert.deepEqual(await pool.pull(rows), [["a", "b"], ["c"]]);
 * const model = immutable({ weights: new Float64Array([1, 2]) });
 * const [a, b] = [await pool.push(model), await pool.push(model)]; // the second sends nothing
 * assert.deepEqual((await pool.stats()).workerObjects, [3, 3]);
 * ```
 */
export class Pool {
  /** The number of workers (pyMOR's `len(pool)`). */
  readonly size: number;
  /** The name of the adapter the pool runs on, e.g. `"deno-worker"`. */
  readonly adapter: string;
  #core: PoolCore;
  #options: CallOptions;
  #refused?: Error;

  private constructor(core: PoolCore, options: CallOptions, refused?: Error) {
    this.#core = core;
    this.#options = options;
    this.#refused = refused;
    this.size = core.size;
    this.adapter = core.adapter;
  }

  /**
   * Starts a pool on `adapter`; resolves once every worker is ready. Most
   * code calls `createPool()`, which picks the adapter and fills in defaults.
   *
   * @param adapter The transport factory.
   * @param options Core options (validated) and the adapter's own.
   * @returns The ready pool.
   * @throws {TypeError} For a bad option, an unknown key, or a call inside a worker.
   */
  static async start(adapter: Adapter, options: StartOptions): Promise<Pool> {
    return new Pool(await PoolCore.start(adapter, options), { timeout: options.callTimeout });
  }

  /**
   * A view of this pool whose calls carry `options`: `timeout` (ms per call),
   * `signal`, `retries`, and for maps `chunkSize` and `onProgress`. It has
   * the pool's methods and shares its workers and handles.
   *
   * @param options The call options.
   * @returns The view. Bad options do not throw here: every call of the view
   *   rejects with the `TypeError` or `RangeError` naming the option.
   *
   * @example
   * ```ts
   * import { createPool, defineTasks } from "@cohort/core";
   * import assert from "node:assert/strict";
   *
   * export const tasks = defineTasks(import.meta.url, { inc: (x: number): number => x + 1 });
   * await using pool = await createPool({ adapter: "in-process", workers: 2 });
   * const patient = pool.with({ timeout: 10_000, retries: 1 });
   * assert.deepEqual(await patient.apply(tasks.inc, 1), [2, 2]);
   * ```
   */
  with(options: CallOptions): Pool {
    try {
      const checked = checkCallOptions(options);
      return new Pool(this.#core, { ...this.#options, ...checked }, this.#refused);
    } catch (e) {
      return new Pool(this.#core, this.#options, e as Error);
    }
  }

  /**
   * Pushes a copy of `value` to every worker and returns a handle to it.
   * Pushing an `immutable` that is already on the workers sends nothing and
   * returns a new handle to the same remote copy.
   *
   * @param value Any value that can be sent.
   * @returns A handle to the value on the workers.
   * @throws {TypeError} If the value cannot be sent (the message says where).
   */
  async push<T>(value: T): Promise<RemoteObject<T>> {
    this.#check();
    return await pushValue(this.#core, this.#options, value);
  }

  /**
   * Splits `list` into `size` contiguous chunks of `ceil(n / size)` items;
   * worker i holds chunk i (5 items on 4 workers: 2, 2, 1, 0).
   *
   * @param list The items.
   * @returns A handle whose value on worker i is that worker's chunk.
   * @throws {TypeError} If `list` is not an array or holds unsendable values.
   */
  async scatterList<T>(list: readonly T[]): Promise<RemoteObject<T[]>> {
    this.#check();
    return await scatter<T[]>(this.#core, this.#options, list, "list", {});
  }

  /**
   * Splits an array into `size` contiguous chunks of whole rows of
   * `rowLength` elements (one row = one vector); worker i holds a typed array
   * of the same kind with its rows (or a plain array, for a plain array).
   * With `copy: false` the source is consumed (its buffer detached).
   *
   * @param array A typed array or a plain array.
   * @param options `copy` (default true) and `rowLength` (default 1).
   * @returns A handle whose value on worker i is that worker's rows.
   * @throws {TypeError} If `array` is neither a typed array nor an array.
   * @throws {RangeError} If `rowLength` is not a positive integer dividing the length.
   */
  async scatterArray<A extends ArrayChunks>(
    array: A,
    options: ScatterOptions = {},
  ): Promise<RemoteObject<A>> {
    this.#check();
    return await scatter<A>(this.#core, this.#options, array, "array", options);
  }

  /**
   * Returns each worker's current value of `handle`, in worker order (for a
   * scatter, each worker's chunk; values a task wrote show).
   *
   * @param handle A handle of this pool.
   * @returns One value per worker.
   * @throws {TypeError} If `handle` is not a handle of this pool.
   */
  async pull<T>(handle: RemoteObject<T>): Promise<T[]> {
    this.#check();
    return await pullValues(this.#core, this.#options, handle);
  }

  /**
   * Runs `task(...args)` on every worker; returns the results in worker order.
   * Handles anywhere in `args` become each worker's local value.
   *
   * @param task A task made by `defineTasks`.
   * @param args The task's arguments.
   * @returns One result per worker.
   * @throws {RemoteError} If the task threw on any worker (lowest worker first).
   * @throws {TimeoutError} If the call's deadline passed (the workers running it are replaced).
   */
  async apply<A extends unknown[], R>(
    task: Task<A, R>,
    ...args: NoInfer<Args<A>>
  ): Promise<Awaited<R>[]> {
    this.#check();
    return await applyAll(this.#core, this.#options, task, args) as Awaited<R>[];
  }

  /**
   * Runs `task(...args)` on worker `worker` only.
   *
   * @param task A task made by `defineTasks`.
   * @param worker The worker index, an integer in `[0, size)`.
   * @param args The task's arguments.
   * @returns The task's result.
   * @throws {RangeError} If `worker` is not an integer in `[0, size)`.
   * @throws {RemoteError} If the task threw.
   */
  async applyOnly<A extends unknown[], R>(
    task: Task<A, R>,
    worker: number,
    ...args: NoInfer<Args<A>>
  ): Promise<Awaited<R>> {
    this.#check();
    checkWorker(worker, this.size);
    return await applyOne(this.#core, this.#options, task, worker, args) as Awaited<R>;
  }

  /**
   * Calls `task(s1[i], ..., sk[i], ...args)` for every i, in parallel, and
   * returns the results in input order: one contiguous chunk per worker, as
   * pyMOR splits, or with `with({ chunkSize })` small chunks to idle workers.
   */
  readonly map: MapFunction =
    ((task: Task, sequences: unknown, ...args: unknown[]) =>
      this.#refused
        ? Promise.reject(this.#refused)
        : runMap(this.#core, this.#options, task, sequences, args)) as MapFunction;

  /**
   * Like `map`, but an `AsyncIterable` of the results in input order as they
   * become available; sequences may be arrays, iterables or async iterables,
   * read lazily (at most 2 chunks per worker in flight or unread). Breaking
   * out of the loop stops the rest.
   */
  readonly imap: ImapFunction = ((task: Task, sequences: unknown, ...args: unknown[]) =>
    runImap(
      this.#core,
      this.#options,
      task,
      sequences,
      args,
      true,
      this.#refused,
    )) as ImapFunction;

  /** Like `imap`, but yields `[index, result]` pairs as they complete. */
  readonly imapUnordered: ImapUnorderedFunction =
    ((task: Task, sequences: unknown, ...args: unknown[]) =>
      runImap(
        this.#core,
        this.#options,
        task,
        sequences,
        args,
        false,
        this.#refused,
      )) as ImapUnorderedFunction;

  /**
   * `with(options).map`, kept from earlier versions.
   *
   * @param options The call options.
   * @returns A function with the signature of {@linkcode Pool.map}.
   */
  mapWith(options: CallOptions): MapFunction {
    return this.with(options).map;
  }

  /**
   * Brings back workers that crashed too often and were left dead (all, or
   * `worker`); with restore on they get the pool's data back.
   *
   * @param worker A worker index; all dead workers if omitted.
   * @throws {RangeError} If `worker` is not an integer in `[0, size)`.
   */
  async revive(worker?: number): Promise<void> {
    this.#check();
    if (worker !== undefined) checkWorker(worker, this.size);
    await this.#core.workers.revive(worker);
  }

  /**
   * Counts for leak checks: pending requests, live remote values, and the
   * number of values stored on each worker.
   *
   * @returns The counts.
   */
  stats(): Promise<PoolStats> {
    return this.#core.stats();
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#core.workers.closed;
  }

  /**
   * Rejects pending calls with `PoolClosedError`, stops every worker and
   * releases every resource. Idempotent; closing a view closes the pool.
   */
  close(): Promise<void> {
    return this.#core.workers.close();
  }

  /** Calls `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }

  #check(): void {
    if (this.#refused) throw this.#refused;
    this.#core.checkOpen();
  }
}
