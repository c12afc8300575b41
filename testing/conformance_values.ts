/**
 * Conformance: values crossing the transport: every kind SPEC lists both ways,
 * registered classes, shared references and cycles, refusals naming the path,
 * 16 MiB typed arrays.
 *
 * @module
 */
import { after, before, describe } from "node:test";
import type { ConformanceOptions } from "./conformance.ts";
import assert from "node:assert/strict";
import { type Pool, RemoteError } from "../mod.ts";
import { tasks, Unregistered, Vec } from "./conformance_tasks.ts";
import { echoed, harness, MiB } from "./conformance_shared.ts";

/**
 * Registers the "values" conformance tests for one transport (part of
 * `runConformance`, which runs every suite).
 *
 * @param options The pool factory, the adapter's name and optional skips.
 *
 * @example Registers `node:test` cases, so it runs in a test file, not as a doc test
 * ```ts ignore
 * import { createPool } from "@cohort/core";
 * import { valuesSuite } from "./conformance_values.ts";
 *
 * valuesSuite({ name: "in-process", createPool: (o) => createPool({ ...o, adapter: "in-process" }) });
 * ```
 */
export function valuesSuite(options: ConformanceOptions): void {
  const { it, fresh } = harness(options);
  let pool: Pool;

  describe(`conformance: ${options.name}: values`, () => {
    before(async () => {
      pool = await fresh();
    });
    after(async () => {
      await pool?.close();
    });

    // --- Values ---
    it("apply() round-trips every kind of value SPEC lists", async () => {
      const value = {
        json: { s: "text", n: 1.5, b: true, nil: null, list: [1, "two", [3]] },
        undef: undefined,
        big: 2n ** 70n,
        date: new Date("2024-05-06T07:08:09.010Z"),
        re: /a+b/gi,
        map: new Map<unknown, unknown>([["k", 1], [2, { x: [1] }]]),
        set: new Set([1, "a", 3]),
        error: new RangeError("bad range"),
        url: new URL("https://example.org/a?b=c"),
        f64: new Float64Array([1.5, -2, Infinity]),
        f32: new Float32Array([0.5]),
        i8: new Int8Array([-1, 2]),
        u8: new Uint8Array([255]),
        u8c: new Uint8ClampedArray([9]),
        i16: new Int16Array([-3]),
        u16: new Uint16Array([3]),
        i32: new Int32Array([-4]),
        u32: new Uint32Array([4]),
        b64: new BigInt64Array([-5n]),
        bu64: new BigUint64Array([5n]),
        buffer: new Uint8Array([1, 2, 3]).buffer,
        view: new DataView(new Uint8Array([7, 8, 9, 10]).buffer, 1, 2),
        special: [NaN, Infinity, -Infinity, -0],
        vec: new Vec(3, 4),
      };
      const [back] = echoed<(typeof value)[]>(await pool.apply(tasks.echo, value));
      assert.deepEqual(back.json, value.json);
      assert.ok("undef" in back && back.undef === undefined);
      assert.equal(back.big, 2n ** 70n);
      assert.ok(back.date instanceof Date && back.date.getTime() === value.date.getTime());
      assert.ok(back.re instanceof RegExp && back.re.source === "a+b" && back.re.flags === "gi");
      assert.deepEqual(back.map, value.map);
      assert.deepEqual(back.set, value.set);
      assert.ok(back.error instanceof RangeError, "the built-in error class is kept");
      assert.equal(back.error.name, "RangeError");
      assert.equal(back.error.message, "bad range");
      assert.ok(back.url instanceof URL && back.url.href === value.url.href);
      for (
        const k of [
          "f64",
          "f32",
          "i8",
          "u8",
          "u8c",
          "i16",
          "u16",
          "i32",
          "u32",
          "b64",
          "bu64",
        ] as const
      ) {
        assert.equal(back[k].constructor, value[k].constructor, k);
        assert.deepEqual(back[k], value[k], k);
      }
      assert.ok(back.buffer instanceof ArrayBuffer);
      assert.deepEqual([...new Uint8Array(back.buffer)], [1, 2, 3]);
      assert.ok(back.view instanceof DataView);
      assert.deepEqual([back.view.getUint8(0), back.view.getUint8(1), back.view.byteLength], [
        8,
        9,
        2,
      ]);
      assert.ok(Number.isNaN(back.special[0]));
      assert.deepEqual(back.special.slice(1, 3), [Infinity, -Infinity]);
      assert.ok(Object.is(back.special[3], -0));
      assert.ok(back.vec instanceof Vec);
      assert.equal(back.vec.norm(), 5);
    });

    it("apply() delivers values with their types to the worker", async () => {
      const kinds = await pool.applyOnly(tasks.kinds, 0, [
        new Date(),
        new Map(),
        new Set(),
        new Float64Array(1),
        new Uint8Array(1).buffer,
        new DataView(new ArrayBuffer(2)),
        new Vec(1, 1),
        new URL("https://example.org"),
        1n,
        undefined,
      ]);
      assert.deepEqual(kinds, [
        "Date",
        "Map",
        "Set",
        "Float64Array",
        "ArrayBuffer",
        "DataView",
        "Vec",
        "URL",
        "bigint",
        "undefined",
      ]);
    });

    it("registerClass() instances arrive with working methods, both ways", async () => {
      assert.deepEqual(await pool.apply(tasks.norm, new Vec(6, 8)), [10, 10, 10, 10]);
      const made = await pool.applyOnly(tasks.makeVec, 3, 5, 12);
      assert.ok(made instanceof Vec);
      assert.equal(made.norm(), 13);
    });

    it("apply() keeps shared references and cycles", async () => {
      const shared = { n: 1 };
      assert.equal(await pool.applyOnly(tasks.same, 0, shared, shared), true);
      assert.equal(await pool.applyOnly(tasks.same, 0, shared, { n: 1 }), false);
      const cyclic: { n: number; self?: unknown } = { n: 1 };
      cyclic.self = cyclic;
      assert.equal(await pool.applyOnly(tasks.isCycle, 1, cyclic as { self: unknown }), true);
      const back = echoed<typeof cyclic>(await pool.applyOnly(tasks.echo, 1, cyclic));
      assert.equal(back.self, back);
      const [pair] = echoed<(typeof shared)[][]>(await pool.apply(tasks.echo, [shared, shared]));
      assert.equal(pair[0], pair[1]);
    });

    it("apply() refuses unsupported values before sending, naming the path", async () => {
      await pool.apply(tasks.takeLog);
      const cases: [unknown, RegExp][] = [
        [{ model: { solver: () => 1 } }, /^args\[0\]\.model\.solver is a function/],
        [[1, Symbol("s")], /^args\[0\]\[1\] is a symbol/],
        [
          { u: new Unregistered() },
          /^args\[0\]\.u is an instance of the unregistered class Unregistered/,
        ],
        [{ p: Promise.resolve(1) }, /^args\[0\]\.p is a Promise/],
        [{ w: new WeakMap() }, /^args\[0\]\.w is a WeakMap/],
        [new Map([["key", { f: () => 1 }]]), /^args\[0\]\.get\("key"\)\.f is a function/],
        [{ "odd key": [() => 1] }, /^args\[0\]\["odd key"\]\[0\] is a function/],
      ];
      for (const [bad, message] of cases) {
        await assert.rejects(pool.apply(tasks.log, bad), (e: Error) => {
          assert.ok(e instanceof TypeError, e.name);
          assert.match(e.message, message);
          return true;
        });
      }
      assert.deepEqual(await pool.apply(tasks.takeLog), [[], [], [], []], "nothing was sent");
    });

    it("errors as values keep their class, cause, fields and an AggregateError's errors", async () => {
      const cause = new URIError("inner");
      const coded = Object.assign(new TypeError("outer", { cause }), {
        code: "E_BAD",
        at: new Date(5),
      });
      const named = Object.assign(new Error("custom"), { name: "MyError" });
      const many = new AggregateError([new SyntaxError("a"), coded], "many");
      const [back] = echoed<{ coded: typeof coded; named: Error; many: AggregateError }[]>(
        await pool.apply(tasks.echo, { coded, named, many }),
      );
      assert.ok(back.coded instanceof TypeError);
      assert.equal(back.coded.message, "outer");
      assert.equal(back.coded.code, "E_BAD");
      assert.ok(back.coded.at instanceof Date && back.coded.at.getTime() === 5);
      assert.ok(back.coded.cause instanceof URIError);
      assert.equal((back.coded.cause as Error).message, "inner");
      assert.equal(back.named.name, "MyError");
      assert.ok(back.many instanceof AggregateError);
      assert.equal(back.many.message, "many");
      assert.ok(back.many.errors[0] instanceof SyntaxError);
      assert.ok(back.many.errors[1] instanceof TypeError);
      assert.equal((back.many.errors[1] as typeof coded).code, "E_BAD");
    });

    it("apply() rejects a result that cannot be sent back with a RemoteError naming its path", async () => {
      await assert.rejects(pool.applyOnly(tasks.badResult, 0), (e: Error) => {
        assert.ok(e instanceof RemoteError);
        assert.match(e.message, /result\.f is a function .*and cannot be sent back to the pool$/);
        return true;
      });
    });

    it("apply() carries 16 MiB typed arrays both ways", async () => {
      const big = new Float64Array((16 * MiB) / 8);
      for (let i = 0; i < big.length; i++) big[i] = i % 1000;
      const expected = big.reduce((s, x) => s + x, 0);
      assert.deepEqual(await pool.apply(tasks.sum, big), [expected, expected, expected, expected]);
      const back = echoed<Float64Array>(await pool.applyOnly(tasks.echo, 2, big));
      assert.equal(back.length, big.length);
      assert.equal(back[12345], big[12345]);
      assert.notEqual(back, big);
    });
  });
}
