/**
 * Conformance: `map` and `mapWith`: order, extra arguments, chunking, refusals,
 * load balancing, aborts and failing items.
 *
 * @module
 */
import { after, before, describe } from "node:test";
import type { ConformanceOptions } from "./conformance.ts";
import assert from "node:assert/strict";
import { type Pool, RemoteError } from "../mod.ts";
import { tasks } from "./conformance_tasks.ts";
import { harness } from "./conformance_shared.ts";

/**
 * Registers the "map" conformance tests for one transport (part of
 * `runConformance`, which runs every suite).
 *
 * @param options The pool factory, the adapter's name and optional skips.
 *
 * @example Registers `node:test` cases, so it runs in a test file, not as a doc test
 * ```ts ignore
 * import { createPool } from "@cohort/core";
 * import { mapSuite } from "./conformance_map.ts";
 *
 * mapSuite({ name: "in-process", createPool: (o) => createPool({ ...o, adapter: "in-process" }) });
 * ```
 */
export function mapSuite(options: ConformanceOptions): void {
  const { it, fresh } = harness(options);
  let pool: Pool;

  describe(`conformance: ${options.name}: map`, () => {
    before(async () => {
      pool = await fresh();
    });
    after(async () => {
      await pool?.close();
    });

    // --- map ---
    it("map() returns results in input order", async () => {
      const xs = Array.from({ length: 13 }, (_, i) => i);
      const ys = xs.map((x) => 100 * x);
      assert.deepEqual(await pool.map(tasks.add, [xs, ys]), xs.map((x) => 101 * x));
      assert.deepEqual(await pool.map(tasks.add, [[1, 2, 3], [10, 20, 30]]), [11, 22, 33]);
    });

    it("map() passes extra arguments after the sequence items", async () => {
      assert.deepEqual(await pool.map(tasks.add, [[1, 2, 3]], 100), [101, 102, 103]);
      assert.deepEqual(await pool.map(tasks.add3, [[1, 2], [10, 20]], 1000), [1011, 1022]);
    });

    it("map() calls the task for a hole in a sequence too, and its result has none", async () => {
      // deno-lint-ignore no-sparse-arrays
      const sparse = [1, , 3] as number[];
      for (const view of [pool, pool.with({ chunkSize: 1 })]) {
        const r = await view.map(tasks.add, [sparse], 10);
        assert.deepEqual(r, [11, NaN, 13]);
        assert.ok(1 in r, "no hole in the result");
      }
    });

    it("map() splits into one contiguous chunk per worker by default", async () => {
      const where = await pool.map(tasks.failOn, [Array(5).fill([])], "");
      // failOn returns the worker index: 5 items on 4 workers are 2, 2, 1, 0.
      assert.deepEqual(where, [0, 0, 1, 1, 2]);
    });

    it("map() accepts typed arrays as sequences", async () => {
      const xs = Float64Array.from([1, 2, 3, 4, 5]);
      assert.deepEqual(await pool.map(tasks.add, [xs], 0.5), [1.5, 2.5, 3.5, 4.5, 5.5]);
    });

    it("map() of empty sequences returns [] without contacting workers", async () => {
      let busyDone = false;
      const busy = pool.apply(tasks.sleep, 300).then(() => (busyDone = true));
      assert.deepEqual(await pool.map(tasks.add, [[], []]), []);
      assert.equal(busyDone, false, "map([]) did not wait behind the busy workers");
      await busy;
    });

    it("mapWith({ chunkSize }) balances small chunks and keeps input order", async () => {
      const xs = Array.from({ length: 50 }, (_, i) => i);
      const progress: number[] = [];
      const out = await pool.mapWith({ chunkSize: 3, onProgress: (done) => progress.push(done) })(
        tasks.add,
        [xs],
        1,
      );
      assert.deepEqual(out, xs.map((x) => x + 1));
      assert.equal(progress.at(-1), 50);
      assert.equal(progress.length, 17);
      assert.ok(progress.every((d, i) => i === 0 || d > progress[i - 1]));
    });

    it("mapWith({ signal }) rejects with the abort reason", async () => {
      const controller = new AbortController();
      const run = pool.mapWith({ chunkSize: 1, signal: controller.signal })(
        tasks.sleep,
        [Array(40).fill(20)],
      );
      setTimeout(() => controller.abort(new Error("stop now")), 30);
      await assert.rejects(run, /stop now/);
      const already = AbortSignal.abort(new Error("before start"));
      await assert.rejects(pool.mapWith({ signal: already })(tasks.add, [[1]], 1), /before start/);
      await assert.rejects(pool.mapWith({ chunkSize: 0 })(tasks.add, [[1]], 1), RangeError);
      await assert.rejects(pool.with({ timeout: -1 }).apply(tasks.add, 1, 1), /'options.timeout'/);
      assert.deepEqual(await pool.map(tasks.add, [[1]], 1), [2], "the pool still works");
    });

    it("map() reports a failing item as a RemoteError and stays usable", async () => {
      await assert.rejects(pool.map(tasks.failItem, [[0, 1, 2, 3, 4]]), (e: Error) => {
        assert.ok(e instanceof RemoteError);
        assert.equal(e.workerIndex, 1);
        assert.match(e.message, /item three/);
        return true;
      });
      assert.deepEqual(await pool.map(tasks.failItem, [[0, 1, 2]]), [0, 1, 2]);
    });
  });
}
