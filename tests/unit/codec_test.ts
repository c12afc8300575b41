// Codec round trips: keys superjson refuses, invalid Dates, identity, references, and the
// message when a plain array is too large for JSON.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { decode, encode, encodeWalked, loadCodec } from "../../src/codec.ts";

const roundTrip = <T>(value: T): T => decode(encode(value, "args").encoded) as T;

describe("codec", () => {
  before(() => loadCodec());

  test("plain JSON travels as JSON (s: 0), anything else through superjson (s: 1)", () => {
    assert.equal(encode({ a: [1, "b", null] }, "args").encoded.s, 0);
    assert.equal(encode({ a: [1, "b", null] }, "args").encoded.j, '{"a":[1,"b",null]}');
    assert.equal(decode(encode(undefined, "result").encoded), undefined);
    assert.equal(encode({ d: new Date(0) }, "args").encoded.s, 1);
  });

  test("keys constructor, __proto__, prototype and ~escaped ones travel as own data keys", () => {
    const value = JSON.parse(
      '{"constructor": 1, "__proto__": {"polluted": true}, "prototype": [3],' +
        ' "~constructor": 4, "~~prototype": 5, "plain": {"constructor": "inner"}}',
    );
    value.date = new Date(0); // forces superjson
    const { encoded } = encode(value, "args");
    assert.equal(encoded.s, 2, "escaped");
    const back = decode(encoded) as Record<string, unknown>;
    assert.deepEqual(Object.keys(back).sort(), [
      "__proto__",
      "constructor",
      "date",
      "plain",
      "prototype",
      "~constructor",
      "~~prototype",
    ]);
    assert.equal(back.constructor, 1);
    assert.deepEqual(Object.getOwnPropertyDescriptor(back, "__proto__")?.value, { polluted: true });
    assert.equal(Object.getPrototypeOf(back), Object.prototype, "no prototype was set");
    assert.equal(({} as Record<string, unknown>).polluted, undefined, "nothing polluted");
    assert.deepEqual(back.prototype, [3]);
    assert.equal(back["~constructor"], 4);
    assert.equal(back["~~prototype"], 5);
    assert.deepEqual(back.plain, { constructor: "inner" });
    assert.equal(value.constructor, 1, "the caller's object is not changed");
    assert.ok(!("~constructor~" in value));
  });

  test("risky keys inside Maps, Sets and arrays travel too", () => {
    const inner = JSON.parse('{"__proto__": 1}');
    const back = roundTrip({ m: new Map([["k", inner]]), s: new Set([inner]), a: [inner] });
    const fromMap = back.m.get("k") as Record<string, unknown>;
    assert.equal(Object.getOwnPropertyDescriptor(fromMap, "__proto__")?.value, 1);
    assert.equal([...back.s][0], fromMap, "one object, shared");
    assert.equal(back.a[0], fromMap);
  });

  test("an invalid Date stays an invalid Date", () => {
    const back = roundTrip({ bad: new Date(NaN), good: new Date(5) });
    assert.ok(back.bad instanceof Date);
    assert.ok(Number.isNaN(back.bad.getTime()));
    assert.equal(back.good.getTime(), 5);
  });

  test("cycles and shared references keep their identity", () => {
    const shared = { n: 1 };
    const cyclic: Record<string, unknown> = { shared, other: shared };
    cyclic.self = cyclic;
    const back = roundTrip(cyclic);
    assert.equal(back.self, back);
    assert.equal(back.shared, back.other);
    assert.deepEqual(back.shared, { n: 1 });
  });

  test("binary parts travel beside the JSON; a partial view is copied to a fresh buffer", () => {
    const whole = new Float64Array(100).map((_, i) => i);
    const { encoded, fresh } = encode({ part: whole.subarray(10, 13), whole }, "args");
    assert.equal(encoded.b.length, 2);
    assert.equal(fresh.length, 1);
    assert.equal(fresh[0].byteLength, 24);
    assert.ok(!encoded.j.includes("99"), "no numbers in the JSON");
    const back = decode(encoded) as { part: Float64Array; whole: Float64Array };
    assert.deepEqual([...back.part], [10, 11, 12]);
    assert.equal(back.whole[99], 99);
  });

  test("references: the walk's refs go out as ids and come back through deref", () => {
    const model = { big: true };
    const { encoded } = encode({ model, list: [model] }, "args", {
      refOf: (o) => (o === model ? 42 : undefined),
    });
    assert.ok(!encoded.j.includes("big"), "the referenced value itself is not sent");
    const seen: number[] = [];
    const back = decode(encoded, { deref: (id) => (seen.push(id), `stored ${id}`) }) as {
      model: string;
      list: string[];
    };
    assert.equal(back.model, "stored 42");
    assert.deepEqual(back.list, ["stored 42"]);
    assert.ok(seen.every((id) => id === 42));
    assert.throws(() => decode(encoded), /unexpected reference to remote object 42/);
  });

  test("JSON out of room names the longest plain array and suggests a typed array", () => {
    // What JSON.stringify throws past the engine's string limit, without building 512 MB:
    // a toJSON that throws it (the walk result says where the long array is).
    const value = {
      toJSON() {
        throw new RangeError("Invalid string length");
      },
    };
    const walk = {
      refs: new Map(),
      special: false,
      escape: false,
      longest: { path: "args[0].xs", length: 30_000_000 },
    };
    assert.throws(() => encodeWalked(value, walk, "args"), (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.equal(
        e.message,
        "args[0].xs (a plain array of 30000000 items) is too large to encode as JSON; " +
          "send numbers as a typed array (e.g. Float64Array), which travels as binary data",
      );
      assert.ok(e.cause instanceof RangeError);
      return true;
    });
    assert.throws(
      () => encodeWalked(value, { ...walk, longest: null }, "result"),
      /^RangeError: result is too large to encode as JSON; send numbers as a typed array/,
    );
    const other = {
      toJSON: () => {
        throw new RangeError("something else");
      },
    };
    assert.throws(() => encodeWalked(other, walk, "args"), /^RangeError: something else$/);
  });

  test("a class nobody registered in this thread is named, with what to do", () => {
    const doc = { json: { x: 1 }, meta: { values: [["class", "no.such.Vec"]], v: 1 } };
    assert.throws(
      () => decode({ s: 1, j: JSON.stringify(doc), b: [] }),
      (e: Error) => {
        assert.ok(e instanceof TypeError, String(e));
        assert.match(e.message, /^class "no\.such\.Vec" is not registered in this thread/);
        assert.match(e.message, /createPool\(\{ modules \}\)/);
        return true;
      },
    );
  });
});
