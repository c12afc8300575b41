/**
 * `createPool()`: validates options, picks the adapter for this runtime and
 * starts the pool.
 *
 * @module
 */
import type { NatsPoolOptions } from "../adapters/nats/options.ts";
import { describe } from "../src/describe.ts";
import { INSIDE_WORKER, isWorkerThread } from "../src/guard.ts";
import type { StartOptions } from "../src/options.ts";
import { Pool } from "../src/pool.ts";
import type { Adapter } from "../src/transport.ts";
import { logicalCores, readEnv, type Runtime, runtimeName } from "./env.ts";
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
export type AdapterName =
  | "in-process"
  | "deno-worker"
  | "bun-worker"
  | "node-worker"
  | "web-worker"
  | "nats";

/** Where each built-in adapter runs and how to load it (lazily: NATS stays unloaded). */
const ADAPTERS: Record<AdapterName, { runtime: Runtime | "any"; load(): Promise<Adapter> }> = {
  "in-process": { runtime: "any", load: () => Promise.resolve(inProcess) },
  "deno-worker": {
    runtime: "deno",
    load: async () => (await import("../adapters/web_worker/deno.ts")).denoWorker,
  },
  "bun-worker": {
    runtime: "bun",
    load: async () => (await import("../adapters/web_worker/bun.ts")).bunWorker,
  },
  "node-worker": {
    runtime: "node",
    load: async () => (await import("../adapters/node_worker/node.ts")).nodeWorker,
  },
  "web-worker": {
    runtime: "browser",
    load: async () => (await import("../adapters/web_worker/browser.ts")).webWorker,
  },
  nats: {
    runtime: "any",
    load: async () => {
      // A module URL, not a literal specifier: Deno's module graph and bundlers do not
      // follow it, so only pools on NATS fetch and load the NATS client.
      const url = new URL("../adapters/nats/pool.ts", import.meta.url).href;
      const [{ nats }, { NATS_OPTION_KEYS }] = await Promise.all([
        import(url) as Promise<{ nats: Adapter }>,
        import("../adapters/nats/options.ts"),
      ]);
      return nats.optionKeys ? nats : { ...nats, optionKeys: NATS_OPTION_KEYS };
    },
  },
};

const DEFAULTS: Partial<Record<Runtime, AdapterName>> = {
  deno: "deno-worker",
  bun: "bun-worker",
  node: "node-worker",
  browser: "web-worker",
};

/**
 * Options of {@linkcode createPool}.
 *
 * @example
 * ```ts
 * import { createPool, type PoolOptions } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * const options: PoolOptions = {
 *   adapter: "in-process",
 *   workers: 4,
 *   seed: 42,
 *   startTimeout: 5_000,
 *   callTimeout: 60_000,
 *   restore: true,
 * };
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
 *   modules: [new URL("./tasks.ts", import.meta.url).href],
 * };
 * await using pool = await createPool(options);
 * ```
 */
export interface PoolOptions extends Partial<StartOptions>, NatsPoolOptions {
  /**
   * Number of workers. Default: env `COHORT_WORKERS`, else the machine's
   * logical cores (`navigator.hardwareConcurrency`).
   */
  workers?: number;
  /** An adapter name or a custom adapter. Default: this runtime's workers. */
  adapter?: AdapterName | Adapter;
}

/**
 * Starts a pool of workers; resolves once every worker is ready.
 *
 * @param options Worker count, adapter, seed, deadlines and adapter settings.
 * @returns The ready pool.
 * @throws {TypeError} If an option has the wrong type, is unknown, names no
 *   adapter or one of another runtime, or if called inside a cohort worker.
 * @throws {RangeError} If a number is out of range (e.g. `workers: 0`).
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
  if (isWorkerThread()) throw new TypeError(INSIDE_WORKER);
  if (options === null || typeof options !== "object" || Array.isArray(options)) {
    throw new TypeError(`'options' must be an object, got ${describe(options)}`);
  }
  const adapter = await resolveAdapter(options);
  const workers = "workers" in options && options.workers !== undefined
    ? options.workers
    : defaultWorkers();
  return await Pool.start(adapter, { ...options, workers } as StartOptions);
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
  return logicalCores();
}

async function resolveAdapter(options: PoolOptions): Promise<Adapter> {
  const adapter = options.adapter;
  if ("adapter" in options && adapter === undefined) return await byName(defaultAdapterName());
  if (adapter === undefined) return await byName(defaultAdapterName());
  if (typeof adapter === "object" && adapter !== null) {
    if (typeof adapter.connect !== "function" || typeof adapter.name !== "string") {
      throw new TypeError("'adapter' object must have a name and a connect() method");
    }
    return adapter;
  }
  return await byName(adapter);
}

async function byName(name: unknown): Promise<Adapter> {
  if (typeof name !== "string" || !Object.hasOwn(ADAPTERS, name)) {
    throw new TypeError(
      `'adapter' must be one of ${
        Object.keys(ADAPTERS).map((n) => `"${n}"`).join(", ")
      } or an adapter object, got ${describe(name)}`,
    );
  }
  const { runtime, load } = ADAPTERS[name as AdapterName];
  const here = runtimeName();
  if (runtime !== "any" && runtime !== here) {
    const fit = DEFAULTS[here];
    throw new TypeError(
      `'adapter' "${name}" runs under ${runtime}, but this is ${here}` +
        (fit ? `: use "${fit}" or leave 'adapter' out` : ""),
    );
  }
  return await load();
}

/**
 * The adapter `createPool` picks when none is given, for this runtime.
 *
 * @returns `"deno-worker"` under Deno, `"bun-worker"` under Bun,
 *   `"node-worker"` under Node.js, `"web-worker"` in a browser.
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
  const name = DEFAULTS[runtimeName()];
  if (!name) {
    throw new TypeError(
      'cohort has no worker adapter for this runtime; pass adapter: "in-process"',
    );
  }
  return name;
}
