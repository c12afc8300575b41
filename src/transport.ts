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
 * const sent: ToWorker["t"][] = [];
 * const recording: Adapter = {
 *   name: "recording",
 *   async connect(options) {
 *     const transport = await inProcess.connect(options);
 *     return {
 *       ...transport,
 *       send(worker: number, message: ToWorker, transfer?: Transferable[]): void {
 *         sent.push(message.t);
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
  /** First message: who the worker is. It answers `ready`. */
  | { t: "init"; index: number; size: number; seed: number; modules: string[] }
  /** Run a task; `a` is the encoded argument list. */
  | { t: "call"; id: number; m: string; n: string; a: Encoded }
  /** Run a task per item; `a` is the encoded columns, `x` the extra arguments. */
  | { t: "map"; id: number; m: string; n: string; a: Encoded; x: Encoded }
  /** Store a value under remote id `o`. */
  | { t: "put"; id: number; o: number; v: Encoded }
  /** Delete stored values. */
  | { t: "del"; id: number; o: number[] }
  /** Report the store size. */
  | { t: "stats"; id: number };

/** A request to a worker as the pool builds it, before it gets an `id`. */
export type Request = ToWorker extends infer M ? M extends { id: number } ? Omit<M, "id"> : never
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
 *   switch (message.t) {
 *     case "ready":
 *       return "ready";
 *     case "fail":
 *       return `failed to start: ${message.e.message}`;
 *     case "ok":
 *       return `request ${message.id} done`;
 *     case "err":
 *       return `request ${message.id} failed: ${message.e.message}`;
 *   }
 * }
 * const message: FromWorker = { t: "err", id: 3, e: { name: "Error", message: "boom" } };
 * assert.equal(summary(message), "request 3 failed: boom");
 * ```
 */
export type FromWorker =
  /** The worker finished `init` (imported the start-up modules). */
  | { t: "ready" }
  /** Start-up failed. */
  | { t: "fail"; e: ErrorData }
  /** A request succeeded; `v` is the encoded result. */
  | { t: "ok"; id: number; v: Encoded }
  /** A request failed. */
  | { t: "err"; id: number; e: ErrorData };

/**
 * What a transport tells the pool.
 *
 * @example Record what workers answer, by wrapping an adapter's events
 * ```ts
 * import { type Adapter, createPool, type FromWorker, type TransportEvents } from "@cohort/core";
 * import { inProcess } from "@cohort/core/adapters/in-process";
 * import assert from "node:assert/strict";
 *
 * const received: FromWorker["t"][] = [];
 * const recording: Adapter = {
 *   name: "recording",
 *   connect(options) {
 *     const events: TransportEvents = {
 *       message(worker, message) {
 *         received.push(message.t);
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
  send(worker: number, message: ToWorker, transfer?: Transferable[]): void;
  /**
   * Replaces a dead worker with a fresh one (optional). The pool then sends it
   * `init` again. Without it, a dead worker stays dead and calls on it fail fast.
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
  /** Starts or claims `workers` workers. */
  connect(options: ConnectOptions): Promise<Transport>;
}
