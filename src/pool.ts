/**
 * The pool: push, scatter, apply, applyOnly, map and close over any
 * {@linkcode Transport}.
 *
 * @module
 */
import { decode, encode, type Encoded, type EncodeResult, loadCodec } from "./codec.ts";
import { workerSeed } from "./context.ts";
import {
  type ErrorData,
  PoolClosedError,
  RemoteError,
  RemovedObjectError,
  WorkerCrashedError,
} from "./errors.ts";
import { isImmutable } from "./immutable.ts";
import { type MapFunction, type MapOptions, mapRequests } from "./map.ts";
import { type HandleOwner, type RemoteEntry, RemoteObject } from "./remote_object.ts";
import { type ArrayChunks, scatterChunks, type ScatterOptions } from "./scatter.ts";
import { assertTask, type Task } from "./tasks.ts";
import type { Adapter, FromWorker, Request, ToWorker, Transport } from "./transport.ts";
import type { Args } from "./types.ts";
import type { ValueHooks } from "./walk.ts";
import { walkValue } from "./walk.ts";

/**
 * Options of a pool, as the core reads them: what {@linkcode Pool.start}
 * takes besides an adapter (`createPool` fills them in from its options).
 *
 * @example
 * ```ts
 * import { Pool, type StartOptions } from "@cohort/core";
 * import { inProcess } from "@cohort/core/adapters/in-process";
 * import assert from "node:assert/strict";
 *
 * await using pool = await Pool.start(inProcess, { workers: 2, seed: 7 } satisfies StartOptions);
 * assert.equal(pool.size, 2);
 * ```
 */
export interface StartOptions {
  /** Number of workers (validated by the caller). */
  workers: number;
  /** Seed from which every worker's seed is derived. */
  seed?: number;
  /** Task modules every worker imports at start-up. */
  modules?: readonly string[];
  /** Milliseconds to wait for all workers to be ready (default 60,000). */
  startTimeout?: number;
}

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

/** A failure of one request on one worker, before aggregation. */
class Failure {
  constructor(readonly worker: number, readonly data: ErrorData) {}
}

interface Pending {
  worker: number;
  resolve(value: Encoded): void;
  reject(reason: unknown): void;
}

/** A worker that crashes more often than this within the window stays dead. */
const MAX_CRASHES = 5;
const CRASH_WINDOW_MS = 60_000;

interface WorkerSlot {
  state: "starting" | "up" | "dead";
  crashes: number[];
  backlog: [ToWorker, Transferable[] | undefined][];
  ready: PromiseWithResolvers<void>;
  death?: Error;
}

/**
 * A pool of workers that keep data and run tasks, as pyMOR's `WorkerPool`.
 * Make one with `createPool()`.
 *
 * @example
 * ```ts
 * import { createPool, defineTasks } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * const tasks = defineTasks(import.meta.url, {
 *   add: (a: number, b: number): number => a + b,
 * });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * assert.deepEqual(await pool.map(tasks.add, [[1, 2, 3]], 10), [11, 12, 13]);
 * ```
 */
export class Pool implements HandleOwner {
  /** The number of workers (pyMOR's `len(pool)`). */
  readonly size: number;
  /** The name of the adapter the pool runs on, e.g. `"deno-worker"`. */
  readonly adapter: string;
  #transport!: Transport;
  #slots: WorkerSlot[] = [];
  #seeds: number[];
  #seed: number;
  #modules: string[];
  #pending = new Map<number, Pending>();
  #entries = new Set<RemoteEntry>();
  #immutables = new WeakMap<object, { entry: RemoteEntry; stored: Promise<void> }>();
  #nextId = 1;
  #closed: Promise<void> | null = null;
  #hooks: ValueHooks = {
    handle: (h, path) => this.#handleId(h, path),
    refOf: (v) => {
      const hit = this.#immutables.get(v);
      return hit && hit.entry.refs > 0 && !hit.entry.lost ? hit.entry.id : undefined;
    },
  };

  private constructor(adapter: string, options: StartOptions) {
    this.adapter = adapter;
    this.size = options.workers;
    const seed = options.seed ?? Math.floor(Math.random() * 2 ** 32);
    this.#seed = seed >>> 0;
    this.#seeds = Array.from({ length: this.size }, (_, i) => workerSeed(seed, i));
    this.#modules = [...(options.modules ?? [])];
  }

  /**
   * Starts a pool on `adapter`; resolves once every worker is ready.
   *
   * @param adapter The transport factory.
   * @param options Core options and adapter-specific ones.
   * @returns The ready pool.
   */
  static async start(
    adapter: Adapter,
    options: StartOptions & Record<string, unknown>,
  ): Promise<Pool> {
    await loadCodec();
    const pool = new Pool(adapter.name, options);
    pool.#slots = Array.from({ length: pool.size }, () => ({
      state: "starting",
      crashes: [],
      backlog: [],
      ready: Promise.withResolvers<void>(),
    }));
    pool.#transport = await adapter.connect({
      workers: pool.size,
      options,
      events: {
        message: (worker, message) => pool.#onMessage(worker, message),
        exit: (worker, reason) => pool.#onExit(worker, reason),
      },
    });
    const timeout = options.startTimeout ?? 60_000;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const waiting = pool.#slots.flatMap((s, i) => s.state === "starting" ? [i] : []);
        reject(new Error(`workers ${waiting.join(", ")} were not ready after ${timeout} ms`));
      }, timeout);
    });
    try {
      for (let i = 0; i < pool.size; i++) pool.#init(i);
      await Promise.race([Promise.all(pool.#slots.map((s) => s.ready.promise)), late]);
    } catch (e) {
      await pool.close();
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return pool;
  }

  #init(worker: number): void {
    const slot = this.#slots[worker];
    slot.state = "starting";
    this.#transport.send(worker, {
      type: "init",
      index: worker,
      size: this.size,
      seed: this.#seeds[worker],
      poolSeed: this.#seed,
      modules: this.#modules,
    });
  }

  #onMessage(worker: number, msg: FromWorker): void {
    const slot = this.#slots[worker];
    if (!slot) return;
    if (msg.type === "ready") {
      slot.state = "up";
      for (const [m, transfer] of slot.backlog.splice(0)) this.#trySend(worker, m, transfer);
      slot.ready.resolve();
      return;
    }
    if (msg.type === "fail") {
      const error = new Error(`worker ${worker} failed to start: ${msg.error.message}`);
      this.#kill(worker, error);
      slot.ready.reject(error);
      return;
    }
    const pending = this.#pending.get(msg.id);
    if (!pending || pending.worker !== worker) return;
    this.#pending.delete(msg.id);
    if (msg.type === "ok") pending.resolve(msg.value);
    else pending.reject(new Failure(worker, msg.error));
  }

  #onExit(worker: number, reason: Error): void {
    const slot = this.#slots[worker];
    if (this.#closed || !slot || slot.state === "dead") return;
    const crash = new WorkerCrashedError(worker, `worker ${worker} crashed: ${reason.message}`, {
      cause: reason,
    });
    const wasStarting = slot.state === "starting";
    this.#kill(worker, crash);
    slot.ready.reject(crash);
    for (const entry of this.#entries) entry.lost ??= { worker, message: crash.message };
    slot.crashes.push(Date.now());
    slot.crashes = slot.crashes.filter((t) => t > Date.now() - CRASH_WINDOW_MS);
    if (wasStarting || !this.#transport.restart) return;
    if (slot.crashes.length > MAX_CRASHES) {
      slot.death = new WorkerCrashedError(
        worker,
        `worker ${worker} crashed ${slot.crashes.length} times in ${CRASH_WINDOW_MS / 1000} s ` +
          `and is not restarted again; last: ${reason.message}`,
        { cause: reason },
      );
      return;
    }
    // Respawn: calls made meanwhile wait in the backlog and run on the new worker.
    slot.state = "starting";
    slot.death = undefined;
    slot.ready = Promise.withResolvers<void>();
    slot.ready.promise.catch(() => {});
    this.#transport.restart(worker).then(
      () => this.#closed || this.#init(worker),
      (e) =>
        this.#kill(
          worker,
          new WorkerCrashedError(
            worker,
            `worker ${worker} could not be restarted: ${e?.message ?? e}`,
            { cause: e },
          ),
        ),
    );
  }

  /** Marks a worker dead and rejects everything waiting on it. */
  #kill(worker: number, error: Error): void {
    const slot = this.#slots[worker];
    slot.state = "dead";
    slot.death = error;
    slot.ready.promise.catch(() => {});
    for (const [m] of slot.backlog.splice(0)) {
      if ("id" in m) this.#settle(m.id, error);
    }
    for (const [id, p] of this.#pending) if (p.worker === worker) this.#settle(id, error);
  }

  #settle(id: number, error: unknown): void {
    const p = this.#pending.get(id);
    if (!p) return;
    this.#pending.delete(id);
    p.reject(error);
  }

  /** Sends one request to one worker; resolves with its encoded answer. */
  #request(
    worker: number,
    message: Request,
    transfer?: Transferable[],
  ): Promise<Encoded> {
    if (this.#closed) return Promise.reject(new PoolClosedError());
    const slot = this.#slots[worker];
    if (slot.state === "dead") {
      return Promise.reject(
        new WorkerCrashedError(worker, `worker ${worker} is dead: ${slot.death?.message}`, {
          cause: slot.death,
        }),
      );
    }
    const id = this.#nextId++;
    const msg = { ...message, id } as ToWorker;
    const { promise, resolve, reject } = Promise.withResolvers<Encoded>();
    this.#pending.set(id, { worker, resolve, reject });
    if (slot.state === "starting") slot.backlog.push([msg, transfer]);
    else this.#trySend(worker, msg, transfer);
    return promise;
  }

  /** Sends, turning a transport's refusal (e.g. a DataCloneError) into the call's rejection. */
  #trySend(worker: number, msg: ToWorker, transfer?: Transferable[]): void {
    try {
      this.#transport.send(worker, msg, transfer);
    } catch (e) {
      if ("id" in msg) this.#settle(msg.id, e);
    }
  }

  /** Waits for one request per worker; throws the lowest worker's failure. */
  async #gather(requests: Promise<Encoded>[]): Promise<Encoded[]> {
    const settled = await Promise.allSettled(requests);
    const values: Encoded[] = [];
    const failures: Failure[] = [];
    let other: unknown;
    for (const s of settled) {
      if (s.status === "fulfilled") values.push(s.value);
      else if (s.reason instanceof Failure) failures.push(s.reason);
      else other ??= s.reason;
    }
    if (other !== undefined) throw other;
    if (failures.length > 0) throw toRemoteError(failures);
    return values;
  }

  #checkOpen(): void {
    if (this.#closed) throw new PoolClosedError();
  }

  #handleId(handle: RemoteObject<unknown>, path: string): number {
    const { owner, entry, removed } = RemoteObject.inspect(handle);
    if (owner !== this) {
      throw new TypeError(`${path} is a handle from another pool and cannot be used here`);
    }
    if (removed) {
      throw new RemovedObjectError(`${path} is a removed remote object (remote id ${entry.id})`);
    }
    if (entry.lost) {
      throw new WorkerCrashedError(
        entry.lost.worker,
        `${path} refers to remote object ${entry.id}, whose data was lost when ${entry.lost.message}; push it again`,
      );
    }
    return entry.id;
  }

  #encode(value: unknown, root: string): EncodeResult {
    return encode(value, root, this.#hooks);
  }

  /** Sends one message to every worker; `fresh` buffers move only when there is one worker. */
  #requestAll(message: Request, fresh: ArrayBuffer[]): Promise<Encoded>[] {
    const transfer = this.size === 1 ? fresh : undefined;
    return this.#slots.map((_, i) => this.#request(i, message, transfer));
  }

  /** Broadcasts one encoded message to every worker and gathers the answers. */
  #broadcast(message: Request, fresh: ArrayBuffer[]): Promise<Encoded[]> {
    return this.#gather(this.#requestAll(message, fresh));
  }

  #newEntry(): RemoteEntry {
    const entry: RemoteEntry = { id: this.#nextId++, refs: 1 };
    this.#entries.add(entry);
    return entry;
  }

  async #store(entry: RemoteEntry, puts: Promise<Encoded>[]): Promise<void> {
    try {
      await this.#gather(puts);
    } catch (e) {
      entry.refs = 0;
      this.#entries.delete(entry);
      this.#broadcast({ type: "delete", objects: [entry.id] }, []).catch(() => {});
      throw e;
    }
  }

  /** @internal Drops one handle's reference (called by `RemoteObject.remove`). */
  async release(entry: RemoteEntry): Promise<void> {
    entry.refs--;
    if (entry.refs > 0 || this.#closed) return;
    this.#entries.delete(entry);
    const requests = this.#slots.map((s, i) =>
      s.state === "dead"
        ? Promise.resolve(null)
        : this.#request(i, { type: "delete", objects: [entry.id] })
    );
    await Promise.allSettled(requests);
  }

  /**
   * Pushes a copy of `value` to every worker and returns a handle to it.
   * Pushing an {@linkcode immutable} that is already on the workers sends
   * nothing and returns a new handle to the same remote copy.
   *
   * @param value Any value that can be sent.
   * @returns A handle to the value on the workers.
   * @throws {TypeError} If the value cannot be sent (the message says where).
   * @throws {PoolClosedError} If the pool is closed.
   *
   * @example
   * ```ts ignore
   * const model = await pool.push(immutable({ matrix: new Float64Array(1e6) }));
   * await pool.apply(tasks.solve, model, 1.5);
   * ```
   */
  async push<T>(value: T): Promise<RemoteObject<T>> {
    this.#checkOpen();
    if (isImmutable(value)) {
      const hit = this.#immutables.get(value as object);
      if (hit && hit.entry.refs > 0 && !hit.entry.lost) {
        hit.entry.refs++;
        const handle = new RemoteObject<T>(this, hit.entry);
        try {
          await hit.stored;
        } catch (e) {
          await handle.remove();
          throw e;
        }
        return handle;
      }
    }
    const { encoded, fresh } = this.#encode(value, "value");
    const entry = this.#newEntry();
    const stored = this.#store(
      entry,
      this.#requestAll({ type: "put", object: entry.id, value: encoded }, fresh),
    );
    if (isImmutable(value)) {
      stored.catch(() => {});
      this.#immutables.set(value as object, { entry, stored });
    }
    await stored;
    return new RemoteObject<T>(this, entry);
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
   * ```ts ignore
   * const slices = await pool.scatterList(trainingSet);
   * const estimates = await pool.apply(tasks.estimateAll, slices, reducedModel);
   * ```
   */
  async scatterList<T>(list: readonly T[]): Promise<RemoteObject<T[]>> {
    this.#checkOpen();
    if (!Array.isArray(list)) {
      throw new TypeError(`'list' must be an array, got ${describe(list)}`);
    }
    walkValue(list, "list", this.#hooks, new Map());
    const chunks = scatterChunks(list, this.size, { copy: true, rowLength: 1 }, "list");
    return await this.#scatter<T[]>(chunks);
  }

  /**
   * Splits an array into `size` contiguous chunks of whole rows of
   * `rowLength` elements (one row = one vector); worker i holds a typed array
   * of the same kind with its rows (or a plain array, for a plain array).
   * With `copy: false` the source buffer is consumed (detached) and its
   * memory handed to the workers with as few copies as the layout allows.
   * Views on a SharedArrayBuffer stay shared.
   *
   * @param array A typed array or a plain array.
   * @param options `copy` (default true) and `rowLength` (default 1).
   * @returns A handle whose value on worker i is that worker's rows.
   * @throws {TypeError} If `array` is neither a typed array nor an array.
   * @throws {RangeError} If `rowLength` is not a positive integer dividing the length.
   *
   * @example
   * ```ts ignore
   * const vectors = await pool.scatterArray(new Float64Array(3 * 1000), { rowLength: 3 });
   * ```
   */
  async scatterArray<A extends ArrayChunks>(
    array: A,
    options: ScatterOptions = {},
  ): Promise<RemoteObject<A>> {
    this.#checkOpen();
    if (Array.isArray(array)) walkValue(array, "array", this.#hooks, new Map());
    const chunks = scatterChunks(array, this.size, options, "array");
    return await this.#scatter<A>(chunks);
  }

  async #scatter<T>(
    chunks: { value: unknown; transfer: ArrayBuffer[] }[],
  ): Promise<RemoteObject<T>> {
    const encoded = chunks.map((c) => this.#encode(c.value, "chunk"));
    const entry = this.#newEntry();
    await this.#store(
      entry,
      encoded.map(({ encoded, fresh }, i) =>
        this.#request(i, { type: "put", object: entry.id, value: encoded }, [
          ...fresh,
          ...chunks[i].transfer,
        ])
      ),
    );
    return new RemoteObject<T>(this, entry);
  }

  /**
   * Runs `task(...args)` on every worker; returns the results in worker order.
   * Handles anywhere in `args` become each worker's local value.
   *
   * @param task A task made by `defineTasks`.
   * @param args The task's arguments.
   * @returns One result per worker.
   * @throws {RemoteError} If the task threw on any worker (lowest worker first).
   * @throws {TypeError} If `task` is not a task or `args` cannot be sent.
   *
   * @example
   * ```ts ignore
   * const sums = await pool.apply(tasks.sum, scatteredVectors); // one per worker
   * ```
   */
  async apply<A extends unknown[], R>(
    task: Task<A, R>,
    ...args: NoInfer<Args<A>>
  ): Promise<Awaited<R>[]> {
    this.#checkOpen();
    assertTask(task, "apply");
    const { encoded, fresh } = this.#encode(args, "args");
    const results = await this.#broadcast(
      { type: "call", module: task.module, task: task.taskName, args: encoded },
      fresh,
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
   *
   * @example
   * ```ts ignore
   * const three = await pool.applyOnly(tasks.add, 1, 1, 2); // on worker 1
   * ```
   */
  async applyOnly<A extends unknown[], R>(
    task: Task<A, R>,
    worker: number,
    ...args: NoInfer<Args<A>>
  ): Promise<Awaited<R>> {
    this.#checkOpen();
    assertTask(task, "applyOnly");
    if (!Number.isInteger(worker) || worker < 0 || worker >= this.size) {
      throw new RangeError(
        `'worker' must be an integer in [0, ${this.size}), got ${describe(worker)}`,
      );
    }
    const { encoded, fresh } = this.#encode(args, "args");
    const [result] = await this.#gather([
      this.#request(worker, {
        type: "call",
        module: task.module,
        task: task.taskName,
        args: encoded,
      }, fresh),
    ]);
    return decode(result) as Awaited<R>;
  }

  /**
   * Calls `task(s1[i], ..., sk[i], ...args)` for every i, in parallel, and
   * returns the results in input order. By default the items are split into
   * one contiguous chunk per worker, as pyMOR does; see
   * {@linkcode Pool.mapWith} for load balancing, progress and cancelling.
   *
   * @example
   * ```ts ignore
   * await pool.map(tasks.add, [[1, 2, 3], [10, 20, 30]]); // [11, 22, 33]
   * await pool.map(tasks.add, [[1, 2, 3]], 100); // [101, 102, 103]
   * ```
   */
  readonly map: MapFunction =
    ((task: Task, sequences: unknown, ...args: unknown[]) =>
      this.#mapWith({}, task, sequences, args)) as MapFunction;

  /**
   * Returns a `map` that takes options: `chunkSize` (hand chunks of that many
   * items to whichever worker is idle: load balancing), `onProgress(done,
   * total)` and `signal` (an `AbortSignal`).
   *
   * @param options The map options.
   * @returns A function with the same signature as {@linkcode Pool.map}.
   *
   * @example
   * ```ts ignore
   * const results = await pool.mapWith({ chunkSize: 16, onProgress: (d, n) => console.log(d, n) })(
   *   tasks.simulate,
   *   [parameters],
   * );
   * ```
   */
  mapWith(options: MapOptions): MapFunction {
    return ((task: Task, sequences: unknown, ...args: unknown[]) =>
      this.#mapWith(options, task, sequences, args)) as MapFunction;
  }

  async #mapWith(
    options: MapOptions,
    task: unknown,
    sequences: unknown,
    args: unknown[],
  ): Promise<unknown[]> {
    this.#checkOpen();
    assertTask(task, "map");
    return await mapRequests({
      task,
      sequences,
      args,
      options,
      size: this.size,
      hooks: this.#hooks,
      request: (worker, message, transfer) => this.#request(worker, message, transfer),
      gather: (requests) => this.#gather(requests),
    });
  }

  /**
   * Counts for leak checks: pending requests, live remote values, and the
   * number of values stored on each worker.
   *
   * @returns The counts.
   *
   * @example
   * ```ts ignore
   * const { pendingCalls, workerObjects } = await pool.stats();
   * ```
   */
  async stats(): Promise<PoolStats> {
    this.#checkOpen();
    const pendingCalls = this.#pending.size;
    const answers = await this.#gather(
      this.#slots.map((_, i) => this.#request(i, { type: "stats" })),
    );
    return {
      pendingCalls,
      remoteObjects: this.#entries.size,
      workerObjects: answers.map((a) => (decode(a) as { objects: number }).objects),
    };
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed !== null;
  }

  /**
   * Rejects pending calls with {@linkcode PoolClosedError}, stops every worker
   * and releases every resource. Idempotent.
   *
   * @example
   * ```ts ignore
   * await pool.close();
   * ```
   */
  close(): Promise<void> {
    if (this.#closed) return this.#closed;
    const error = new PoolClosedError("the pool was closed while the call was pending");
    for (const id of [...this.#pending.keys()]) this.#settle(id, error);
    for (const slot of this.#slots) {
      slot.backlog.length = 0;
      slot.ready.promise.catch(() => {});
      slot.ready.reject(error);
    }
    this.#closed = (this.#transport?.close() ?? Promise.resolve()).catch(() => {});
    return this.#closed;
  }

  /** Calls `close()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

function toRemoteError(failures: Failure[]): RemoteError {
  failures.sort((a, b) => a.worker - b.worker);
  const rest = failures.slice(1).map((f) => new RemoteError(f.worker, f.data));
  return new RemoteError(failures[0].worker, failures[0].data, rest);
}

/** Describes a bad argument for an error message. */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object") return `an instance of ${value.constructor?.name ?? "Object"}`;
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "function") return "a function";
  return String(value);
}
