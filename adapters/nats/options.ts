/**
 * The `createPool` options the NATS adapter reads: the one place their names
 * and types are written down.
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
  /**
   * NATS: server URL(s). Default: env `COHORT_NATS_URL`, else
   * `nats://127.0.0.1:4222`. Credentials in a URL (`nats://user:pass@host`)
   * are used and never shown in messages.
   */
  servers?: string | string[];
  /** NATS: cluster name. Default: env `COHORT_NATS_CLUSTER`, else `"default"`. */
  cluster?: string;
  /** NATS: user name. Default: env `COHORT_NATS_USER`. */
  user?: string;
  /** NATS: password. Default: env `COHORT_NATS_PASSWORD`. */
  password?: string;
  /**
   * NATS: the cluster secret that signs every claim and frame (HMAC-SHA256,
   * a key per claim, a counter against replays). Workers must be started
   * with the same `--secret`. Default: env `COHORT_NATS_SECRET`.
   */
  secret?: string;
  /**
   * NATS: milliseconds to wait for enough idle workers, at start and when a
   * lost worker is replaced. Default 10,000.
   */
  timeout?: number;
}

const KEYS: { readonly [K in keyof Required<NatsPoolOptions>]: true } = {
  servers: true,
  cluster: true,
  user: true,
  password: true,
  secret: true,
  timeout: true,
};

/**
 * The keys of {@linkcode NatsPoolOptions}, for checks of unknown option keys
 * (derived from a record of every key, so a key missing here fails `deno check`).
 *
 * @example
 * ```ts
 * import { NATS_OPTION_KEYS } from "@cohort/core/adapters/nats";
 * import assert from "node:assert/strict";
 *
 * assert.ok(NATS_OPTION_KEYS.includes("secret"));
 * ```
 */
export const NATS_OPTION_KEYS: readonly (keyof NatsPoolOptions)[] = Object.keys(
  KEYS,
) as (keyof NatsPoolOptions)[];
