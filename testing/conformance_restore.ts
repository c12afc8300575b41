/**
 * Conformance: self-healing. A worker replaced after a deadline gets back
 * every pushed value and its own chunk of every scatter before it runs
 * anything, so results after the replacement equal results before; with
 * `restore: false` the handles whose data died say so.
 *
 * @module
 */
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { immutable, type Pool, TimeoutError, WorkerCrashedError } from "../mod.ts";
import type { ConformanceOptions } from "./conformance.ts";
import { tasks } from "./stream_tasks.ts";

/** Replaces worker `worker` by giving up on a call that never ends. */
async function replace(pool: Pool, worker: number): Promise<void> {
  await assert.rejects(pool.with({ timeout: 100 }).applyOnly(tasks.hang, worker), TimeoutError);
}

/**
 * Registers the self-healing tests for one transport.
 *
 * @param options The pool factory, the adapter's name and optional skips.
 */
export function restoreSuite(options: ConformanceOptions): void {
  const { name, skip = {}, timeout = 60_000 } = options;
  const it = (title: string, fn: () => Promise<void>) =>
    test(title, { timeout, skip: skip[title] ?? false }, fn);

  describe(`conformance: ${name}: self-healing`, () => {
    it("a replaced worker gets back pushed and scattered data; results are unchanged", async () => {
      await using pool = await options.createPool({ workers: 3 });
      const shared = typeof SharedArrayBuffer === "undefined"
        ? new Float64Array([5, 6])
        : new Float64Array(new SharedArrayBuffer(16)).fill(2.5);
      const handles = [
        await pool.push({ values: [1, 2, 3] }),
        await pool.push(immutable({ values: new Float64Array([4, 5, 6]) })),
        await pool.push(shared),
        await pool.scatterList([1, 2, 3, 4, 5, 6, 7]),
        await pool.scatterArray(new Float64Array([1, 2, 3, 4, 5, 6, 7, 8, 9]), { rowLength: 3 }),
      ];
      const before = await Promise.all(handles.map((h) => pool.apply(tasks.total, h as never)));
      await replace(pool, 1);
      const after = await Promise.all(handles.map((h) => pool.apply(tasks.total, h as never)));
      assert.deepEqual(after, before);
      assert.deepEqual(before[3], [6, 15, 7]);
      assert.deepEqual((await pool.stats()).workerObjects, [5, 5, 5]);
      for (const h of handles) await h.remove();
      assert.deepEqual((await pool.stats()).workerObjects, [0, 0, 0]);
    });

    it("a deduplicated immutable keeps its single copy and its count across a replacement", async () => {
      await using pool = await options.createPool({ workers: 2 });
      const model = immutable({ values: [1, 2] });
      const a = await pool.push(model);
      const b = await pool.push(model);
      await replace(pool, 0);
      assert.deepEqual((await pool.stats()).workerObjects, [1, 1]);
      await a.remove();
      assert.deepEqual(await pool.apply(tasks.total, b as never), [3, 3]);
      await b.remove();
      assert.deepEqual((await pool.stats()).workerObjects, [0, 0]);
    });

    it("the original is restored, not what a task wrote into a worker's copy", async () => {
      await using pool = await options.createPool({ workers: 2 });
      const counter = await pool.push({ n: 1 });
      await pool.applyOnly(tasks.setN, 1, counter as never, 9);
      assert.deepEqual(await pool.pull(counter), [{ n: 1 }, { n: 9 }]);
      await replace(pool, 1);
      assert.deepEqual(await pool.pull(counter), [{ n: 1 }, { n: 1 }]);
    });

    it("with restore: false, handles whose data was on a replaced worker say so", async () => {
      await using pool = await options.createPool({ workers: 2, restore: false });
      const handle = await pool.push([1, 2, 3]);
      await replace(pool, 1);
      await assert.rejects(pool.apply(tasks.total, handle as never), (e: Error) => {
        assert.ok(e instanceof WorkerCrashedError, String(e));
        assert.match(e.message, /whose data was lost when worker 1 was replaced/);
        return true;
      });
    });
  });
}
