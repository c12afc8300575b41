/**
 * The `Transport` interface between a pool and its workers, and the messages
 * that cross it. A transport moves messages; everything else (encoding,
 * ordering, faults) is the pool's and the worker runtime's.
 *
 * @module
 */
export type {
  CallMessage,
  CancelMessage,
  DeleteMessage,
  FromWorker,
  GetMessage,
  InitMessage,
  MapMessage,
  PutMessage,
  Request,
  StatsMessage,
  ToWorker,
  Transfer,
} from "./messages.ts";
import type { FromWorker, ToWorker, Transfer } from "./messages.ts";

/**
 * What a transport tells the pool.
 *
 * @example Record what workers answer, by wrapping an adapter's events
 * ```ts
 * import { createPool } from "@cohort/core";
 * import type { Adapter, FromWorker, TransportEvents } from "@cohort/core/transport";
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
   * True if the workers share the pool's memory, so that a
   * `SharedArrayBuffer` sent to them is viewed, not copied (worker threads).
   * The pool then copies the typed arrays of a pushed `immutable` once into
   * `SharedArrayBuffer`s that every worker views. Absent or false: copies.
   */
  readonly sharedMemory?: boolean;
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
 * import { createPool } from "@cohort/core";
 * import type { Adapter, ConnectOptions, Transport } from "@cohort/core/transport";
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
