/**
 * The pool's public face: validate, encode, request, decode. The workers live
 * in `workers.ts`, the handles in `registry.ts`, maps in `map.ts` and
 * `imap.ts`, what views share in `core.ts`.
 *
 * @module
 */
import { attempt, callName, type CallOptions, gather } from "./calls.ts";
import { decode, encode, encodeWalked, loadCodec } from "./codec.ts";
import { PoolCore, snapshot } from "./core.ts";
import { describe } from "./describe.ts";
import { INSIDE_WORKER, isWorkerThread } from "./guard.ts";
import { isImmutable } from "./immutable.ts";
import { runImap } from "./imap.ts";
import { type ImapFunction, type ImapUnorderedFunction, type MapFunction, runMap } from "./map.ts";
import { checkCallOptions, checkStartOptions, type StartOptions } from "./options.ts";
import type { RemoteObject } from "./remote_object.ts";
import { type ArrayChunks, scatterChunks, type ScatterOptions } from "./scatter.ts";
import { assertTask, type Task } from "./tasks.ts";
import type { Adapter, Request } from "./transport.ts";
import type { Outgoing } from "./workers.ts";
import type { Args } from "./types.ts";
import { walkValue } from "./walk.ts";

/**
 * Counts a test or a user can watch for leaks, from {@linkcode Pool.stats}.
 *
 * @example
 * ```ts
 * import { createPool, type PoolStats } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const handle = await pool.push([1, 2, 3]);
 * const stats: PoolStats = await pool.stats();
 * assert.deepEqual(stats, { pendingCalls: 0, remoteObjects: 1, workerObjects: [1, 1] });
 * await handle.remove();
 * assert.deepEqual((await pool.stats()).workerObjects, [0, 0]);
 * ```
 */
export interface PoolStats {
  /** Requests sent to workers and not answered yet (before this call). */
  pendingCalls: number;
  /** Remote values the pool holds at least one live handle to. */
  remoteObjects: number;
  /** Number of stored values on each worker, in worker order. */
  workerObjects: number[];
}

/**
 * A pool of workers that keep data and run tasks, as pyMOR's `WorkerPool`.
 * Make one with `createPool()`; `pool.with(options)` gives a view of it whose
 * calls carry a deadline, a signal, retries or map options.
 *
 * @example
 * ```ts
 * import { createPool, defineTasks } from "@cohort/core";
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
    if (isWorkerThread()) throw new TypeError(INSIDE_WORKER);
    checkStartOptions(options, adapter?.optionKeys ?? []);
    await loadCodec();
    const core = new PoolCore(adapter.name, options);
    try {
      const transport = await adapter.connect({
        workers: core.size,
        options: options as unknown as Record<string, unknown>,
        events: {
          message: (worker, message) => core.workers.onMessage(worker, message),
          exit: (worker, reason) => core.workers.onExit(worker, reason),
        },
      });
      await core.workers.start(transport, options.startTimeout ?? 60_000);
    } catch (e) {
      await core.workers.close();
      throw e;
    }
    return new Pool(core, { timeout: options.callTimeout });
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
   *
   * @example
   * ```ts
   * import { createPool, immutable } from "@cohort/core";
   * import assert from "node:assert/strict";
   *
   * await using pool = await createPool({ adapter: "in-process", workers: 2 });
   * const model = immutable({ weights: new Float64Array([1, 2]) });
   * await using a = await pool.push(model);
   * await using b = await pool.push(model); // sends nothing
   * assert.deepEqual((await pool.stats()).workerObjects, [1, 1]);
   * ```
   */
  async push<T>(value: T): Promise<RemoteObject<T>> {
    const { registry, workers } = this.#core;
    this.#check();
    const frozen = isImmutable(value);
    const hit = frozen ? registry.pushed(value as object) : undefined;
    if (hit) {
      hit.entry.refs++;
      const handle = registry.handle<T>(hit.entry);
      await hit.stored.catch(async (e) => {
        await handle.remove();
        throw e;
      });
      return handle;
    }
    const { encoded } = encode(value, "value", registry.hooks);
    const kept = frozen || !this.#core.restore ? encoded : snapshot(encoded);
    const entry = this.#core.entry({ kind: "all", value: kept });
    const out = { message: { type: "put", object: entry.id, value: encoded } } as const;
    const name = callName("push");
    const stored = this.#core.store(
      entry,
      this.#core.targets().map((i) => attempt(workers, i, out, this.#options, name)),
    );
    if (frozen) {
      stored.catch(() => {});
      registry.rememberImmutable(value as object, entry, stored);
    }
    await stored;
    return registry.handle<T>(entry);
  }

  /**
   * Splits `list` into `size` contiguous chunks of `ceil(n / size)` items;
   * worker i holds chunk i (5 items on 4 workers: 2, 2, 1, 0).
   *
   * @param list The items.
   * @returns A handle whose value on worker i is that worker's chunk.
   * @throws {TypeError} If `list` is not an array or holds unsendable values.
   *
   * @example
   * ```ts
   * import { createPool } from "@cohort/core";
   * import assert from "node:assert/strict";
   *
   * await using pool = await createPool({ adapter: "in-process", workers: 4 });
   * const chunks = await pool.scatterList(["a", "b", "c", "d", "e"]);
   * assert.deepEqual(await pool.pull(chunks), [["a", "b"], ["c", "d"], ["e"], []]);
   * ```
   */
  async scatterList<T>(list: readonly T[]): Promise<RemoteObject<T[]>> {
    this.#check();
    if (!Array.isArray(list)) {
      throw new TypeError(`'list' must be an array, got ${describe(list)}`);
    }
    return await this.#scatter<T[]>(list, "list", {});
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
   *
   * @example
   * ```ts
   * import { createPool } from "@cohort/core";
   * import assert from "node:assert/strict";
   *
   * await using pool = await createPool({ adapter: "in-process", workers: 2 });
   * const points = await pool.scatterArray(new Float64Array(3 * 3), { rowLength: 3 });
   * assert.deepEqual((await pool.pull(points)).map((p) => p.length), [6, 3]);
   * ```
   */
  async scatterArray<A extends ArrayChunks>(
    array: A,
    options: ScatterOptions = {},
  ): Promise<RemoteObject<A>> {
    this.#check();
    return await this.#scatter<A>(array, "array", options);
  }

  async #scatter<T>(
    array: unknown,
    name: string,
    options: ScatterOptions,
  ): Promise<RemoteObject<T>> {
    const { registry, workers, restore } = this.#core;
    const walk = Array.isArray(array) ? walkValue(array, name, registry.hooks) : undefined;
    const chunks = scatterChunks(array, this.size, options, name);
    const encoded = chunks.map((c) =>
      walk ? encodeWalked(c.value, walk, name) : encode(c.value, name, registry.hooks)
    );
    const entry = this.#core.entry({ kind: "each", values: encoded.map((e) => e.encoded) });
    const call = callName(name === "list" ? "scatterList" : "scatterArray");
    await this.#core.store(
      entry,
      this.#core.targets().map((i) => {
        // Kept for restores, a chunk is copied to its worker; otherwise it moves there.
        const transfer = restore ? [] : [...encoded[i].fresh, ...chunks[i].transfer];
        const message = { type: "put", object: entry.id, value: encoded[i].encoded } as const;
        return attempt(workers, i, { message, transfer }, this.#options, call);
      }),
    );
    return registry.handle<T>(entry);
  }

  /**
   * Returns each worker's current value of `handle`, in worker order (for a
   * scatter, each worker's chunk; values a task wrote show).
   *
   * @param handle A handle of this pool.
   * @returns One value per worker.
   * @throws {TypeError} If `handle` is not a handle of this pool.
   *
   * @example
   * ```ts
   * import { createPool } from "@cohort/core";
   * import assert from "node:assert/strict";
   *
   * await using pool = await createPool({ adapter: "in-process", workers: 2 });
   * const counter = await pool.push({ n: 1 });
   * assert.deepEqual(await pool.pull(counter), [{ n: 1 }, { n: 1 }]);
   * ```
   */
  async pull<T>(handle: RemoteObject<T>): Promise<T[]> {
    this.#check();
    const { registry, workers } = this.#core;
    if (typeof handle !== "object" || handle === null || !("removed" in handle)) {
      throw new TypeError(`'handle' must be a remote object handle, got ${describe(handle)}`);
    }
    const id = registry.idOf(handle, "handle");
    const out = { message: { type: "get", object: id } } as const;
    const answers = await gather(
      Array.from(
        { length: this.size },
        (_, i) => attempt(workers, i, out, this.#options, "pull()"),
      ),
    );
    return answers.map((a) => decode(a) as T);
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
    assertTask(task, "apply");
    const { encoded } = encode(args, "args", this.#core.registry.hooks);
    const out = {
      message: { type: "call", module: task.module, task: task.taskName, args: encoded },
    } as const;
    const name = callName("apply", task);
    const results = await gather(
      Array.from(
        { length: this.size },
        (_, i) => attempt(this.#core.workers, i, out, this.#options, name),
      ),
    );
    return results.map((r) => decode(r) as Awaited<R>);
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
    assertTask(task, "applyOnly");
    this.#checkWorker(worker);
    const hooks = this.#core.registry.hooks;
    const build = (): Outgoing => {
      const { encoded, fresh } = encode(args, "args", hooks);
      const message = { type: "call", module: task.module, task: task.taskName, args: encoded };
      return { message: message as Request, transfer: fresh, rebuild: build };
    };
    const name = callName("applyOnly", task);
    const [result] = await gather([
      attempt(this.#core.workers, worker, build(), this.#options, name),
    ]);
    return decode(result) as Awaited<R>;
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
    if (worker !== undefined) this.#checkWorker(worker);
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

  #checkWorker(worker: unknown): void {
    if (!Number.isInteger(worker) || (worker as number) < 0 || (worker as number) >= this.size) {
      throw new RangeError(
        `'worker' must be an integer in [0, ${this.size}), got ${describe(worker)}`,
      );
    }
  }
}
