/**
 * What the conformance suites share: the pool size, a typed `echo`, and
 * `harness()`, which turns a suite's options into `node:test` cases with
 * their `{ timeout, skip }` and a pool factory.
 *
 * @module
 */
import { test } from "node:test";
import type { Pool } from "../mod.ts";
import type { ConformanceOptions } from "./conformance.ts";

/** Workers in the pool each suite starts. */
export const WORKERS = 4;

/** Bytes in a mebibyte. */
export const MiB: number = 1024 * 1024;

/**
 * `tasks.echo` is generic, so its results come back `unknown`: this restores the type.
 *
 * @example
 * ```ts
 * import { echoed } from "./conformance_shared.ts";
 * import assert from "node:assert/strict";
 * const list = echoed<number[]>([1, 2] as unknown);
 * assert.equal(list.length, 2);
 * ```
 */
export const echoed = <T>(results: unknown): T => results as T;

/** What {@linkcode harness} gives a suite. */
export interface Harness {
  /** Registers one test, skipped if `options.skip` names it, failing if it runs past `options.timeout`. */
  it(title: string, fn: () => Promise<void>): void;
  /** Starts a pool of `workers` (default {@linkcode WORKERS}) on the transport under test. */
  fresh(workers?: number, seed?: number): Promise<Pool>;
}

/**
 * The `it` and `fresh` of a suite: `node:test`'s own `{ timeout, skip }`
 * (default timeout 60 s), and the options' pool factory.
 *
 * @param options The suite's options.
 * @returns The test registrar and the pool factory.
 *
 * @example Registers `node:test` cases, so it runs in a test file, not as a doc test
 * ```ts ignore
 * import { createPool } from "@cohort/core";
 * import { harness } from "./conformance_shared.ts";
 *
 * const { it, fresh } = harness({
 *   name: "in-process",
 *   createPool: (o) => createPool({ ...o, adapter: "in-process" }),
 * });
 * it("a pool starts", async () => {
 *   await using pool = await fresh(2);
 * });
 * ```
 */
export function harness(options: ConformanceOptions): Harness {
  const { skip = {}, timeout = 60_000 } = options;
  return {
    it(title, fn) {
      test(title, { timeout, skip: skip[title] ?? false }, fn);
    },
    async fresh(workers = WORKERS, seed) {
      return await options.createPool(seed === undefined ? { workers } : { workers, seed });
    },
  };
}
