/**
 * The error classes a caller of cohort catches, and the plain-data form in
 * which errors cross between the pool and its workers.
 *
 * @module
 */

/**
 * The plain-data form of an error, as it crosses the wire.
 *
 * @example
 * ```ts
 * import { type ErrorData, RemoteError } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * const data: ErrorData = { name: "RangeError", message: "step must be positive" };
 * const error = new RemoteError(2, data);
 * assert.equal(error.remoteName, "RangeError");
 * assert.equal(error.message, "worker 2: RangeError: step must be positive");
 * ```
 */
export interface ErrorData {
  /** The error's `name`, e.g. `"TypeError"`. */
  name: string;
  /** The error's message. */
  message: string;
  /** The stack trace where the error was thrown, if known. */
  stack?: string;
  /** The error's cause, turned into data as well. */
  cause?: ErrorData;
}

/**
 * A task threw on a worker.
 *
 * When several workers fail in one `apply` or `map`, the error is that of the
 * lowest failing worker and `failures` lists every failure in worker order.
 *
 * @example Catch a remote failure
 * ```ts ignore
 * import { RemoteError } from "@cohort/core";
 * try {
 *   await pool.apply(tasks.fails);
 * } catch (e) {
 *   if (e instanceof RemoteError) console.log(e.workerIndex, e.remoteName, e.remoteStack);
 * }
 * ```
 */
export class RemoteError extends Error {
  /** Index of the worker on which the task threw. */
  readonly workerIndex: number;
  /** The `name` of the error thrown on the worker (e.g. `"RangeError"`). */
  readonly remoteName: string;
  /** The stack trace on the worker. */
  readonly remoteStack: string;
  /** Every failure of the call, in worker order; the first one is this error. */
  readonly failures: readonly RemoteError[];

  /**
   * Builds a remote error from the data a worker sent.
   *
   * @param workerIndex The index of the failing worker.
   * @param data The error as the worker sent it.
   * @param others Further failures of the same call, in worker order.
   */
  constructor(workerIndex: number, data: ErrorData, others: readonly RemoteError[] = []) {
    const more = others.length > 0
      ? ` (workers ${others.map((e) => e.workerIndex).join(", ")} failed too)`
      : "";
    super(`worker ${workerIndex}: ${data.name}: ${data.message}${more}`, {
      cause: data.cause ? reviveError(data.cause) : undefined,
    });
    this.name = "RemoteError";
    this.workerIndex = workerIndex;
    this.remoteName = data.name;
    this.remoteStack = data.stack ?? "";
    this.failures = [this, ...others];
  }
}

/**
 * A worker died (uncaught error, `self.close()`, `process.exit()`, killed)
 * while a call waited on it, or a handle's data was lost with a dead worker.
 *
 * @example
 * ```ts ignore
 * import { WorkerCrashedError } from "@cohort/core";
 * try {
 *   await pool.apply(tasks.exitProcess);
 * } catch (e) {
 *   if (e instanceof WorkerCrashedError) console.log("lost worker", e.workerIndex);
 * }
 * ```
 */
export class WorkerCrashedError extends Error {
  /** Index of the worker that died. */
  readonly workerIndex: number;

  /**
   * Builds the error for a dead worker.
   *
   * @param workerIndex The index of the worker that died.
   * @param message What happened.
   * @param options `cause`: the underlying error, if any.
   */
  constructor(workerIndex: number, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "WorkerCrashedError";
    this.workerIndex = workerIndex;
  }
}

/**
 * The pool was closed before or while the call ran.
 *
 * @example
 * ```ts
 * import { createPool, PoolClosedError } from "@cohort/core";
 * import assert from "node:assert/strict";
 * const pool = await createPool({ adapter: "in-process", workers: 1 });
 * await pool.close();
 * const error = await pool.push(1).catch((e) => e);
 * assert.ok(error instanceof PoolClosedError);
 * ```
 */
export class PoolClosedError extends Error {
  /**
   * Builds the error for a call on a closed pool.
   *
   * @param message What was refused.
   */
  constructor(message = "the pool is closed") {
    super(message);
    this.name = "PoolClosedError";
  }
}

/**
 * A remote object handle was used after `remove()`.
 *
 * @example
 * ```ts
 * import { createPool, RemovedObjectError } from "@cohort/core";
 * import assert from "node:assert/strict";
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const handle = await pool.push([1, 2, 3]);
 * await handle.remove();
 * const error = await pool.scatterList([handle]).catch((e) => e);
 * assert.ok(error instanceof RemovedObjectError);
 * ```
 */
export class RemovedObjectError extends Error {
  /**
   * Builds the error for a removed handle.
   *
   * @param message Which handle and where it was used.
   */
  constructor(message: string) {
    super(message);
    this.name = "RemovedObjectError";
  }
}

/**
 * A call did not finish within its deadline (`pool.with({ timeout })` or
 * `createPool({ callTimeout })`). Its `name` is `"TimeoutError"`, as for
 * `AbortSignal.timeout()`; the message names the call, the worker(s) and the
 * limit. The workers that were running it have been replaced.
 *
 * @example
 * ```ts
 * import { createPool, defineTasks, TimeoutError } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, {
 *   never: (): Promise<void> => new Promise(() => {}),
 *   one: (): number => 1,
 * });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const error = await pool.with({ timeout: 50 }).applyOnly(tasks.never, 1).catch((e) => e);
 * assert.ok(error instanceof TimeoutError);
 * assert.equal(error.name, "TimeoutError");
 * assert.match(error.message, /never.*worker 1.*50 ms/);
 * assert.deepEqual(await pool.apply(tasks.one), [1, 1]); // worker 1 was replaced
 * ```
 */
export class TimeoutError extends Error {
  /** What was called, e.g. `"applyOnly(step)"`. */
  readonly call: string;
  /** The workers that were still running the call, in worker order. */
  readonly workers: readonly number[];
  /** The limit in milliseconds. */
  readonly timeout: number;

  /**
   * Builds the error for a call past its deadline.
   *
   * @param call What was called, e.g. `"applyOnly(step)"`.
   * @param workers The workers still running it.
   * @param timeout The limit in milliseconds.
   */
  constructor(call: string, workers: readonly number[], timeout: number) {
    const on = workers.length === 0
      ? ""
      : workers.length === 1
      ? ` on worker ${workers[0]}`
      : ` on workers ${workers.join(", ")}`;
    super(`${call} did not finish${on} within its deadline of ${timeout} ms`);
    this.name = "TimeoutError";
    this.call = call;
    this.workers = workers;
    this.timeout = timeout;
  }
}

/** Turns any thrown value into plain error data. */
export function errorToData(error: unknown, depth = 0): ErrorData {
  if (error instanceof Error) {
    const data: ErrorData = {
      name: error.name,
      message: error.message,
      stack: error.stack ?? "",
    };
    if (error.cause !== undefined && depth < 4) data.cause = errorToData(error.cause, depth + 1);
    return data;
  }
  let message: string;
  try {
    message = typeof error === "string" ? error : JSON.stringify(error) ?? String(error);
  } catch {
    message = String(error);
  }
  return { name: "Error", message: `non-Error thrown: ${message}` };
}

/** Rebuilds an `Error` from plain error data (used for causes). */
export function reviveError(data: ErrorData): Error {
  const error = new Error(data.message, {
    cause: data.cause ? reviveError(data.cause) : undefined,
  });
  error.name = data.name;
  if (data.stack) error.stack = data.stack;
  return error;
}
