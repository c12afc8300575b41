/**
 * What an adapter author needs: the {@linkcode Transport} interface and the
 * messages that cross it, the encoded form of values, the worker-side
 * runtime, and `Pool.start` to run a pool over a custom adapter.
 *
 * ```ts
 * import { createPool } from "@cohort/core";
 * import type { Adapter } from "@cohort/core/transport";
 * import { inProcess } from "@cohort/core/adapters/in-process";
 * import assert from "node:assert/strict";
 *
 * const wrapped: Adapter = { name: "wrapped", connect: (options) => inProcess.connect(options) };
 * await using pool = await createPool({ adapter: wrapped, workers: 2 });
 * assert.equal(pool.adapter, "wrapped");
 * ```
 *
 * @module
 */
export { Pool } from "./src/pool.ts";
export type { StartOptions } from "./src/options.ts";
export type { HandleOwner, RemoteEntry } from "./src/remote_object.ts";
export type {
  Adapter,
  CallMessage,
  CancelMessage,
  ConnectOptions,
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
  Transport,
  TransportEvents,
} from "./src/transport.ts";
export type { BinaryPart, Encoded } from "./src/codec.ts";
export { WorkerRuntime, type WorkerRuntimeOptions } from "./src/worker_runtime.ts";
export { abortable, type CallSignal, callSignal, deadline } from "./src/deadline.ts";
export { packFromWorker, packToWorker, unpackFromWorker, unpackToWorker } from "./src/wire.ts";
