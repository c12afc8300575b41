/**
 * `createPool()`: validates options, picks the adapter for this runtime and
 * starts the pool.
 *
 * @module
 */
import { Pool } from "../src/pool.ts";
import type { Adapter } from "../src/transport.ts";
import { readEnv, runtimeName } from "./env.ts";
import { inProcess } from "../adapters/in_process.ts";

/**
 * The built-in adapters, by name.
 *
 * @example
 * ```ts
 * import { type AdapterName, createPool } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * const adapter: AdapterName = "in-process";
 * await using pool = await createPool({ adapter, workers: 2 });
 * assert.equal(pool.adapter, "in-process");
 * ```
 */
export type AdapterName = "in-process" | "deno-worker" | "bun-worker" | "nats";

const NAMES: readonly AdapterName[] = ["in-process", "deno-worker", "bun-worker", "nats"];

/**
 * Options of {@linkcode createPool}.
 *
 * @example
 * ```ts
 * import { createPool, type PoolOptions } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * const options: PoolOptions = { adapter: "in-process", workers: 4, seed: 42, startTimeout: 5_000 };
 * await using pool = await createPool(options);
 * assert.equal(pool.size, 4);
 * ```
 *
 * @example Claim workers from a NATS cluster
 * ```ts ignore
 * import { createPool, type PoolOptions } from "@cohort/core";
 *
 * const options: PoolOptions = {
 *   adapter: "nats",
 *   workers: 8,
 *   servers: "nats://localhost:4222",
 *   cluster: "lab",
 *   timeout: 30_000,
 *   modules: [new URL("./tasks.ts", import.meta.url).href],
 * };
 * await using pool = await createPool(options);
 * ```
 */
export interface PoolOptions {
  /**
   * Number of workers. Default: env `COHORT_WORKERS`, else the machine's
   * logical cores (`navigator.hardwareConcurrency`).
   */
  workers?: number;
  /** An adapter name or a custom adapter. Default: this runtime's workers. */
  adapter?: AdapterName | Adapter;
  /** Seed of the per-worker seeds (`workerContext().seed`). Default: random. */
  seed?: number;
  /** Task module URLs every worker imports at start (errors surface here). */
  modules?: readonly string[];
  /** Milliseconds to wait for the workers to be ready. Default 60,000. */
  startTimeout?: number;
  /** NATS: server URL(s). Default: env `COHORT_NATS_URL`. */
  servers?: string | string[];
  /** NATS: cluster name. Default: env `COHORT_NATS_CLUSTER`, else `"default"`. */
  cluster?: string;
  /** NATS: user name. Default: env `COHORT_NATS_USER`. */
  user?: string;
  /** NATS: password. Default: env `COHORT_NATS_PASSWORD`. */
  password?: string;
  /** NATS: milliseconds to wait for enough idle workers. Default 10,000. */
  timeout?: number;
}

/**
 * Starts a pool of workers; resolves once every worker is ready.
 *
 * @param options Worker count, adapter, seed and adapter settings.
 * @returns The ready pool.
 * @throws {TypeError} If an option has the wrong type or names no adapter.
 * @throws {RangeError} If `workers` is not a positive integer.
 *
 * @example
 * ```ts
 * import { createPool } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * await using pool = await createPool({ adapter: "in-process", workers: 4 });
 * assert.equal(pool.size, 4);
 * ```
 */
export async function createPool(options: PoolOptions = {}): Promise<Pool> {
  if (options === null || typeof options !== "object") {
    throw new TypeError(`'options' must be an object, got ${String(options)}`);
  }
  const adapter = await resolveAdapter(options.adapter);
  const workers = options.workers ?? defaultWorkers();
  if (typeof workers !== "number") {
    throw new TypeError(`'workers' must be a number, got ${typeof workers}`);
  }
  if (!Number.isInteger(workers) || workers < 1) {
    throw new RangeError(`'workers' must be a positive integer, got ${workers}`);
  }
  if (options.seed !== undefined && !Number.isFinite(options.seed)) {
    throw new TypeError(`'seed' must be a finite number, got ${String(options.seed)}`);
  }
  const modules = options.modules ?? [];
  if (!Array.isArray(modules) || modules.some((m) => typeof m !== "string" || !URL.canParse(m))) {
    throw new TypeError("'modules' must be an array of module URLs");
  }
  return await Pool.start(adapter, { ...options, workers, modules } as never);
}

function defaultWorkers(): number {
  const env = readEnv("COHORT_WORKERS");
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1) {
      throw new RangeError(`env COHORT_WORKERS must be a positive integer, got "${env}"`);
    }
    return n;
  }
  return Math.max(1, globalThis.navigator?.hardwareConcurrency ?? 1);
}

async function resolveAdapter(adapter: AdapterName | Adapter | undefined): Promise<Adapter> {
  if (adapter !== undefined && typeof adapter === "object" && adapter !== null) {
    if (typeof adapter.connect !== "function" || typeof adapter.name !== "string") {
      throw new TypeError("'adapter' object must have a name and a connect() method");
    }
    return adapter;
  }
  const name = adapter ?? defaultAdapterName();
  switch (name) {
    case "in-process":
      return inProcess;
    case "deno-worker":
      return (await import("../adapters/web_worker/deno.ts")).denoWorker;
    case "bun-worker":
      return (await import("../adapters/web_worker/bun.ts")).bunWorker;
    case "nats":
      return (await import("../adapters/nats/pool.ts")).nats;
  }
  throw new TypeError(
    `'adapter' must be one of ${NAMES.map((n) => `"${n}"`).join(", ")} or an adapter object, ` +
      `got ${typeof name === "string" ? `"${name}"` : String(name)}`,
  );
}

/**
 * The adapter `createPool` picks when none is given, for this runtime.
 *
 * @returns `"deno-worker"` under Deno, `"bun-worker"` under Bun.
 * @throws {TypeError} Under any other runtime.
 *
 * @example
 * ```ts
 * import { defaultAdapterName } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * const expected = "Bun" in globalThis ? "bun-worker" : "deno-worker";
 * assert.equal(defaultAdapterName(), expected);
 * ```
 */
export function defaultAdapterName(): AdapterName {
  switch (runtimeName()) {
    case "deno":
      return "deno-worker";
    case "bun":
      return "bun-worker";
    default:
      throw new TypeError(
        'cohort has no worker adapter for this runtime yet; pass adapter: "in-process"',
      );
  }
}
