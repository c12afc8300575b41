/**
 * Binary framing of pool and worker messages for NATS: a message's JSON
 * skeleton, then each `Encoded` value's JSON text and binary parts as raw
 * bytes, each part tagged with its kind (which typed array, DataView,
 * ArrayBuffer or SharedArrayBuffer). No binary data ever becomes a JSON
 * number list.
 *
 * Which fields carry encoded data is derived from the message types in
 * `src/transport.ts`: {@linkcode DataField} is every key whose type is
 * `Encoded`, and {@linkcode DATA_FIELDS} must list exactly those keys or
 * `deno check` fails. A field outside it that still holds binary data is
 * refused at run time rather than sent as JSON.
 *
 * Layout: `u32 header length (LE) | header JSON | body`, where the header is
 * `{ m: message without its Encoded fields, e: [{ k, s, j, b: [[kind, bytes]] }] }`
 * and the body holds, per `e` entry in order, the UTF-8 JSON text and then
 * each part's bytes.
 *
 * @module
 */
import type { Encoded } from "../../src/codec.ts";
import { allocatePart, bytesOf, kindOf } from "./parts.ts";
import type { FromWorker, ToWorker } from "../../src/transport.ts";

/** A message either way. */
export type Message = ToWorker | FromWorker;

/** A message as byte segments, to be cut into frames without joining them first. */
export interface MessageBytes {
  /** The segments, in order. */
  segments: Uint8Array[];
  /** Their total length. */
  length: number;
}

/** The keys of `M` (each member of a union alike) whose values are `Encoded`. */
type EncodedKeys<M> = M extends unknown
  ? { [K in keyof M]-?: NonNullable<M[K]> extends Encoded ? K : never }[keyof M]
  : never;

/** Every message field that carries encoded data, derived from the message types. */
export type DataField = EncodedKeys<Message>;

/**
 * The data fields as a record: a field missing from it, or one that is not
 * `Encoded` in any message type, fails `deno check`.
 */
export const DATA_FIELDS: { readonly [K in DataField]: true } = {
  args: true,
  columns: true,
  extra: true,
  value: true,
};
const FIELDS = Object.keys(DATA_FIELDS) as DataField[];

interface FieldHeader {
  k: string;
  s: Encoded["s"];
  j: number;
  b: [string, number][];
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * The buffers of a message's binary parts that `postMessage` can transfer
 * (each part read off NATS has a buffer of its own).
 *
 * @param message The message.
 * @returns The distinct `ArrayBuffer`s of its data fields' parts.
 */
export function transferList(message: Message): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  const fields = message as unknown as Partial<Record<DataField, Encoded>>;
  for (const key of FIELDS) {
    for (const part of fields[key]?.b ?? []) {
      const buffer = ArrayBuffer.isView(part) ? part.buffer : part;
      if (buffer instanceof ArrayBuffer && !out.includes(buffer)) out.push(buffer);
    }
  }
  return out;
}

/**
 * Turns a message into byte segments. Binary parts are not copied here; the
 * framer copies each byte once, into the frames.
 *
 * @param message The message.
 * @returns Its segments and total length.
 */
export function encodeMessage(message: Message): MessageBytes {
  const rest: Record<string, unknown> = { ...message };
  for (const k in rest) {
    const v = rest[k] as Partial<Encoded> | null;
    if (
      !(k in DATA_FIELDS) && typeof v === "object" && v !== null && Array.isArray(v.b) &&
      v.b.length > 0
    ) {
      throw new TypeError(`field '${k}' of a ${message.type} message carries binary data`);
    }
  }
  const fields: FieldHeader[] = [];
  const body: Uint8Array[] = [];
  for (const k of FIELDS) {
    const value = rest[k] as Encoded | undefined;
    if (value === undefined) continue;
    delete rest[k];
    const text = encoder.encode(value.j);
    body.push(text);
    const parts: [string, number][] = [];
    for (const part of value.b) {
      const bytes = bytesOf(part);
      parts.push([kindOf(part), bytes.byteLength]);
      body.push(bytes);
    }
    fields.push({ k, s: value.s, j: text.byteLength, b: parts });
  }
  const header = encoder.encode(JSON.stringify({ m: rest, e: fields }));
  const prefix = new Uint8Array(4);
  new DataView(prefix.buffer).setUint32(0, header.byteLength, true);
  const segments = [prefix, header, ...body];
  let length = 0;
  for (const s of segments) length += s.byteLength;
  return { segments, length };
}

/**
 * Cuts a message into frames of at most `room` message bytes each, copying
 * each byte once; each frame starts with `header` free bytes for the caller.
 *
 * @param message The message's segments.
 * @param room Message bytes per frame.
 * @param header Bytes to leave free at the start of each frame.
 * @returns The frames, with whether each is the first or the last.
 */
export function* cutMessage(
  message: MessageBytes,
  room: number,
  header: number,
): Generator<{ frame: Uint8Array; first: boolean; last: boolean }> {
  let segment = 0;
  let offset = 0;
  let left = message.length;
  let first = true;
  while (left > 0 || first) {
    const n = Math.min(room, left);
    const frame = new Uint8Array(header + n);
    let at = header;
    while (at < frame.byteLength) {
      const s = message.segments[segment];
      const take = Math.min(s.byteLength - offset, frame.byteLength - at);
      frame.set(s.subarray(offset, offset + take), at);
      at += take;
      offset += take;
      if (offset === s.byteLength) {
        segment++;
        offset = 0;
      }
    }
    left -= n;
    yield { frame, first, last: left === 0 };
    first = false;
  }
}

/**
 * Rebuilds a message from its bytes, as they arrive frame by frame: each
 * binary part gets a buffer of its own, of exactly its size, and the bytes
 * are copied straight into it (the message is never joined in one piece).
 */
export class MessageReader {
  #total: number;
  #seen = 0;
  #stage: "length" | "header" | "body" = "length";
  #head = new Uint8Array(4);
  #headFill = 0;
  #message: Record<string, unknown> = {};
  #texts: [Record<string, unknown>, Uint8Array][] = [];
  #targets: Uint8Array[] = [];
  #target = 0;
  #fill = 0;

  /** @param total The message's length in bytes. */
  constructor(total: number) {
    this.#total = total;
  }

  /**
   * Takes the next bytes of the message.
   *
   * @param chunk The bytes (copied; the caller may reuse them).
   * @returns The message once its last byte arrived, else `null`.
   * @throws {TypeError} If the bytes are not a framed message.
   */
  push(chunk: Uint8Array): Message | null {
    this.#seen += chunk.byteLength;
    if (this.#seen > this.#total) throw new TypeError("message longer than announced");
    let at = 0;
    while (at < chunk.byteLength) {
      if (this.#stage === "body") {
        while (this.#targets[this.#target]?.byteLength === 0) this.#target++;
        const target = this.#targets[this.#target];
        if (!target) throw new TypeError("message longer than its header says");
        const n = Math.min(target.byteLength - this.#fill, chunk.byteLength - at);
        target.set(chunk.subarray(at, at + n), this.#fill);
        at += n;
        this.#fill += n;
        if (this.#fill === target.byteLength) {
          this.#target++;
          this.#fill = 0;
        }
        continue;
      }
      const n = Math.min(this.#head.byteLength - this.#headFill, chunk.byteLength - at);
      this.#head.set(chunk.subarray(at, at + n), this.#headFill);
      at += n;
      this.#headFill += n;
      if (this.#headFill < this.#head.byteLength) continue;
      if (this.#stage === "length") {
        const length = new DataView(this.#head.buffer).getUint32(0, true);
        if (4 + length > this.#total) throw new TypeError("truncated message header");
        this.#head = new Uint8Array(length);
        this.#headFill = 0;
        this.#stage = "header";
      } else {
        this.#start(JSON.parse(decoder.decode(this.#head)));
        this.#stage = "body";
      }
    }
    return this.#seen === this.#total ? this.#finish() : null;
  }

  #start(header: { m: Record<string, unknown>; e: FieldHeader[] }): void {
    this.#message = header.m;
    for (const field of header.e) {
      const text = new Uint8Array(field.j);
      const encoded: Record<string, unknown> = { s: field.s, j: "", b: [] };
      this.#targets.push(text);
      this.#texts.push([encoded, text]);
      encoded.b = field.b.map(([kind, length]) => {
        const { part, bytes } = allocatePart(kind, length);
        this.#targets.push(bytes);
        return part;
      });
      this.#message[field.k] = encoded;
    }
  }

  #finish(): Message {
    while (this.#targets[this.#target]?.byteLength === 0) this.#target++;
    if (this.#stage !== "body" || this.#target < this.#targets.length) {
      throw new TypeError("truncated message");
    }
    for (const [encoded, text] of this.#texts) encoded.j = decoder.decode(text);
    return this.#message as unknown as Message;
  }
}

/**
 * Rebuilds a message from all its bytes at once.
 *
 * @param bytes The whole message.
 * @returns The message.
 * @throws {TypeError} If the bytes are not a framed message.
 */
export function decodeMessage(bytes: Uint8Array): Message {
  const message = new MessageReader(bytes.byteLength).push(bytes);
  if (!message) throw new TypeError("truncated message");
  return message;
}
