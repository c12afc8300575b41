/**
 * The one deadline and abort mechanism (in the spirit of Deno std's
 * `abortable` and `deadline`): pool start-up, every call, the tests and the
 * bench use it instead of racing timers by hand. Timers are cleared when the
 * work settles, so nothing is left running.
 *
 * @module
 */
import { deferred } from "./deferred.ts";

/** A signal that aborts at a deadline or when a caller's signal aborts. */
export interface CallSignal {
  /** Aborts with the timeout error or the caller's `reason`. */
  readonly signal: AbortSignal;
  /** Stops the timer and forgets the caller's signal. Idempotent. */
  clear(): void;
  /**
   * Throws the signal's reason if it aborted, or the timeout error if the
   * deadline has passed though its timer has not run yet (a busy thread runs
   * timers late): an answer that came after the deadline does not count.
   */
  check(): void;
}

/**
 * Makes a signal that aborts after `timeout` ms (with `onTimeout()` as its
 * reason) or when `signal` aborts (with its reason), whichever comes first.
 * Returns `undefined` when there is neither (no cost for plain calls).
 *
 * @param timeout Milliseconds, or `undefined`/`Infinity` for none.
 * @param signal A caller's signal, if any.
 * @param onTimeout Makes the reason for a deadline.
 * @returns The combined signal, or `undefined`.
 *
 * @example
 * ```ts
 * import { callSignal } from "@cohort/core/transport";
 * import assert from "node:assert/strict";
 *
 * const call = callSignal(20, undefined, () => new Error("too slow"))!;
 * await new Promise((resolve) => call.signal.addEventListener("abort", resolve));
 * assert.equal(call.signal.reason.message, "too slow");
 * call.clear();
 * ```
 */
export function callSignal(
  timeout: number | undefined,
  signal: AbortSignal | undefined,
  onTimeout: () => Error,
): CallSignal | undefined {
  const timed = timeout !== undefined && timeout !== Infinity;
  if (!timed && !signal) return undefined;
  const controller = new AbortController();
  const due = timed ? performance.now() + timeout : Infinity;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const onAbort = () => controller.abort(signal!.reason);
  const clear = () => {
    clearTimeout(timer);
    signal?.removeEventListener("abort", onAbort);
  };
  if (signal?.aborted) controller.abort(signal.reason);
  else {
    signal?.addEventListener("abort", onAbort, { once: true });
    if (timed) timer = setTimeout(() => controller.abort(onTimeout()), timeout);
  }
  controller.signal.addEventListener("abort", clear, { once: true });
  const check = () => {
    if (!controller.signal.aborted && performance.now() >= due) controller.abort(onTimeout());
    controller.signal.throwIfAborted();
  };
  return { signal: controller.signal, clear, check };
}

/**
 * Settles like `promise`, or rejects with the signal's reason once it aborts.
 * The promise itself is not cancelled (its later rejection is handled).
 *
 * @param promise The work.
 * @param signal Aborts the wait.
 * @returns The work's result.
 *
 * @example
 * ```ts
 * import { abortable } from "@cohort/core/transport";
 * import assert from "node:assert/strict";
 *
 * const never = new Promise<number>(() => {});
 * const error = await abortable(never, AbortSignal.abort(new Error("stop"))).catch((e) => e);
 * assert.equal(error.message, "stop");
 * ```
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) {
    promise.catch(() => {});
    return Promise.reject(signal.reason);
  }
  const { promise: aborted, reject } = deferred<never>();
  const onAbort = () => reject(signal.reason);
  signal.addEventListener("abort", onAbort, { once: true });
  promise.catch(() => {});
  return Promise.race([promise, aborted]).finally(() =>
    signal.removeEventListener("abort", onAbort)
  );
}

/**
 * Settles like `promise`, or rejects with `onTimeout()` after `ms`
 * milliseconds; the timer is cleared either way.
 *
 * @param promise The work.
 * @param ms Milliseconds (`Infinity`: no limit).
 * @param onTimeout Makes the error for a deadline.
 * @returns The work's result.
 *
 * @example
 * ```ts
 * import { deadline } from "@cohort/core/transport";
 * import assert from "node:assert/strict";
 *
 * assert.equal(await deadline(Promise.resolve(1), 1_000, () => new Error("late")), 1);
 * const late = deadline(new Promise(() => {}), 10, () => new Error("late"));
 * await assert.rejects(late, /late/);
 * ```
 */
export function deadline<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  const call = callSignal(ms, undefined, onTimeout);
  if (!call) return promise;
  return abortable(promise, call.signal).finally(call.clear);
}
