// The compact wire form of `call` and `ok` (src/wire.ts): a round trip gives back the message,
// with or without binary parts; every other message passes untouched; an array a task posts on
// its own global is not taken for an answer.
import { test } from "node:test";
import assert from "node:assert/strict";
import { packFromWorker, packToWorker, unpackFromWorker, unpackToWorker } from "../../src/wire.ts";
import type { FromWorker, ToWorker } from "../../src/transport.ts";

const call = (b: ArrayBufferView[]): ToWorker => ({
  type: "call",
  id: 7,
  module: "file:///tasks.ts",
  task: "step",
  args: { s: 0, j: "[1,2]", b },
});

test("call: packed flat, unpacked to the same message (parts or none)", () => {
  const none = packToWorker(call([]));
  assert.deepEqual(none, ["cohort:call", 7, "file:///tasks.ts", "step", 0, "[1,2]"]);
  assert.deepEqual(unpackToWorker(none), call([]));
  const part = new Float64Array([1.5, 2.5]);
  const packed = packToWorker(call([part])) as unknown[];
  assert.equal(packed.length, 7);
  const back = unpackToWorker(structuredClone(packed)) as Extract<ToWorker, { type: "call" }>;
  assert.deepEqual(back.args.b, [part]);
  assert.equal(back.id, 7);
});

test("ok: packed flat, unpacked to the same message (parts or none)", () => {
  const ok: FromWorker = { type: "ok", id: 3, value: { s: 1, j: '{"json":1}', b: [] } };
  assert.deepEqual(packFromWorker(ok), ["cohort:ok", 3, 1, '{"json":1}']);
  assert.deepEqual(unpackFromWorker(structuredClone(packFromWorker(ok))), ok);
  const withPart: FromWorker = { ...ok, value: { ...ok.value, b: [new Uint8Array([9])] } };
  assert.deepEqual(unpackFromWorker(structuredClone(packFromWorker(withPart))), withPart);
});

test("other messages pass as they are", () => {
  const put: ToWorker = { type: "put", id: 1, object: 2, value: { s: 0, j: "3", b: [] } };
  assert.equal(packToWorker(put), put);
  assert.equal(unpackToWorker(put), put);
  const err: FromWorker = { type: "err", id: 4, error: { name: "Error", message: "boom" } };
  assert.equal(packFromWorker(err), err);
  assert.equal(unpackFromWorker(err), err);
  assert.deepEqual(unpackFromWorker({ type: "ready" }), { type: "ready" });
});

test("an array that is not one of ours is no answer", () => {
  assert.equal(unpackFromWorker([1, 2, 3]), undefined);
  assert.equal(unpackFromWorker(["ok", 3, 0, "1"]), undefined);
  assert.equal(unpackFromWorker([]), undefined);
  // A pool-side array that is not a packed call reaches the runtime as it is.
  assert.deepEqual(unpackToWorker(["x"]), ["x"]);
});
