/**
 * Every message type of `src/transport.ts` crosses the NATS framing with
 * each of its data fields as raw bytes: one sample per message type (a new
 * type without a sample fails `deno check`), binary parts in every `Encoded`
 * field, framed, cut into frames, read back frame by frame.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  cutMessage,
  DATA_FIELDS,
  encodeMessage,
  type Message,
  MessageReader,
} from "../adapters/nats/frames.ts";
import type { BinaryPart, Encoded } from "../src/codec.ts";

/** One sample of each message type, keyed by type. */
type Samples = { [T in Message["type"]]: Extract<Message, { type: T }> };

const made = new Set<Encoded>();
let marker = 0;
/** An `Encoded` with three binary parts whose bytes are unique to it. */
function data(): Encoded {
  const m = ++marker;
  const encoded: Encoded = {
    s: 1,
    j: `{"json":[${m}]}`,
    b: [
      new Float64Array([1e300 / m, -m]),
      new Uint8Array([m, 255 - m, 7]),
      new Int32Array([m * 1000003]).buffer,
    ],
  };
  made.add(encoded);
  return encoded;
}

const samples: Samples = {
  init: { type: "init", index: 1, size: 2, seed: 3, poolSeed: 4, modules: ["file:///t.ts"] },
  call: { type: "call", id: 1, module: "file:///t.ts", task: "f", args: data() },
  map: {
    type: "map",
    id: 2,
    module: "file:///t.ts",
    task: "f",
    columns: data(),
    extra: data(),
    first: 5,
  },
  put: { type: "put", id: 3, object: 9, value: data() },
  delete: { type: "delete", id: 4, objects: [9] },
  get: { type: "get", id: 5, object: 9 },
  stats: { type: "stats", id: 6 },
  cancel: { type: "cancel", id: 7 },
  ready: { type: "ready" },
  fail: { type: "fail", error: { name: "Error", message: "no" } },
  ok: { type: "ok", id: 8, value: data() },
  err: { type: "err", id: 9, error: { name: "TypeError", message: "bad" } },
};

function bytes(part: BinaryPart): number[] {
  return ArrayBuffer.isView(part)
    ? [...new Uint8Array(part.buffer, part.byteOffset, part.byteLength)]
    : [...new Uint8Array(part)];
}

/** Frames `message` into frames of at most 40 bytes and reads it back. */
function acrossFrames(message: Message): { back: Message; header: string } {
  const framed = encodeMessage(message);
  const reader = new MessageReader(framed.length);
  let back: Message | null = null;
  for (const { frame } of cutMessage(framed, 40, 0)) back = reader.push(frame);
  assert.ok(back, `${message.type} came back whole`);
  return { back, header: new TextDecoder().decode(framed.segments[1]) };
}

test("every message type crosses NATS framing with its data fields as raw bytes", () => {
  let fields = 0;
  for (const [type, message] of Object.entries(samples) as [string, Message][]) {
    const { back, header } = acrossFrames(message);
    const sent = message as unknown as Record<string, unknown>;
    const got = back as unknown as Record<string, unknown>;
    assert.deepEqual(Object.keys(got).sort(), Object.keys(sent).sort(), type);
    for (const [key, value] of Object.entries(sent)) {
      if (!made.has(value as Encoded)) {
        assert.deepEqual(got[key], value, `${type}.${key}`);
        continue;
      }
      fields++;
      assert.ok(key in DATA_FIELDS, `${type}.${key} is a data field`);
      const a = value as Encoded, b = got[key] as Encoded;
      assert.equal(b.s, a.s, `${type}.${key}.s`);
      assert.equal(b.j, a.j, `${type}.${key}.j`);
      assert.equal(b.b.length, a.b.length, `${type}.${key}: every part came back`);
      for (let i = 0; i < a.b.length; i++) {
        const tag = (x: unknown) => Object.prototype.toString.call(x);
        assert.equal(tag(b.b[i]), tag(a.b[i]), `${type}.${key} part ${i} keeps its kind`);
        assert.deepEqual(bytes(b.b[i]), bytes(a.b[i]), `${type}.${key} part ${i} bytes`);
      }
      // Not in the JSON header: neither the field nor its numbers.
      assert.ok(!header.includes(`"${key}"`) || header.includes(`"k":"${key}"`), header);
      assert.ok(!header.includes(String(1e300 / Number(JSON.parse(a.j).json[0]))), header);
    }
  }
  assert.equal(fields, made.size, "every data field of every sample was checked");
  assert.equal(fields, 5);
});

test("encodeMessage() refuses binary data in a field the framing does not carry as data", () => {
  const odd = { type: "ok", id: 1, value: data(), more: data() } as unknown as Message;
  assert.throws(() => encodeMessage(odd), /field 'more' of a ok message carries binary data/);
});
