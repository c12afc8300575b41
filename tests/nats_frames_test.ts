/**
 * The NATS adapter's binary framing, without a server: every binary kind
 * survives as itself, as raw bytes (never JSON numbers).
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { decodeMessage, encodeMessage, type Message } from "../adapters/nats/frames.ts";
import type { BinaryPart, Encoded } from "../src/codec.ts";

function roundTrip(message: Message): Message {
  const { segments, length } = encodeMessage(message);
  const bytes = new Uint8Array(length);
  let at = 0;
  for (const s of segments) {
    bytes.set(s, at);
    at += s.byteLength;
  }
  return decodeMessage(bytes);
}

test("encodeMessage() keeps each binary part's kind and bytes", () => {
  const parts: BinaryPart[] = [
    new Int8Array([-1, 2]),
    new Uint8Array([1, 2, 3]),
    new Uint8ClampedArray([255]),
    new Int16Array([-3]),
    new Uint16Array([4]),
    new Int32Array([-5]),
    new Uint32Array([6]),
    new Float32Array([1.5]),
    new Float64Array([Math.PI, -0]),
    new BigInt64Array([-7n]),
    new BigUint64Array([8n]),
    new DataView(new Uint8Array([9, 10]).buffer),
    new Uint8Array([11, 12]).buffer,
    ...(typeof SharedArrayBuffer === "function" ? [new SharedArrayBuffer(3)] : []),
  ];
  const v: Encoded = { s: 1, j: '{"json":[0]}', b: parts };
  const back = roundTrip({ type: "ok", id: 7, value: v }) as {
    type: string;
    id: number;
    value: Encoded;
  };
  assert.equal(back.type, "ok");
  assert.equal(back.id, 7);
  assert.equal(back.value.j, v.j);
  assert.equal(back.value.b.length, parts.length);
  for (let i = 0; i < parts.length; i++) {
    const a = parts[i], b = back.value.b[i];
    assert.equal(Object.prototype.toString.call(b), Object.prototype.toString.call(a));
    const bytes = (x: BinaryPart) =>
      ArrayBuffer.isView(x)
        ? [...new Uint8Array(x.buffer, x.byteOffset, x.byteLength)]
        : [...new Uint8Array(x)];
    assert.deepEqual(bytes(b), bytes(a), `part ${i}`);
    const buffer = ArrayBuffer.isView(b) ? b.buffer : b;
    assert.equal(buffer.byteLength, a.byteLength, `part ${i} has a buffer of its own size`);
  }
});

test("encodeMessage() sends binary data as bytes, not JSON numbers", () => {
  const data = new Float64Array(1000).fill(0.1);
  const { segments, length } = encodeMessage({
    type: "put",
    id: 1,
    object: 2,
    value: { s: 1, j: "{}", b: [data] },
  });
  assert.ok(length < data.byteLength + 200, `${length} bytes for ${data.byteLength}`);
  const header = new TextDecoder().decode(segments[1]);
  assert.ok(!header.includes("0.1"), header);
});

test("decodeMessage() carries map columns, extra arguments and UTF-8 text", () => {
  const a: Encoded = { s: 0, j: '[["ä","😀"]]', b: [] };
  const x: Encoded = { s: 1, j: '{"json":[1]}', b: [new Uint16Array([1, 2])] };
  const back = roundTrip({
    type: "map",
    id: 3,
    module: "file:///t.ts",
    task: "f",
    columns: a,
    extra: x,
    first: 0,
  });
  assert.deepEqual(
    { ...back, extra: { ...(back as { extra: Encoded }).extra, b: [] } },
    {
      type: "map",
      id: 3,
      module: "file:///t.ts",
      task: "f",
      columns: a,
      extra: { ...x, b: [] },
      first: 0,
    },
  );
  assert.deepEqual([...((back as { extra: Encoded }).extra.b[0] as Uint16Array)], [1, 2]);
});

test("decodeMessage() rejects truncated bytes with a TypeError", () => {
  const { segments } = encodeMessage({ type: "ok", id: 1, value: { s: 0, j: "1", b: [] } });
  assert.throws(() => decodeMessage(segments[0]), TypeError);
  assert.throws(() => decodeMessage(new Uint8Array(2)), TypeError);
});
