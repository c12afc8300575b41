/**
 * The conformance suite every transport passes: one named test per sentence
 * of the contract that a transport can hold. Run it from a test file with a
 * pool factory; it registers `node:test` cases, so it runs under `deno test`,
 * `bun test` and `node --test` alike.
 *
 * The suite is the list {@linkcode conformanceSuites}, one themed file each
 * (`testing/conformance_*.ts`). What never reaches a transport (chunk
 * arithmetic, the value walk, the codec, options) is tested once, in
 * `tests/unit/`, not here.
 *
 * @example Registers `node:test` cases, so it runs in a test file, not as a doc test
 * ```ts ignore
 * import { runConformance } from "@cohort/core/testing";
 * import { createPool } from "@cohort/core";
 *
 * runConformance({
 *   name: "my-transport",
 *   createPool: (options) => createPool({ ...options, adapter: myAdapter }),
 * });
 * ```
 *
 * @module
 */
import type { Pool } from "../mod.ts";
import { apiSuite } from "./conformance_api.ts";
import { dataSuite } from "./conformance_data.ts";
import { mapSuite } from "./conformance_map.ts";
import { valuesSuite } from "./conformance_values.ts";
import { edgesSuite } from "./conformance_edges.ts";
import { callsSuite } from "./conformance_calls.ts";
import { restoreSuite } from "./conformance_restore.ts";
import { streamSuite } from "./conformance_stream.ts";

/**
 * Options of {@linkcode runConformance}.
 *
 * @example
 * ```ts
 * import { createPool } from "@cohort/core";
 * import type { ConformanceOptions } from "@cohort/core/testing";
 * import assert from "node:assert/strict";
 *
 * const options: ConformanceOptions = {
 *   name: "in-process",
 *   createPool: (options) => createPool({ ...options, adapter: "in-process" }),
 *   skip: { "apply() carries 16 MiB typed arrays both ways": "frames are limited to 1 MiB" },
 *   timeout: 10_000,
 * };
 * await using pool = await options.createPool({ workers: 2 });
 * assert.equal(pool.size, 2);
 * ```
 */
export interface ConformanceOptions {
  /** The adapter's name, shown in test names. */
  name: string;
  /**
   * Makes a pool on the transport under test with these core options
   * (`restore` and `callTimeout` are passed by some tests).
   */
  createPool(
    options: { workers: number; seed?: number; restore?: boolean; callTimeout?: number },
  ): Promise<Pool>;
  /** Tests to skip, by test name, with the reason (`node:test`'s `skip`). */
  skip?: Record<string, string>;
  /** Milliseconds before a test counts as hung (`node:test`'s `timeout`; default 60,000). */
  timeout?: number;
}

/**
 * The suites {@linkcode runConformance} registers, in order. Each registers
 * one `describe` group that starts its own pools. A new suite is one line here.
 *
 * @example
 * ```ts
 * import { conformanceSuites } from "@cohort/core/testing";
 * import assert from "node:assert/strict";
 * assert.ok(conformanceSuites.length >= 4);
 * assert.ok(conformanceSuites.every((suite) => typeof suite === "function"));
 * ```
 */
export const conformanceSuites: readonly ((options: ConformanceOptions) => void)[] = [
  apiSuite,
  dataSuite,
  mapSuite,
  valuesSuite,
  edgesSuite,
  callsSuite,
  restoreSuite,
  streamSuite,
];

/**
 * Registers the conformance tests for one transport: every suite of
 * {@linkcode conformanceSuites}.
 *
 * @param options The pool factory, the adapter's name and optional skips.
 *
 * @example A test file for a custom transport, run by `deno test`, `bun test` or `node --test` (registers `node:test` cases, so not a doc test)
 * ```ts ignore
 * // my_transport_test.ts
 * import { createPool } from "@cohort/core";
 * import { runConformance } from "@cohort/core/testing";
 * import { myAdapter } from "./my_adapter.ts";
 *
 * runConformance({
 *   name: "my-transport",
 *   createPool: (options) => createPool({ ...options, adapter: myAdapter }),
 * });
 * ```
 */
export function runConformance(options: ConformanceOptions): void {
  for (const suite of conformanceSuites) suite(options);
}
