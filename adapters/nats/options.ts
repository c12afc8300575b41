/**
 * The `createPool` options the NATS adapter reads.
 *
 * @module
 */

/**
 * Options of a pool on NATS (`createPool({ adapter: "nats", ... })`).
 *
 * @example
 * ```ts
 * import type { NatsPoolOptions } from "@cohort/core/adapters/nats";
 * import assert from "node:assert/strict";
 *
 * const options: NatsPoolOptions = { servers: "nats://127.0.0.1:4222", cluster: "lab" };
 * assert.equal(options.cluster, "lab");
 * ```
 */
export interface NatsPoolOptions {
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

/** The option keys above, for `createPool`'s check of unknown keys. */
export const NATS_OPTION_KEYS: readonly (keyof NatsPoolOptions)[] = [
  "servers",
  "cluster",
  "user",
  "password",
  "timeout",
];
