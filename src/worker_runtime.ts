/**
 * The worker side of cohort: stores remote values and runs tasks, one at a
 * time, in the order the calls arrived. Every adapter runs this same code;
 * the in-process adapter runs several instances in one thread.
 *
 * @module
 */
import {
  codecLoaded,
  decode,
  encode,
  type Encoded,
  type EncodeResult,
  loadCodec,
} from "./codec.ts";
import { itemSeed, setWorkerContext, type WorkerContext } from "./context.ts";
import { errorToData } from "./errors.ts";
import { type TaskFunction, TaskLoader } from "./task_loader.ts";
import type { CancelMessage, FromWorker, ToWorker, Transfer } from "./transport.ts";

/**
 * Options of a {@linkcode WorkerRuntime}.
 *
 * @example The module each worker of a custom web-worker transport runs
 * ```ts ignore
 * import { type ToWorker, WorkerRuntime, type WorkerRuntimeOptions } from "@cohort/core/transport";
 *
 * const options: WorkerRuntimeOptions = {
 *   post: (message, transfer) => self.postMessage(message, { transfer: transfer ?? [] }),
 *   allowModules: [new URL("./tasks/", import.meta.url).href],
 * };
 * const runtime = new WorkerRuntime(options);
 * self.addEventListener("message", (event) => {
 *   runtime.receive((event as MessageEvent<ToWorker>).data);
 * });
 * ```
 */
export interface WorkerRuntimeOptions {
  /** Sends a message to the pool. */
  post(message: FromWorker, transfer?: Transfer): void;
  /**
   * Module URL prefixes from which tasks may be imported. Empty or absent:
   * any module.
   */
  allowModules?: readonly string[];
}

// One chain per thread: calls run one at a time even when several simulated
// workers share the thread, so workerContext() is right across awaits.
let chain: Promise<void> = Promise.resolve();

/**
 * The state and message loop of one worker. A custom transport runs one per
 * worker and feeds it the pool's messages.
 *
 * @example A transport whose workers all run in this thread
 * ```ts
 * import { createPool, defineTasks } from "@cohort/core";
 * import { type Adapter, WorkerRuntime } from "@cohort/core/transport";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, { twice: (x: number): number => 2 * x });
 * const local: Adapter = {
 *   name: "local",
 *   connect({ workers, events }) {
 *     const runtimes = Array.from({ length: workers }, (_, i) =>
 *       new WorkerRuntime({ post: (message) => events.message(i, message) }));
 *     return Promise.resolve({
 *       size: workers,
 *       send: (worker, message) => runtimes[worker].receive(message),
 *       close: () => Promise.resolve(),
 *     });
 *   },
 * };
 * await using pool = await createPool({ adapter: local, workers: 2 });
 * assert.deepEqual(await pool.apply(tasks.twice, 21), [42, 42]);
 * ```
 */
export class WorkerRuntime {
  /** Remote values stored on this worker, by remote id. */
  readonly store: Map<number, unknown> = new Map();
  #post: WorkerRuntimeOptions["post"];
  #tasks: TaskLoader;
  #context: WorkerContext | null = null;
  #poolSeed = 0;
  /** Requests received and not started yet: only these can still be cancelled. */
  #waiting = new Set<number>();
  #cancelled = new Set<number>();
  #dead = false;
  /** Settles the call this runtime is running, if any (see `#killable`). */
  #stop: (() => void) | null = null;
  #deref = (id: number): unknown => {
    if (!this.store.has(id)) {
      throw new Error(
        `remote object ${id} is not on worker ${this.#context?.index} (removed, or lost when the worker restarted)`,
      );
    }
    return this.store.get(id);
  };

  /**
   * Makes a worker runtime; feed it messages with `receive()`.
   *
   * @param options How to reach the pool and which modules to allow.
   */
  constructor(options: WorkerRuntimeOptions) {
    this.#post = options.post;
    this.#tasks = new TaskLoader(options.allowModules ?? []);
  }

  /** Handles one message from the pool (queued behind earlier ones). */
  receive(message: ToWorker): void {
    if (message.type === "cancel") {
      // Started or done already: the pool learns so from its answer.
      if (this.#waiting.has(message.id)) this.#cancelled.add(message.id);
      return;
    }
    if (this.#dead) return;
    if (message.type !== "init") this.#waiting.add(message.id);
    chain = chain.then(() => this.#killable(message));
  }

  /**
   * Handles `message`; settles when it is handled or when this runtime is
   * terminated, whichever comes first, so that a replaced simulated worker
   * does not hold up the thread's chain. (Not `Promise.race` with a promise of
   * the runtime's lifetime: every race would leave a reaction on it, about
   * 300 bytes per call kept until the worker ends.)
   */
  #killable(message: Exclude<ToWorker, CancelMessage>): Promise<void> {
    return new Promise<void>((resolve) => {
      this.#stop = resolve;
      if (this.#dead) resolve();
      const start = performance.now();
      // After a long task, let the messages that came meanwhile in first: a
      // `cancel` among them then drops its call before it starts.
      const done = () =>
        performance.now() - start < YIELD_AFTER_MS ? resolve() : setTimeout(resolve, 0);
      this.#handle(message).then(done, done);
    });
  }

  /**
   * Ends this runtime (a simulated worker being replaced): its running task
   * is abandoned (whatever it does later is dropped), the calls of other
   * runtimes in this thread go on, and nothing more is posted.
   */
  terminate(): void {
    this.#dead = true;
    this.store.clear();
    this.#stop?.();
  }

  #send(message: FromWorker, transfer?: Transfer): void {
    if (!this.#dead) this.#post(message, transfer);
  }

  async #handle(msg: Exclude<ToWorker, CancelMessage>): Promise<void> {
    if (msg.type === "init") {
      this.#context = Object.freeze({ index: msg.index, size: msg.size, seed: msg.seed });
      this.#poolSeed = msg.poolSeed;
      try {
        for (const m of msg.modules) await this.#tasks.import(m);
        this.#send({ type: "ready" });
        loadCodec().catch(() => {}); // in the background; requests wait for it below
      } catch (e) {
        this.#send({ type: "fail", error: errorToData(e) });
      }
      return;
    }
    this.#waiting.delete(msg.id);
    if (this.#cancelled.delete(msg.id)) {
      // Answered all the same, unrun: the pool waits for this to know the worker is not running it.
      const message = `request ${msg.id} was cancelled before it started`;
      this.#send({ type: "err", id: msg.id, error: { name: "AbortError", message } });
      return;
    }
    try {
      if (!codecLoaded()) await loadCodec();
      setWorkerContext(this.#context);
      let result: unknown;
      switch (msg.type) {
        case "call": {
          const fn = this.#tasks.known(msg.module, msg.task) ??
            await this.#tasks.task(msg.module, msg.task);
          const args = decode(msg.args, { deref: this.#deref }) as unknown[];
          result = fn(...args);
          if (isThenable(result)) result = await result;
          break;
        }
        case "map":
          result = await this.#map(
            await this.#tasks.task(msg.module, msg.task),
            msg.columns,
            msg.extra,
            msg.first,
          );
          break;
        case "put":
          this.store.set(msg.object, decode(msg.value, { deref: this.#deref }));
          break;
        case "delete":
          for (const o of msg.objects) this.store.delete(o);
          break;
        case "get":
          result = this.#deref(msg.object);
          break;
        case "stats":
          result = { objects: this.store.size };
          break;
      }
      const { encoded, fresh } = result === undefined
        ? (UNDEFINED ??= encode(undefined, "result"))
        : encode(result, "result");
      this.#send({ type: "ok", id: msg.id, value: encoded }, fresh);
    } catch (e) {
      this.#send({ type: "err", id: msg.id, error: errorToData(e) });
    } finally {
      setWorkerContext(null);
    }
  }

  async #map(
    fn: TaskFunction,
    a: Encoded,
    x: Encoded,
    first: number,
  ): Promise<unknown[]> {
    const columns = decode(a, { deref: this.#deref }) as ArrayLike<unknown>[];
    const extra = decode(x, { deref: this.#deref }) as unknown[];
    const n = columns[0].length;
    const out = new Array(n);
    const args = new Array(columns.length + extra.length);
    for (let k = 0; k < extra.length; k++) args[columns.length + k] = extra[k];
    const base = this.#context!;
    for (let i = 0; i < n; i++) {
      for (let c = 0; c < columns.length; c++) args[c] = columns[c][i];
      const item = first + i;
      setWorkerContext({ ...base, item, itemSeed: itemSeed(this.#poolSeed, item) });
      try {
        let r = fn(...args);
        if (r instanceof Promise) r = await r;
        out[i] = r;
      } catch (e) {
        if (e instanceof Error) e.message = `item ${item}: ${e.message}`;
        throw e;
      }
    }
    return out;
  }
}

let UNDEFINED: EncodeResult | null = null;
/** A task that took this long (ms) is followed by a turn of the event loop. */
const YIELD_AFTER_MS = 20;

function isThenable(x: unknown): x is PromiseLike<unknown> {
  return (typeof x === "object" || typeof x === "function") && x !== null &&
    typeof (x as { then?: unknown }).then === "function";
}
