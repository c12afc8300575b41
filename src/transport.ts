/**
 * The `Transport` interface between a pool and its workers, and the messages
 * that cross it. A transport moves messages; everything else (encoding,
 * ordering, faults) is the pool's and the worker runtime's.
 *
 * @module
 */
import type { Encoded } from "./codec.ts";
import type { ErrorData } from "./errors.ts";

/**
 * A message from the pool to a worker.
 *
 * @example Record what a pool sends, by wrapping an adapter
 * ```ts
 * import { type Adapter, createPool, type ToWorker } from "@cohort/core";
 * import { inProcess } from "@cohort/core/adapters/in-process";
 * import assert from "node:assert/strict";
 *
 * const sent: ToWorker["type"][] = [];
 * const recording: Adapter = {
 *   name: "recording",
 *   async connect(options) {
 *     const transport = await inProcess.connect(options);
 *     return {
 *       ...transport,
 *       send(worker: number, message: ToWorker, transfer?: Transfer): void {
 *         sent.push(message.type);
 *         transport.send(worker, message, transfer);
 *       },
 *     };
 *   },
 * };
 * await using pool = await createPool({ adapter: recording, workers: 1 });
 * await pool.push(42);
 * assert.deepEqual(sent, ["init", "put"]);
 * ```
 */
export type ToWorker =
  | InitMessage
  | CallMessage
  | MapMessage
  | PutMessage
  | DeleteMessage
  | GetMessage
  | StatsMessage
  | CancelMessage;

/** First message to a worker: who it is. It answers `ready` or `fail`. */
export interface InitMessage {
  type: "init";
  /** The worker's index in the pool. */
  index: number;
  /** The number of workers. */
  size: number;
  /** This worker's seed (`workerContext().seed`). */
  seed: number;
  /** The pool's seed, from which per-item seeds are derived. */
  poolSeed: number;
  /** Task modules to import before answering `ready`. */
  modules: string[];
}

/** Run one task with encoded arguments. */
export interface CallMessage {
  type: "call";
  /** Request id, echoed in the answer. */
  id: number;
  /** The task's module URL. */
  module: string;
  /** The task's name in that module. */
  task: string;
  /** The encoded argument list. */
  args: Encoded;
}

/** Run one task per item of a chunk of a map. */
export interface MapMessage {
  type: "map";
  /** Request id, echoed in the answer. */
  id: number;
  /** The task's module URL. */
  module: string;
  /** The task's name in that module. */
  task: string;
  /** The encoded columns: one array (or typed array) per sequence. */
  columns: Encoded;
  /** The encoded extra arguments, appended to every item's. */
  extra: Encoded;
  /** The index, in the whole map, of this chunk's first item. */
  first: number;
}

/** Store a value under a remote id. */
export interface PutMessage {
  type: "put";
  /** Request id, echoed in the answer. */
  id: number;
  /** The remote id to store under. */
  object: number;
  /** The encoded value. */
  value: Encoded;
}

/** Delete stored values. */
export interface DeleteMessage {
  type: "delete";
  /** Request id, echoed in the answer. */
  id: number;
  /** The remote ids to delete. */
  objects: number[];
}

/** Answer with the stored value of a remote id (`pool.pull`). */
export interface GetMessage {
  type: "get";
  /** Request id, echoed in the answer. */
  id: number;
  /** The remote id to read. */
  object: number;
}

/** Report the number of stored values. */
export interface StatsMessage {
  type: "stats";
  /** Request id, echoed in the answer. */
  id: number;
}

/**
 * Drop the queued request `id` unrun and unanswered (its deadline passed or
 * it was aborted before it started). Handled as it arrives, not queued.
 */
export interface CancelMessage {
  type: "cancel";
  /** The request to drop. */
  id: number;
}

/**
 * Buffers a message hands over (moved, not copied) to its receiver. cohort
 * only ever transfers `ArrayBuffer`s; the type needs no DOM library.
 */
export type Transfer = ArrayBuffer[];

/** A request to a worker as the pool builds it, before it gets an `id`. */
export type Request = ToWorker extends infer M
  ? M extends { id: number } ? M extends CancelMessage ? never : Omit<M, "id"> : never
  : never;

/**
 * A message from a worker to the pool.
 *
 * @example
 * ```ts
 * import type { FromWorker } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * function summary(message: FromWorker): string {
 *   switch (message.type) {
 *     case "ready":
 *       return "ready";
 *     case "fail":
 *       return `failed to start: ${message.error.message}`;
 *     case "ok":
 *       return `request ${message.id} done`;
 *     case "err":
 *       return `request ${message.id} failed: ${message.error.message}`;
 *   }
 * }
 * const message: FromWorker = { type: "err", id: 3, error: { name: "Error", message: "boom" } };
 * assert.equal(summary(message), "request 3 failed: boom");
 * ```
 */
export type FromWorker =
  /** The worker finished `init` (imported the start-up modules). */
  | { type: "ready" }
  /** Start-up failed. */
  | { type: "fail"; error: ErrorData }
  /** A request succeeded; `value` is the encoded result. */
  | { type: "ok"; id: number; value: Encoded }
  /** A request failed. */
  | { type: "err"; id: number; error: ErrorData };

/**
 * What a transport tells the pool.
 *
 * @example Record what workers answer, by wrapping an adapter's events
 * ```ts
 * import { type Adapter, createPool, type FromWorker, type TransportEvents } from "@cohort/core";
 * import { inProcess } from "@cohort/core/adapters/in-process";
 * import assert from "node:assert/strict";
 *
 * const received: FromWorker["type"][] = [];
 * const recording: Adapter = {
 *   name: "recording",
 *   connect(options) {
 *     const events: TransportEvents = {
 *       message(worker, message) {
 *         received.push(message.type);
 *         options.events.message(worker, message);
 *       },
 *       exit: (worker, reason) => options.events.exit(worker, reason),
 *     };
 *     return inProcess.connect({ ...options, events });
 *   },
 * };
 * await using pool = await createPool({ adapter: recording, workers: 1 });
 * await pool.push(42);
 * assert.deepEqual(received, ["ready", "ok"]);
 * ```
 */
export interface TransportEvents {
  /** A message arrived from worker `worker`. */
  message(worker: number, message: FromWorker): void;
  /** Worker `worker` exited or was lost; `reason` says how. */
  exit(worker: number, reason: Error): void;
}

/**
 * A running set of workers that can be sent messages, in the spirit of
 * comlink's `Endpoint`.
 *
 * @example A transport that forwards to web-standard workers
 * ```ts ignore
 * const transport: Transport = {
 *   size: workers.length,
 *   send: (i, message, transfer) => workers[i].postMessage(message, transfer ?? []),
 *   restart: async (i) => { workers[i].terminate(); workers[i] = spawn(i); },
 *   close: async () => workers.forEach((w) => w.terminate()),
 * };
 * ```
 */
export interface Transport {
  /** The number of workers. */
  readonly size: number;
  /**
   * Sends a message to worker `worker`. Messages to one worker arrive in the
   * order sent. `transfer` lists buffers the receiver may take over.
   */
  send(worker: number, message: ToWorker, transfer?: Transfer): void;
  /**
   * Replaces worker `worker` with a fresh one (optional). If the old worker
   * still runs (a deadline or an abort gave up on its task), it is terminated
   * first, silently: no `exit` event and no message of it reaches the pool
   * after this call. The pool then sends the new worker `init` and restores
   * its data. Without `restart`, a dead worker stays dead and calls on it fail
   * fast, and deadlines cannot end a running task.
   */
  restart?(worker: number): Promise<void>;
  /** Stops every worker and releases every resource. */
  close(): Promise<void>;
}

/**
 * Options an adapter receives from `createPool`.
 *
 * @example An adapter that reads them, then delegates
 * ```ts
 * import { type Adapter, type ConnectOptions, createPool, type Transport } from "@cohort/core";
 * import { inProcess } from "@cohort/core/adapters/in-process";
 * import assert from "node:assert/strict";
 *
 * const seen: string[] = [];
 * const adapter: Adapter = {
 *   name: "logged",
 *   connect(options: ConnectOptions): Promise<Transport> {
 *     seen.push(`${options.workers} workers, seed ${options.options.seed}`);
 *     return inProcess.connect(options);
 *   },
 * };
 * await using pool = await createPool({ adapter, workers: 2, seed: 7 });
 * assert.deepEqual(seen, ["2 workers, seed 7"]);
 * ```
 */
export interface ConnectOptions {
  /** How many workers to start or claim. */
  workers: number;
  /** Where to report messages and exits. */
  events: TransportEvents;
  /** Every option given to `createPool`, for adapter-specific settings. */
  options: Readonly<Record<string, unknown>>;
}

/**
 * Makes transports: one per pool. Pass one as `createPool({ adapter })` to use
 * a custom transport.
 *
 * @example
 * ```ts ignore
 * const adapter: Adapter = { name: "my-transport", connect: async ({ workers, events }) => ... };
 * const pool = await createPool({ adapter, workers: 4 });
 * ```
 */
export interface Adapter {
  /** A short name, e.g. `"deno-worker"`. */
  readonly name: string;
  /** The `createPool` option keys this adapter reads besides the core ones. */
  readonly optionKeys?: readonly string[];
  /** Starts or claims `workers` workers. */
  connect(options: ConnectOptions): Promise<Transport>;
}
