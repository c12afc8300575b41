/**
 * Conformance: values at the edges. Keys superjson refuses travel, invalid
 * Dates stay invalid, and values that cannot travel (too deep, detached) are
 * refused before anything is sent, naming the argument.
 *
 * @module
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import type { Pool } from "../mod.ts";
import type { ConformanceOptions } from "./conformance.ts";
import { tasks } from "./stream_tasks.ts";

/**
 * Registers the edge-value tests for one transport.
 *
 * @param options The pool factory, the adapter's name and optional skips.
 */
export function edgesSuite(options: ConformanceOptions): void {
  const { name, skip = {}, timeout = 60_000 } = options;
  const it = (title: string, fn: () => Promise<void>) =>
    test(title, { timeout, skip: skip[title] ?? false }, fn);
  let pool: Pool;

  describe(`conformance: ${name}: values at the edges`, () => {
    before(async () => {
      pool = await options.createPool({ workers: 2 });
    });
    after(async () => {
      await pool?.close();
    });

    it("keys constructor, prototype and __proto__ travel like any other key", async () => {
      const value = JSON.parse('{"__proto__": {"x": 1}, "constructor": 2, "prototype": "p"}');
      value.when = new Date(0); // not plain JSON: superjson carries it
      value.nested = { constructor: 1n, "~constructor": "tilde" };
      const back = await pool.applyOnly(tasks.same, 1, value) as Record<string, unknown>;
      assert.deepEqual(Object.keys(back).sort(), [
        "__proto__",
        "constructor",
        "nested",
        "prototype",
        "when",
      ]);
      assert.equal(Object.getPrototypeOf(back), Object.prototype, "no prototype was set");
      assert.deepEqual(Object.getOwnPropertyDescriptor(back, "__proto__")?.value, { x: 1 });
      assert.equal(back.constructor, 2);
      assert.equal(back.prototype, "p");
      assert.deepEqual(back.nested, { constructor: 1n, "~constructor": "tilde" });
      assert.deepEqual(back.when, new Date(0));
    });

    it("an invalid Date stays an invalid Date", async () => {
      const value: [Date, Date[]] = [new Date(NaN), [new Date(NaN)]];
      const [back, list] = await pool.applyOnly(tasks.same, 0, value) as [Date, Date[]];
      assert.ok(back instanceof Date && Number.isNaN(back.getTime()), String(back));
      assert.ok(list[0] instanceof Date && Number.isNaN(list[0].getTime()));
    });

    it("a value nested too deep is refused with a RangeError naming the argument", async () => {
      let deep: unknown = 1;
      for (let i = 0; i < 5_000; i++) deep = { next: deep };
      await assert.rejects(pool.apply(tasks.same, deep), (e: Error) => {
        assert.ok(e instanceof RangeError, String(e));
        assert.match(e.message, /^args\[0\] is nested more than 1000 levels deep/);
        return true;
      });
      assert.deepEqual(await pool.apply(tasks.where), [0, 1], "nothing was sent");
    });

    it("a detached buffer is refused with a TypeError naming its path", async () => {
      const xs = new Float64Array(4);
      structuredClone(xs.buffer, { transfer: [xs.buffer] });
      await assert.rejects(pool.apply(tasks.same, { xs }), (e: Error) => {
        assert.ok(e instanceof TypeError, String(e));
        assert.match(e.message, /^args\[0\]\.xs is a Float64Array whose buffer was detached/);
        return true;
      });
      await assert.rejects(
        pool.push(xs.buffer),
        /^TypeError: value is an ArrayBuffer whose buffer was detached/,
      );
    });
  });
}
