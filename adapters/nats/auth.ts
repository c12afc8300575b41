/**
 * Signed messages with a cluster secret: claims carry an HMAC of the secret;
 * every frame of a claimed link carries an HMAC with a key derived for that
 * claim (one key per direction) over the frame and a counter, so a client of
 * the same NATS account without the secret can neither claim a worker,
 * inject a call, forge a reply nor replay an old frame. Reading is not
 * prevented: that takes TLS and NATS permissions.
 *
 * @module
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/** Bytes of a frame's MAC (HMAC-SHA256, truncated). */
export const MAC_BYTES = 16;
/** How far a claim's clock may be off (milliseconds). */
export const CLAIM_SKEW_MS = 60_000;

/** The keys of one claimed link, as one side sees them. */
export interface LinkKeys {
  /** Signs what this side sends. */
  send: Uint8Array;
  /** Checks what this side receives. */
  receive: Uint8Array;
}

/**
 * HMAC-SHA256 of the parts, each followed by a NUL byte.
 *
 * @param key The key.
 * @param parts Strings or bytes.
 * @returns 32 bytes.
 */
export function hmac(key: string | Uint8Array, ...parts: (string | Uint8Array)[]): Uint8Array {
  const h = createHmac("sha256", key);
  for (const part of parts) h.update(part).update("\0");
  return new Uint8Array(h.digest());
}

/** Hex digits of bytes. */
export function hex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** True if two byte strings are equal (in constant time for equal lengths). */
export function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.byteLength === b.byteLength && timingSafeEqual(a, b);
}

/** What a claim names, all signed. */
export interface ClaimFacts {
  /** The pool's id. */
  pool: string;
  /** The claim number. */
  claim: number;
  /** The worker claimed. */
  worker: string;
  /** The pool's random nonce for this claim. */
  nonce: string;
  /** The pool's clock (ms since 1970). */
  time: number;
}

/** The MAC of a claim request (hex). */
export function claimMac(secret: string, f: ClaimFacts): string {
  return hex(hmac(secret, "claim", f.pool, String(f.claim), f.worker, f.nonce, String(f.time)));
}

/** The MAC of a worker's yes to a claim (hex). */
export function acceptMac(secret: string, f: ClaimFacts, workerNonce: string): string {
  return hex(hmac(secret, "accept", f.pool, String(f.claim), f.worker, f.nonce, workerNonce));
}

/**
 * The keys of a claimed link.
 *
 * @param secret The cluster secret.
 * @param f The claim.
 * @param workerNonce The worker's nonce from its yes.
 * @param side Which side asks.
 * @returns The keys this side sends and receives with.
 */
export function linkKeys(
  secret: string,
  f: ClaimFacts,
  workerNonce: string,
  side: "pool" | "worker",
): LinkKeys {
  const base = hmac(secret, "link", f.pool, String(f.claim), f.worker, f.nonce, workerNonce);
  const toWorker = hmac(base, "to worker");
  const toPool = hmac(base, "to pool");
  return side === "pool"
    ? { send: toWorker, receive: toPool }
    : { send: toPool, receive: toWorker };
}

/** The key a pool signs `GONE` answers with (a worker pinging a claim the pool dropped). */
export function poolKey(secret: string, pool: string): Uint8Array {
  return hmac(secret, "pool", pool);
}

/** Remembers recent claim nonces, so that a copied claim cannot be replayed. */
export class NonceMemory {
  #seen = new Map<string, number>();

  /**
   * Records a nonce.
   *
   * @returns False if it was seen within the last {@linkcode CLAIM_SKEW_MS} × 2.
   */
  fresh(nonce: string): boolean {
    const now = Date.now();
    for (const [n, t] of this.#seen) if (now - t > 2 * CLAIM_SKEW_MS) this.#seen.delete(n);
    if (this.#seen.has(nonce)) return false;
    this.#seen.set(nonce, now);
    return true;
  }
}
