/**
 * What the NATS pool and the NATS worker agree on: subjects, the claim
 * messages, timings, unguessable ids and the client's connection options.
 *
 * Subjects, all under `cohort.<cluster>`:
 * - `idle`: idle workers answer with their {@linkcode WorkerInfo} (discovery).
 * - `who`: every worker answers with its info and state (diagnostics).
 * - `w.<worker id>.claim`: a claim request; the worker says yes only while idle.
 * - `p.<pool id>.<claim>.in` / `.out`: the frames of one claim, pool to worker
 *   and back. The pool id is 128 random bits, so only the claimer can reach a
 *   held worker.
 *
 * @module
 */
import type { ConnectionOptions } from "@nats-io/transport-node";
import { readEnv } from "../../runtime/env.ts";
import type { FromWorker, ToWorker } from "../../src/transport.ts";
import type { NatsPoolOptions } from "./options.ts";

/** How often each side pings the other (milliseconds). */
export const HEARTBEAT_MS = 500;
/** A pool treats a worker as dead once its subject has had no subscriber this long. */
export const WORKER_GONE_MS = 2_000;
/** A worker frees itself once its pool's subject has had no subscriber this long. */
export const POOL_GONE_MS = 3_000;
/** After a reconnect, missing peers are not counted for this long (they reconnect too). */
export const RECONNECT_GRACE_MS = 3_000;
/** Either side gives up on the other after being cut off from NATS this long. */
export const DISCONNECTED_LIMIT_MS = 10_000;

const FROM_WORKER_TYPES: { readonly [T in FromWorker["type"]]: true } = {
  ready: true,
  fail: true,
  ok: true,
  err: true,
};
const TO_WORKER_TYPES: { readonly [T in ToWorker["type"]]: true } = {
  init: true,
  call: true,
  map: true,
  put: true,
  delete: true,
  get: true,
  stats: true,
  cancel: true,
};
/** The message types a pool accepts from a worker (every `FromWorker` type). */
export const FROM_WORKER = Object.keys(FROM_WORKER_TYPES) as FromWorker["type"][];
/** The message types a worker accepts from a pool (every `ToWorker` type). */
export const TO_WORKER = Object.keys(TO_WORKER_TYPES) as ToWorker["type"][];

/** What a worker tells about itself. */
export interface WorkerInfo {
  /** Random id, fixed for the process's life. */
  id: string;
  /** `--name`, or `<runtime>-<host>-<pid>`. */
  name: string;
  /** `"deno"` or `"bun"`. */
  runtime: string;
  /** The host name. */
  host: string;
  /** Whether a pool holds it (only in answers on `who`). */
  held?: boolean;
}

/** A claim request, pool to worker. */
export interface ClaimRequest {
  /** The pool's secret id. */
  pool: string;
  /** The claim number within the pool (part of the frame subjects). */
  claim: number;
  /** With a cluster secret: the pool's random nonce for this claim. */
  nonce?: string;
  /** With a cluster secret: the pool's clock, ms since 1970. */
  time?: number;
  /** With a cluster secret: the claim's MAC (`claimMac`). */
  mac?: string;
}

/** A worker's answer to a claim; with a secret, a yes carries the worker's nonce and MAC. */
export type ClaimReply =
  | { ok: true; nonce?: string; mac?: string }
  | { ok: false; reason: string };

/** The subjects of one cluster. */
export interface Subjects {
  /** Discovery of idle workers. */
  idle: string;
  /** Every worker answers here. */
  who: string;
  /** Where worker `id` takes claims. */
  claim(id: string): string;
  /** Pool to worker, for one claim. */
  toWorker(pool: string, claim: number): string;
  /** Worker to pool, for one claim. */
  toPool(pool: string, claim: number): string;
  /** Everything workers send to a pool. */
  allToPool(pool: string): string;
}

const TOKEN = /^[A-Za-z0-9_-]+$/;

/**
 * Returns the subjects of cluster `cluster`.
 *
 * @param cluster The cluster name (letters, digits, `_` and `-`).
 * @returns The subjects.
 * @throws {TypeError} If the name is not a valid subject token.
 */
export function subjects(cluster: string): Subjects {
  if (typeof cluster !== "string" || !TOKEN.test(cluster)) {
    throw new TypeError(
      `'cluster' must be a name of letters, digits, '_' and '-', got ${JSON.stringify(cluster)}`,
    );
  }
  const root = `cohort.${cluster}`;
  return {
    idle: `${root}.idle`,
    who: `${root}.who`,
    claim: (id) => `${root}.w.${id}.claim`,
    toWorker: (pool, claim) => `${root}.p.${pool}.${claim}.in`,
    toPool: (pool, claim) => `${root}.p.${pool}.${claim}.out`,
    allToPool: (pool) => `${root}.p.${pool}.*.out`,
  };
}

/** Returns 128 random bits as 32 hex digits. */
export function randomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Encodes a small control message as JSON bytes. */
export function toJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

/** Decodes a small control message; `undefined` if it is not JSON. */
export function fromJson<T>(bytes: Uint8Array): T | undefined {
  try {
    return JSON.parse(decoder.decode(bytes)) as T;
  } catch {
    return undefined;
  }
}

/** Connection settings, as flags or pool options give them. */
export type NatsSettings = Omit<NatsPoolOptions, "timeout">;

/** Settings with the environment's defaults filled in. */
export interface ResolvedSettings {
  /** Server URLs, without credentials (safe to show). */
  servers: string[];
  /** Cluster name. */
  cluster: string;
  /** User, if any. */
  user?: string;
  /** Password, if any. */
  password?: string;
  /** Cluster secret, if any. */
  secret?: string;
}

/**
 * Fills in defaults from the environment, takes credentials out of server
 * URLs (`nats://user:pass@host`), and checks types.
 *
 * @param settings What the caller gave.
 * @returns The settings to connect with.
 * @throws {TypeError} If a setting has the wrong type.
 */
export function resolveSettings(settings: NatsSettings): ResolvedSettings {
  const servers = settings.servers ?? splitList(readEnv("COHORT_NATS_URL")) ??
    ["nats://127.0.0.1:4222"];
  const list = typeof servers === "string" ? [servers] : servers;
  if (!Array.isArray(list) || list.length === 0 || list.some((s) => typeof s !== "string")) {
    throw new TypeError("'servers' must be a server URL or a non-empty array of them");
  }
  const cluster = settings.cluster ?? (readEnv("COHORT_NATS_CLUSTER") || "default");
  subjects(cluster);
  let user = settings.user ?? (readEnv("COHORT_NATS_USER") || undefined);
  let password = settings.password ?? (readEnv("COHORT_NATS_PASSWORD") || undefined);
  const secret = settings.secret ?? (readEnv("COHORT_NATS_SECRET") || undefined);
  for (const [name, value] of [["user", user], ["password", password], ["secret", secret]]) {
    if (value !== undefined && typeof value !== "string") {
      throw new TypeError(`'${name}' must be a string, got ${typeof value}`);
    }
  }
  const clean = list.map((server) => {
    const url = URL.canParse(server) ? new URL(server) : null;
    if (!url || (!url.username && !url.password)) return server;
    user ??= decodeURIComponent(url.username) || undefined;
    password ??= decodeURIComponent(url.password) || undefined;
    url.username = "";
    url.password = "";
    return url.href.replace(/\/$/, "");
  });
  return { servers: clean, cluster, user, password, secret };
}

function splitList(value: string | undefined): string[] | undefined {
  const list = value?.split(",").map((s) => s.trim()).filter((s) => s !== "");
  return list && list.length > 0 ? list : undefined;
}

/**
 * The client options both sides connect with: reconnect forever, quickly,
 * so that a restarted server is rejoined within a fraction of a second.
 *
 * @param settings The resolved settings.
 * @param name The client name the server shows.
 * @returns Options for `connect()`.
 */
export function connectOptions(settings: ResolvedSettings, name: string): ConnectionOptions {
  return {
    servers: settings.servers,
    user: settings.user,
    pass: settings.password,
    name,
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    reconnectJitter: 100,
    pingInterval: 10_000,
    timeout: 5_000,
  };
}
