/**
 * Options of a pool and of its calls, and their validation: every option is
 * checked for type and range, with a message that names it; unknown keys are
 * refused with the list of known ones.
 *
 * @module
 */
import type { CallOptions } from "./calls.ts";
import { describe } from "./describe.ts";

/**
 * Options of a pool, as the core reads them: what `Pool.start` takes besides
 * an adapter (`createPool` fills in the defaults).
 *
 * @example
 * ```ts
 * import { Pool, type StartOptions } from "@cohort/core/transport";
 * import { inProcess } from "@cohort/core/adapters/in-process";
 * import assert from "node:assert/strict";
 *
 * const options: StartOptions = { workers: 2, seed: 7, callTimeout: 60_000 };
 * await using pool = await Pool.start(inProcess, options);
 * assert.equal(pool.size, 2);
 * ```
 */
export interface StartOptions {
  /** Number of workers, a positive integer. */
  workers: number;
  /** Seed from which every worker's and item's seed is derived. Default: random. */
  seed?: number;
  /** Task modules every worker imports at start-up. */
  modules?: readonly string[];
  /** Milliseconds to wait for all workers to be ready (default 60,000; `Infinity`: no limit). */
  startTimeout?: number;
  /** Default deadline of every call in milliseconds (default: none). */
  callTimeout?: number;
  /** Put pushed and scattered data back on replaced workers (default true). */
  restore?: boolean;
}

/** The option keys every pool understands. */
export const START_KEYS: readonly string[] = [
  "workers",
  "seed",
  "modules",
  "startTimeout",
  "callTimeout",
  "restore",
  "adapter",
];
const CALL_KEYS = ["timeout", "signal", "retries", "chunkSize", "onProgress"];

/** Refuses keys outside `known`, naming the key and the known ones. */
export function checkKeys(options: object, known: readonly string[], what: string): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) {
      throw new TypeError(
        `unknown option '${key}' of ${what}; known options: ${known.join(", ")}`,
      );
    }
  }
}

/** Checks a number of milliseconds: positive, `Infinity` allowed. */
export function checkMs(value: unknown, name: string): void {
  if (value === undefined) return;
  if (typeof value !== "number") {
    throw new TypeError(`'${name}' must be a number of milliseconds, got ${describe(value)}`);
  }
  if (!(value > 0)) {
    throw new RangeError(`'${name}' must be a positive number of milliseconds, got ${value}`);
  }
}

/** Checks an optional positive integer. */
function checkPositiveInteger(value: unknown, name: string): void {
  if (value === undefined) return;
  if (typeof value !== "number") {
    throw new TypeError(`'${name}' must be a number (a positive integer), got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`'${name}' must be a positive integer, got ${value}`);
  }
}

/**
 * Validates the core options of a pool.
 *
 * @param options The options.
 * @param adapterKeys Extra keys the adapter reads.
 * @throws {TypeError} For a wrong type or an unknown key.
 * @throws {RangeError} For a value out of range.
 */
export function checkStartOptions(options: unknown, adapterKeys: readonly string[]): void {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`'options' must be an object, got ${describe(options)}`);
  }
  checkKeys(options, [...START_KEYS, ...adapterKeys], "createPool()");
  const o = options as Record<string, unknown>;
  if (o.workers === undefined) throw new TypeError("'workers' is required");
  checkPositiveInteger(o.workers, "workers");
  if (o.seed !== undefined) {
    if (typeof o.seed !== "number") {
      throw new TypeError(`'seed' must be a number, got ${describe(o.seed)}`);
    }
    if (!Number.isFinite(o.seed)) throw new RangeError(`'seed' must be finite, got ${o.seed}`);
  }
  if (o.modules !== undefined) {
    if (!Array.isArray(o.modules)) {
      throw new TypeError(`'modules' must be an array of module URLs, got ${describe(o.modules)}`);
    }
    o.modules.forEach((m, i) => {
      if (typeof m !== "string" || !URL.canParse(m)) {
        throw new TypeError(`'modules[${i}]' must be a module URL, got ${describe(m)}`);
      }
    });
  }
  checkMs(o.startTimeout, "startTimeout");
  checkMs(o.callTimeout, "callTimeout");
  if (o.restore !== undefined && typeof o.restore !== "boolean") {
    throw new TypeError(`'restore' must be a boolean, got ${describe(o.restore)}`);
  }
}

/**
 * Validates the options of `pool.with(options)`.
 *
 * @param options The options.
 * @param what The method, for messages.
 * @throws {TypeError} For a wrong type or an unknown key.
 * @throws {RangeError} For a value out of range.
 */
export function checkCallOptions(options: unknown, what = "with()"): CallOptions {
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`'options' of ${what} must be an object, got ${describe(options)}`);
  }
  checkKeys(options, CALL_KEYS, what);
  const o = options as CallOptions;
  checkMs(o.timeout, "options.timeout");
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new TypeError(`'options.signal' must be an AbortSignal, got ${describe(o.signal)}`);
  }
  if (o.retries !== undefined) {
    if (typeof o.retries !== "number") {
      throw new TypeError(`'options.retries' must be a number, got ${describe(o.retries)}`);
    }
    if (!Number.isInteger(o.retries) || o.retries < 0) {
      throw new RangeError(`'options.retries' must be a non-negative integer, got ${o.retries}`);
    }
  }
  checkPositiveInteger(o.chunkSize, "options.chunkSize");
  if (o.onProgress !== undefined && typeof o.onProgress !== "function") {
    throw new TypeError(`'options.onProgress' must be a function, got ${describe(o.onProgress)}`);
  }
  return o;
}

/** Checks a worker index: an integer in `[0, size)`. */
export function checkWorker(worker: unknown, size: number): void {
  if (!Number.isInteger(worker) || (worker as number) < 0 || (worker as number) >= size) {
    throw new RangeError(`'worker' must be an integer in [0, ${size}), got ${describe(worker)}`);
  }
}
