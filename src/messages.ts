/**
 * The messages that cross a `Transport`: named types with readable
 * fields, in the spirit of comlink's `protocol.ts`. Every field of type
 * `Encoded` carries data (JSON text and binary parts).
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
 * import { createPool } from "@cohort/core";
 * import type { Adapter, ToWorker } from "@cohort/core/transport";
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
  /** The message kind: `"init"`. */
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
  /** The message kind: `"call"`. */
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
  /** The message kind: `"map"`. */
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
  /** The message kind: `"put"`. */
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
  /** The message kind: `"delete"`. */
  type: "delete";
  /** Request id, echoed in the answer. */
  id: number;
  /** The remote ids to delete. */
  objects: number[];
}

/** Answer with the stored value of a remote id (`pool.pull`). */
export interface GetMessage {
  /** The message kind: `"get"`. */
  type: "get";
  /** Request id, echoed in the answer. */
  id: number;
  /** The remote id to read. */
  object: number;
}

/** Report the number of stored values. */
export interface StatsMessage {
  /** The message kind: `"stats"`. */
  type: "stats";
  /** Request id, echoed in the answer. */
  id: number;
}

/**
 * Drop the queued request `id` unrun (its deadline passed or it was aborted
 * while it waited). Handled as it arrives, not queued. The worker still
 * answers the request, with an `err` the pool ignores, when it reaches it in
 * its queue; if the request had started already, its own answer comes
 * instead. Until one of the two arrives, the pool counts it as queued there.
 */
export interface CancelMessage {
  /** The message kind: `"cancel"`. */
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
 * import type { FromWorker } from "@cohort/core/transport";
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
