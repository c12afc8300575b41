// The value walk: what it refuses (naming the path), what it flags, the depth limit.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { isDetached, MAX_DEPTH, walkValue } from "../../src/walk.ts";
import { registerClass } from "../../src/classes.ts";

class Point {
  constructor(public x = 0) {}
}
registerClass(Point, "cohort.unit.walk.Point");
class Stranger {}

const refused = (value: unknown, message: RegExp, type: ErrorConstructor = TypeError) =>
  assert.throws(() => walkValue(value, "args[0]", {}), (e: Error) => {
    assert.ok(e instanceof type, `${e.name}: ${e.message}`);
    assert.match(e.message, message);
    return true;
  });

describe("walk", () => {
  test("plain JSON needs no superjson; anything beyond it does", () => {
    const plain = walkValue({ a: [1, "two", true, null, { b: 2.5 }] }, "x", {});
    assert.deepEqual(plain, { refs: new Map(), special: false, escape: false, longest: null });
    const special: unknown[] = [
      undefined,
      1n,
      NaN,
      Infinity,
      -0,
      new Date(0),
      /a/,
      new URL("https://a.example"),
      new Map(),
      new Set(),
      new Error("e"),
      new Float64Array(1),
      new ArrayBuffer(1),
      new Point(),
    ];
    for (const v of special) {
      assert.equal(walkValue({ v }, "x", {}).special, true, String(v));
    }
  });

  test("shared references and cycles are allowed and flagged special", () => {
    const shared = { n: 1 };
    assert.equal(walkValue([shared, shared], "x", {}).special, true);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(walkValue(cyclic, "x", {}).special, true);
  });

  test("refusals name the path: properties, indices, odd keys, Map entries, Set items", () => {
    refused({ model: { solver: () => 1 } }, /^args\[0\]\.model\.solver is a function/);
    refused([1, Symbol("s")], /^args\[0\]\[1\] is a symbol/);
    refused({ "odd key": [() => 1] }, /^args\[0\]\["odd key"\]\[0\] is a function/);
    refused(new Map([["key", { f: () => 1 }]]), /^args\[0\]\.get\("key"\)\.f is a function/);
    refused(new Map([[() => 1, 1]]), /^args\[0\]\.<key 0> is a function/);
    refused(new Map([[{}, () => 1]]), /^args\[0\]\.get\(<key 0>\) is a function/);
    refused(new Set([1, () => 1]), /^args\[0\]\.<item 1> is a function/);
    refused(new Error("e", { cause: () => 1 }), /^args\[0\]\.cause is a function/);
    refused({ p: Promise.resolve(1) }, /^args\[0\]\.p is a Promise \(await it first\)/);
    refused({ w: new WeakMap() }, /^args\[0\]\.w is a WeakMap/);
    refused({ w: new WeakSet() }, /^args\[0\]\.w is a WeakSet/);
    refused(
      { u: new Stranger() },
      /^args\[0\]\.u is an instance of the unregistered class Stranger; register it with registerClass\(Stranger, "some\.id"\)/,
    );
    refused({ f: () => 1 }, /cannot be sent to a worker$/);
  });

  test("the offset shifts the index right below the root (map's items)", () => {
    assert.throws(
      () => walkValue([[1, () => 1]], "columns", {}, 10),
      /^TypeError: columns\[0\]\[11\] is a function/,
    );
  });

  test("a registered class walks its fields", () => {
    assert.throws(
      () => walkValue(Object.assign(new Point(), { f: () => 1 }), "v", {}),
      /^TypeError: v\.f is a function/,
    );
  });

  test(`a value nested more than MAX_DEPTH (${MAX_DEPTH}) levels is a RangeError naming the root`, () => {
    let deep: unknown = 0;
    for (let i = 0; i < MAX_DEPTH + 1; i++) deep = [deep];
    // The path names the argument only (a path 1,000 keys long would be unreadable).
    assert.throws(() => walkValue([1, deep], "args", {}), (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.match(
        e.message,
        new RegExp(`^args\\[1\\] is nested more than ${MAX_DEPTH} levels deep.*flatten it`),
      );
      return true;
    });
    let ok: unknown = 0;
    for (let i = 0; i < MAX_DEPTH - 1; i++) ok = { ok };
    assert.equal(walkValue(ok, "v", {}).special, false);
  });

  test("a typed array or buffer whose buffer was detached is refused", () => {
    const buffer = new ArrayBuffer(8);
    const view = new Float64Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    assert.equal(isDetached(buffer), true);
    assert.equal(isDetached(new ArrayBuffer(0)), false, "empty is not detached");
    refused({ view }, /^args\[0\]\.view is a Float64Array whose buffer was detached/);
    refused({ buffer }, /^args\[0\]\.buffer is an ArrayBuffer whose buffer was detached/);
  });

  test("risky keys (__proto__, constructor, prototype, ~escaped) set the escape flag", () => {
    for (const key of ["constructor", "prototype", "__proto__", "~constructor", "~~prototype"]) {
      const o = JSON.parse(`{"${key}": 1}`);
      assert.equal(walkValue({ o }, "v", {}).escape, true, key);
    }
    for (const key of ["constructors", "proto", "a~constructor"]) {
      assert.equal(walkValue({ [key]: 1 }, "v", {}).escape, false, key);
    }
  });

  test("plain arrays of a million items or more are remembered as the longest", () => {
    const big = new Array(1_000_000).fill(0);
    const result = walkValue({ small: [1], big }, "args[0]", {});
    assert.deepEqual(result.longest, { path: "args[0].big", length: 1_000_000 });
    assert.equal(walkValue([1, 2], "v", {}).longest, null);
  });

  test("hooks: refOf turns an object into a reference", () => {
    const model = { data: [1] };
    const result = walkValue({ model }, "v", { refOf: (o) => (o === model ? 7 : undefined) });
    assert.equal(result.refs.get(model), 7);
    assert.equal(result.special, true);
  });
});
