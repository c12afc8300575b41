import { before, test } from "node:test";
import assert from "node:assert/strict";
import { decode, encode, loadCodec } from "../src/codec.ts";
import { immutable, isImmutable } from "../mod.ts";

const MiB = 1024 * 1024;

before(() => loadCodec());

test("encode() carries a 16 MiB Float64Array as one binary part, never as JSON numbers", () => {
  const big = new Float64Array((16 * MiB) / 8).map((_, i) => i * 0.5);
  const { encoded } = encode({ big, label: "x" }, "args");
  assert.equal(encoded.s, 1);
  assert.ok(encoded.j.length < 1_000, `JSON text is ${encoded.j.length} chars`);
  assert.ok(!/\d+\.5,\d+/.test(encoded.j), "no number list in the JSON");
  assert.equal(encoded.b.length, 1);
  assert.equal(encoded.b[0], big, "the whole array is passed as is, for structured clone");
  const back = decode(encoded) as { big: Float64Array; label: string };
  assert.equal(back.big.length, big.length);
  assert.equal(back.big[123_457], 123_457 * 0.5);
  assert.equal(back.label, "x");
});

test("encode() copies a partial view into a fresh buffer that may be transferred", () => {
  const whole = new Float64Array(1_000);
  const part = whole.subarray(10, 20);
  part.fill(3);
  const { encoded, fresh } = encode(part, "args");
  assert.equal(fresh.length, 1);
  assert.equal(fresh[0].byteLength, 80, "only the view's bytes, not the whole buffer");
  assert.deepEqual(Array.from(decode(encoded) as Float64Array), Array(10).fill(3));
});

test("encode() sends plain JSON without superjson", () => {
  const { encoded } = encode({ a: [1, 2, { b: "c" }], d: null }, "args");
  assert.equal(encoded.s, 0);
  assert.equal(encoded.j, '{"a":[1,2,{"b":"c"}],"d":null}');
  assert.deepEqual(decode(encoded), { a: [1, 2, { b: "c" }], d: null });
});

test("encode() keeps one copy of a typed array referenced twice", () => {
  const xs = new Float64Array([1, 2]);
  const { encoded } = encode([xs, { again: xs }], "args");
  assert.equal(encoded.b.length, 1);
  const [a, b] = decode(encoded) as [Float64Array, { again: Float64Array }];
  assert.equal(a, b.again);
});

test("encode() refuses unsendable values with a TypeError naming the path", () => {
  assert.throws(() => encode([1, { model: { solver: () => 0 } }], "args"), {
    name: "TypeError",
    message: /^args\[1\]\.model\.solver is a function/,
  });
  assert.throws(() => encode(new Set([Symbol("s")]), "value"), {
    message: /^value\.<item 0> is a symbol/,
  });
});

test("immutable() deep-freezes and marks, typed arrays included", () => {
  const value = immutable({
    a: { b: [1, 2] },
    m: new Map([["k", { z: 1 }]]),
    xs: new Float64Array(2),
  });
  assert.ok(Object.isFrozen(value) && Object.isFrozen(value.a.b));
  assert.ok(Object.isFrozen(value.m.get("k")));
  assert.ok(isImmutable(value.xs));
  assert.throws(() => {
    (value.a as { b: number[] }).b = [];
  }, TypeError);
  assert.equal(immutable(5), 5);
});
