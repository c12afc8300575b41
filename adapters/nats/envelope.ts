/**
 * The envelope of every NATS frame, 40 bytes little-endian: `u8 kind |
 * u8 flags | u16 0 | u32 seq | u32 ack | u32 message length | u64 counter |
 * 16-byte MAC`, and the helpers that build, sign and check it. With link
 * keys the MAC is an HMAC-SHA256 of the frame (MAC left out) with that
 * direction's key; without keys it is zero.
 *
 * @module
 */
import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import { type LinkKeys, MAC_BYTES, sameBytes } from "./auth.ts";

/** Frame kinds. */
export const DATA = 1, ACK = 2, PING = 3, PONG = 4, BYE = 5, GONE = 6;
/** Data frame flags: first and last frame of a message; an ack asking for a resend. */
export const FIRST = 1, LAST = 2, GAP = 4;
/** Bytes of the envelope. */
export const HEADER = 40;
const COUNTER_AT = 16;
const MAC_AT = 24;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Stamps `counter` into a frame and signs it with `key` (zero MAC without one).
 *
 * @param frame The frame, envelope included.
 * @param counter Its counter.
 * @param key The signing key, if any.
 * @returns The same frame.
 */
export function sealFrame(
  frame: Uint8Array,
  counter: number,
  key?: Uint8Array | KeyObject,
): Uint8Array {
  const view = new DataView(frame.buffer, frame.byteOffset, HEADER);
  view.setUint32(COUNTER_AT, counter % 0x1_0000_0000, true);
  view.setUint32(COUNTER_AT + 4, Math.floor(counter / 0x1_0000_0000), true);
  frame.fill(0, MAC_AT, HEADER);
  if (key) frame.set(macOf(frame, key), MAC_AT);
  return frame;
}

/** The counter stamped into a frame. */
export function frameCounter(frame: Uint8Array): number {
  const view = new DataView(frame.buffer, frame.byteOffset, HEADER);
  return view.getUint32(COUNTER_AT, true) + view.getUint32(COUNTER_AT + 4, true) * 0x1_0000_0000;
}

/** True if the frame's MAC is right for `key`. */
export function frameSigned(frame: Uint8Array, key: Uint8Array | KeyObject): boolean {
  return frame.byteLength >= HEADER &&
    sameBytes(frame.subarray(MAC_AT, HEADER), macOf(frame, key));
}

function macOf(frame: Uint8Array, key: Uint8Array | KeyObject): Uint8Array {
  const h = createHmac("sha256", key);
  h.update(frame.subarray(0, MAC_AT));
  h.update(frame.subarray(HEADER));
  return new Uint8Array(h.digest().buffer, 0, MAC_BYTES);
}

/** Builds a control frame (no sequence number). */
export function controlFrame(kind: number, ack = 0, text = ""): Uint8Array {
  const body = encoder.encode(text);
  const frame = new Uint8Array(HEADER + body.byteLength);
  const view = new DataView(frame.buffer);
  view.setUint8(0, kind);
  view.setUint32(8, ack, true);
  frame.set(body, HEADER);
  return frame;
}

/** The kind of a frame (0 if it is too short to be one). */
export function frameKind(frame: Uint8Array): number {
  return frame.byteLength >= HEADER ? frame[0] : 0;
}

/** The text of a control frame. */
export function frameText(frame: Uint8Array): string {
  return decoder.decode(frame.subarray(HEADER));
}

/** How far back a counter may lie behind the newest one and still be accepted once. */
const REPLAY_WINDOW = 4096;

/**
 * One link's signing state: the counter of frames sent, the counters seen,
 * and the keys (as key objects: an HMAC with one costs half as much under
 * Deno as with raw bytes). Without keys, frames get counters and zero MACs
 * and every frame counts as fresh.
 */
export class Seals {
  #counter = 0;
  #newest = 0;
  #recent = new Set<number>();
  #send: KeyObject | undefined;
  #receive: KeyObject | undefined;
  #gone: KeyObject | undefined;
  #signed: boolean;

  /**
   * @param keys The link's keys, if any.
   * @param goneKey The key of `GONE` answers to our pings, if any.
   */
  constructor(keys?: LinkKeys, goneKey?: Uint8Array) {
    this.#signed = keys !== undefined;
    if (keys) {
      this.#send = createSecretKey(keys.send);
      this.#receive = createSecretKey(keys.receive);
    }
    if (goneKey) this.#gone = createSecretKey(goneKey);
  }

  /** The counter of the last frame sealed. */
  get counter(): number {
    return this.#counter;
  }

  /** Stamps the next counter into a frame and signs it. */
  seal(frame: Uint8Array): Uint8Array {
    return sealFrame(frame, ++this.#counter, this.#send);
  }

  /** True if a frame is signed by the peer and its counter was not seen before. */
  fresh(frame: Uint8Array): boolean {
    const key = this.#receive;
    if (!key) return true;
    if (!frameSigned(frame, key)) return false;
    const counter = frameCounter(frame);
    if (counter <= this.#newest - REPLAY_WINDOW || this.#recent.has(counter)) return false;
    this.#recent.add(counter);
    if (counter > this.#newest) {
      this.#newest = counter;
      if (this.#recent.size > 2 * REPLAY_WINDOW) {
        for (const c of this.#recent) if (c <= counter - REPLAY_WINDOW) this.#recent.delete(c);
      }
    }
    return true;
  }

  /** True if a `GONE` answers our ping `counter` and is signed (or nothing is signed). */
  goneSigned(frame: Uint8Array, counter: number): boolean {
    if (!this.#signed) return true;
    const key = this.#gone;
    return key !== undefined && frameSigned(frame, key) && frameCounter(frame) === counter;
  }
}
