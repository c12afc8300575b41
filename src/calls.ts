/**
 * Calls over the workers: call options, one request with its deadline and
 * retries, and gathering one answer per worker into one result or one error.
 *
 * @module
 */
import { decode, encode, type Encoded } from "./codec.ts";
import type { PoolCore } from "./core.ts";
import { callSignal } from "./deadline.ts";
import { RemoteError, TimeoutError, WorkerCrashedError } from "./errors.ts";
import { assertTask } from "./tasks.ts";
import type { Request } from "./transport.ts";
import { Failure, type Outgoing, type Workers } from "./workers.ts";

/**
 * Options a call can carry, from `pool.with(options)` (and the pool's
 * `callTimeout`).
 *
 * @example
 * ```ts
 * import { type CallOptions, createPool, defineTasks } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, { square: (x: number): number => x * x });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const seen: number[] = [];
 * const options: CallOptions = {
 *   timeout: 5_000,
 *   signal: new AbortController().signal,
 *   retries: 1,
 *   chunkSize: 2,
 *   onProgress: (done) => seen.push(done),
 * };
 * assert.deepEqual(await pool.with(options).map(tasks.square, [[1, 2, 3]]), [1, 4, 9]);
 * assert.deepEqual(seen, [2, 3]);
 * ```
 */
export interface CallOptions {
  /** Milliseconds each call may take; past it, it rejects with a `TimeoutError`. */
  timeout?: number;
  /** Aborts calls: they reject with the signal's `reason`. */
  signal?: AbortSignal;
  /**
   * Runs a call again, up to this many times, when its worker crashed or was
   * replaced after a deadline (default 0: tasks need not be idempotent).
   */
  retries?: number;
  /** `map`/`imap*`: chunks of at most this many items, each to an idle worker. */
  chunkSize?: number;
  /** `map`/`imap*`: called with the items done and the total (`undefined` while unknown). */
  onProgress?: (done: number, total: number) => void;
}

/** The name of a call for messages, e.g. `applyOnly(step)`. */
export function callName(method: string, task?: { taskName: string }): string {
  return task ? `${method}(${task.taskName})` : `${method}()`;
}

/**
 * One request to one worker with the call's deadline, signal and retries. A
 * deadline applies to each attempt; a crash or a deadline is retried on the
 * worker's replacement, an abort or a task's own error never.
 */
export function attempt(
  workers: Workers,
  worker: number,
  out: Outgoing,
  options: CallOptions,
  name: string,
): Promise<Encoded> {
  // No deadline, signal or retries: the request is the attempt.
  if (options.signal === undefined && !options.retries) {
    if (options.timeout === undefined || options.timeout === Infinity) {
      return workers.request(worker, out);
    }
  }
  return attemptWith(workers, worker, out, options, name);
}

async function attemptWith(
  workers: Workers,
  worker: number,
  out: Outgoing,
  options: CallOptions,
  name: string,
): Promise<Encoded> {
  const retries = options.retries ?? 0;
  for (let n = 0;; n++) {
    const call = callSignal(
      options.timeout,
      options.signal,
      () => new TimeoutError(name, [worker], options.timeout!),
    );
    try {
      const answer = await workers.request(worker, out, call?.signal);
      call?.check(); // the answer came after the deadline (the timer ran late)
      return answer;
    } catch (e) {
      const retryable = e instanceof WorkerCrashedError ||
        (e instanceof TimeoutError && !options.signal?.aborted);
      if (!retryable || n >= retries || workers.closed || workers.isDead(worker)) throw e;
      if (out.transfer?.length && out.rebuild) out = out.rebuild();
    } finally {
      call?.clear();
    }
  }
}

/**
 * Waits for one request per worker and returns the answers in worker order;
 * throws one error for all failures: a crash or a closed pool first, then the
 * deadlines (all workers named), then the tasks' errors (lowest worker first).
 */
export async function gather(requests: Promise<Encoded>[]): Promise<Encoded[]> {
  try {
    return await Promise.all(requests);
  } catch {
    // One failed: wait for the others, then pick the error below.
  }
  const settled = await Promise.allSettled(requests);
  const values: Encoded[] = [];
  const failures: Failure[] = [];
  const timeouts: TimeoutError[] = [];
  let other: unknown;
  for (const s of settled) {
    if (s.status === "fulfilled") values.push(s.value);
    else if (s.reason instanceof Failure) failures.push(s.reason);
    else if (s.reason instanceof TimeoutError) timeouts.push(s.reason);
    else other ??= s.reason;
  }
  if (other !== undefined) throw other;
  if (timeouts.length === 1) throw timeouts[0];
  if (timeouts.length > 1) {
    const workers = timeouts.flatMap((t) => t.workers).sort((a, b) => a - b);
    throw new TimeoutError(timeouts[0].call, workers, timeouts[0].timeout);
  }
  if (failures.length > 0) throw toRemoteError(failures);
  return values;
}

/** The error of a call whose task threw on one or more workers. */
export function toRemoteError(failures: Failure[]): RemoteError {
  failures.sort((a, b) => a.worker - b.worker);
  const rest = failures.slice(1).map((f) => new RemoteError(f.worker, f.data));
  return new RemoteError(failures[0].worker, failures[0].data, rest);
}

/** `pool.apply`: one request per worker with the same encoded arguments. */
export async function applyAll(
  core: PoolCore,
  options: CallOptions,
  task: unknown,
  args: unknown[],
): Promise<unknown[]> {
  assertTask(task, "apply");
  const { encoded } = encode(args, "args", core.registry.hooks);
  const out = {
    message: { type: "call", module: task.module, task: task.taskName, args: encoded },
  } as const;
  const name = callName("apply", task);
  const requests: Promise<Encoded>[] = new Array(core.size);
  for (let i = 0; i < core.size; i++) requests[i] = attempt(core.workers, i, out, options, name);
  const results = await gather(requests);
  for (let i = 0; i < results.length; i++) (results as unknown[])[i] = decode(results[i]);
  return results;
}

/** `pool.applyOnly`: one request to one worker; its buffers move there. */
export async function applyOne(
  core: PoolCore,
  options: CallOptions,
  task: unknown,
  worker: number,
  args: unknown[],
): Promise<unknown> {
  assertTask(task, "applyOnly");
  const hooks = core.registry.hooks;
  const build = (): Outgoing => {
    const { encoded, fresh } = encode(args, "args", hooks);
    const message = { type: "call", module: task.module, task: task.taskName, args: encoded };
    return { message: message as Request, transfer: fresh, rebuild: build };
  };
  const name = callName("applyOnly", task);
  const [result] = await gather([attempt(core.workers, worker, build(), options, name)]);
  return decode(result);
}
