/**
 * Conformance: data on the workers: `scatterList`, `scatterArray`, `push`, remote
 * objects and their handles (reference counts, removal, `await using`).
 *
 * @module
 */
import { after, before, describe } from "node:test";
import type { ConformanceOptions } from "./conformance.ts";
import assert from "node:assert/strict";
import { immutable, type Pool, PoolClosedError, RemovedObjectError } from "../mod.ts";
import { tasks } from "./conformance_tasks.ts";
import { echoed, harness } from "./conformance_shared.ts";

/**
 * Registers the "data" conformance tests for one transport (part of
 * `runConformance`, which runs every suite).
 *
 * @param options The pool factory, the adapter's name and optional skips.
 *
 * @example Registers `node:test` cases, so it runs in a test file, not as a doc test
 * ```ts ignore
 * import { createPool } from "@cohort/core";
 * import { dataSuite } from "./conformance_data.ts";
 *
 * dataSuite({ name: "in-process", createPool: (o) => createPool({ ...o, adapter: "in-process" }) });
 * ```
 */
export function dataSuite(options: ConformanceOptions): void {
  const { it, fresh } = harness(options);
  let pool: Pool;

  describe(`conformance: ${options.name}: data`, () => {
    before(async () => {
      pool = await fresh();
    });
    after(async () => {
      await pool?.close();
    });

    // --- Chunks and scatter ---

    it("scatterList() gives worker i chunk i (0, 1, 2, 5, 10, 13 items on 4 workers)", async () => {
      const expected: Record<number, number[]> = {
        0: [0, 0, 0, 0],
        1: [1, 0, 0, 0],
        2: [1, 1, 0, 0],
        5: [2, 2, 1, 0],
        10: [3, 3, 3, 1],
        13: [4, 4, 4, 1],
      };
      for (const [n, sizes] of Object.entries(expected)) {
        const list = Array.from({ length: Number(n) }, (_, i) => ({ i }));
        await using handle = await pool.scatterList(list);
        assert.deepEqual(await pool.apply(tasks.length, handle), sizes, `${n} items`);
        const chunks = echoed<{ i: number }[][]>(await pool.apply(tasks.echo, handle));
        assert.deepEqual(chunks.flat(), list);
      }
    });

    it("scatterArray() cuts whole rows of rowLength and keeps the array kind", async () => {
      const rows = 7;
      const source = Float32Array.from({ length: rows * 3 }, (_, i) => i);
      await using handle = await pool.scatterArray(source, { rowLength: 3 });
      const parts = echoed<Float32Array[]>(await pool.apply(tasks.echo, handle));
      assert.deepEqual(parts.map((p) => p.length), [6, 6, 6, 3]);
      for (const p of parts) assert.ok(p instanceof Float32Array);
      assert.deepEqual(Array.from(parts.flatMap((p) => [...p])), Array.from(source));
      assert.equal(source.length, 21, "copy: true leaves the source intact");
      assert.deepEqual(
        await pool.apply(tasks.sum, handle),
        parts.map((p) => p.reduce((s, x) => s + x, 0)),
      );
    });

    it("scatterArray() with copy: false consumes the source and delivers the rows", async () => {
      const source = Float64Array.from({ length: 10 }, (_, i) => i + 1);
      await using handle = await pool.scatterArray(source, { copy: false });
      assert.equal(source.byteLength, 0, "the source buffer is detached");
      const parts = echoed<Float64Array[]>(await pool.apply(tasks.echo, handle));
      assert.deepEqual(parts.map((p) => Array.from(p)), [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
      assert.ok(parts.every((p) => p instanceof Float64Array));
    });

    it("scatterArray() splits a plain array like scatterList", async () => {
      await using handle = await pool.scatterArray(["a", "b", "c", "d", "e", "f"], {
        rowLength: 2,
      });
      assert.deepEqual(await pool.apply(tasks.echo, handle), [
        ["a", "b"],
        ["c", "d"],
        ["e", "f"],
        [],
      ]);
    });

    // --- Remote objects ---
    it("push() stores a copy of a mutable value on every worker", async () => {
      const value = { data: new Float64Array([1, 2, 3]) };
      await using handle = await pool.push(value);
      value.data[0] = 99;
      assert.deepEqual(await pool.apply(tasks.read, handle, 0), [1, 1, 1, 1]);
      await pool.apply(tasks.write, handle, 1, 7);
      assert.deepEqual(await pool.apply(tasks.read, handle, 1), [7, 7, 7, 7]);
      assert.equal(value.data[1], 2, "the local value is untouched");
      const second = await pool.push(value);
      assert.deepEqual(await pool.apply(tasks.read, second, 1), [2, 2, 2, 2], "a new copy");
      await second.remove();
    });

    it("push() of an immutable already on the workers reuses the remote copy", async () => {
      const before = await pool.stats();
      const model = immutable({ data: new Float64Array(4) });
      const a = await pool.push(model);
      const b = await pool.push(model);
      assert.notEqual(a, b);
      const mid = await pool.stats();
      assert.deepEqual(
        mid.workerObjects,
        before.workerObjects.map((n) => n + 1),
        "one remote copy per worker",
      );
      // A write through one handle is seen through the other: same remote copy.
      await pool.apply(tasks.write, a, 0, 42);
      assert.deepEqual(await pool.apply(tasks.read, b, 0), [42, 42, 42, 42]);
      // The immutable itself, passed directly, goes as a reference to that copy.
      assert.deepEqual(await pool.apply(tasks.read, model, 0), [42, 42, 42, 42]);
      await a.remove();
      await b.remove();
    });

    it("push() reference-counts an immutable across handles", async () => {
      const before = await pool.stats();
      const model = immutable({ data: new Float64Array([5, 6]) });
      const a = await pool.push(model);
      const b = await pool.push(model);
      await a.remove();
      assert.equal(a.removed, true);
      assert.equal(b.removed, false);
      assert.deepEqual(await pool.apply(tasks.read, b, 1), [6, 6, 6, 6], "b still works");
      assert.deepEqual(
        (await pool.stats()).workerObjects,
        before.workerObjects.map((n) => n + 1),
      );
      await a.remove(); // idempotent: must not drop b's reference
      assert.deepEqual(await pool.apply(tasks.read, b, 0), [5, 5, 5, 5]);
      await b.remove();
      assert.deepEqual((await pool.stats()).workerObjects, before.workerObjects);
      const c = await pool.push(model);
      assert.deepEqual(await pool.apply(tasks.read, c, 0), [5, 5, 5, 5], "pushed anew");
      await c.remove();
    });

    it("apply() sends an immutable that is not on the workers by value and keeps nothing", async () => {
      const before = await pool.stats();
      const model = immutable({ data: new Float64Array([1, 2]) });
      assert.deepEqual(await pool.apply(tasks.read, model, 1), [2, 2, 2, 2]);
      assert.deepEqual((await pool.stats()).workerObjects, before.workerObjects);
    });

    it("apply() resolves handles nested at any depth to each worker's value", async () => {
      await using model = await pool.push({ data: new Float64Array(5) });
      assert.deepEqual(await pool.apply(tasks.nested, { deep: { list: [{ model }] } }), [
        5,
        5,
        5,
        5,
      ]);
      const map = new Map([["m", model]]);
      const [back] = echoed<Map<string, { data: Float64Array }>[]>(
        await pool.apply(tasks.echo, map),
      );
      assert.equal(back.get("m")?.data.length, 5);
      await using parts = await pool.scatterList([10, 20, 30, 40]);
      assert.deepEqual(await pool.apply(tasks.echo, { parts }), [{ parts: [10] }, { parts: [20] }, {
        parts: [30],
      }, { parts: [40] }]);
    });

    it("remove() deletes the value on every worker, is idempotent and sets removed", async () => {
      const before = await pool.stats();
      const handle = await pool.push([1, 2, 3]);
      assert.equal(handle.removed, false);
      await handle.remove();
      await handle.remove();
      assert.equal(handle.removed, true);
      assert.deepEqual((await pool.stats()).workerObjects, before.workerObjects);
      assert.equal((await pool.stats()).remoteObjects, before.remoteObjects);
    });

    it("a removed handle rejects with RemovedObjectError before anything is sent", async () => {
      await pool.apply(tasks.takeLog);
      const handle = await pool.push({ data: new Float64Array(1) });
      await handle.remove();
      const uses = [
        pool.apply(tasks.log, handle),
        pool.applyOnly(tasks.log, 0, { deep: [handle] }),
        pool.map(tasks.log, [[handle]]),
        pool.map(tasks.add, [[1]], handle as never),
        pool.push({ inner: handle }),
        pool.scatterList([handle]),
      ];
      for (const use of uses) {
        await assert.rejects(use, (e: Error) => {
          assert.ok(e instanceof RemovedObjectError, e.name);
          assert.match(e.message, /removed remote object/);
          return true;
        });
      }
      assert.deepEqual(await pool.apply(tasks.takeLog), [[], [], [], []]);
    });

    it("a handle from another pool is refused with a TypeError", async () => {
      await using other = await fresh(2);
      await using foreign = await other.push(1);
      await assert.rejects(pool.apply(tasks.echo, foreign), (e: Error) => {
        assert.ok(e instanceof TypeError);
        assert.match(e.message, /^args\[0\] is a handle from another pool/);
        return true;
      });
    });

    it("await using removes handles and closes pools", async () => {
      const before = await pool.stats();
      let escaped: { removed: boolean } | undefined;
      {
        await using handle = await pool.push({ a: 1 });
        escaped = handle;
        assert.equal(handle.removed, false);
      }
      assert.equal(escaped.removed, true);
      assert.deepEqual((await pool.stats()).workerObjects, before.workerObjects);
      let closedPool: Pool | undefined;
      {
        await using p = await fresh(1);
        closedPool = p;
        assert.equal(await p.applyOnly(tasks.add, 0, 1, 1), 2);
      }
      assert.equal(closedPool.closed, true);
      await assert.rejects(closedPool.apply(tasks.index), PoolClosedError);
    });
  });
}
