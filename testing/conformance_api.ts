/**
 * Conformance: the public API shape, tasks, `apply` and `applyOnly`, task faults,
 * `workerContext()` and `close()`.
 *
 * @module
 */
import { after, before, describe } from "node:test";
import type { ConformanceOptions } from "./conformance.ts";
import assert from "node:assert/strict";
import { defineTasks, type Pool, PoolClosedError, RemoteError, workerContext } from "../mod.ts";
import { tasks } from "./conformance_tasks.ts";
import { harness, WORKERS } from "./conformance_shared.ts";

/**
 * Registers the "calls" conformance tests for one transport (part of
 * `runConformance`, which runs every suite).
 *
 * @param options The pool factory, the adapter's name and optional skips.
 *
 * @example Registers `node:test` cases, so it runs in a test file, not as a doc test
 * ```ts ignore
 * import { createPool } from "@cohort/core";
 * import { apiSuite } from "./conformance_api.ts";
 *
 * apiSuite({ name: "in-process", createPool: (o) => createPool({ ...o, adapter: "in-process" }) });
 * ```
 */
export function apiSuite(options: ConformanceOptions): void {
  const { it, fresh } = harness(options);
  let pool: Pool;

  describe(`conformance: ${options.name}: calls`, () => {
    before(async () => {
      pool = await fresh();
    });
    after(async () => {
      await pool?.close();
    });

    // --- Public API shape ---
    it("createPool() resolves a pool of the requested size", async () => {
      assert.equal(pool.size, WORKERS);
      assert.deepEqual(await pool.apply(tasks.index), [0, 1, 2, 3]);
    });

    it("apply() runs calls on one worker in FIFO order, awaiting async tasks", async () => {
      await pool.apply(tasks.takeLog);
      const calls: Promise<number>[] = [];
      for (let i = 0; i < 30; i++) {
        calls.push(
          i % 3 === 0 ? pool.applyOnly(tasks.logSlowly, 1, i, 2) : pool.applyOnly(tasks.log, 1, i),
        );
      }
      const lengths = await Promise.all(calls);
      assert.deepEqual(lengths, Array.from({ length: 30 }, (_, i) => i + 1));
      assert.deepEqual(await pool.applyOnly(tasks.takeLog, 1), [...Array(30).keys()]);
    });

    // --- apply / applyOnly ---
    it("apply() returns results in worker order", async () => {
      // Worker 0 finishes last, yet comes first.
      const order = await pool.apply(tasks.asyncIndex, 0);
      assert.deepEqual(order, [0, 1, 2, 3]);
      assert.deepEqual(await pool.apply(tasks.add, 40, 2), [42, 42, 42, 42]);
    });

    it("applyOnly() runs on the given worker only", async () => {
      await pool.apply(tasks.takeLog);
      for (let w = 0; w < WORKERS; w++) {
        assert.equal(await pool.applyOnly(tasks.index, w), w);
        assert.equal(await pool.applyOnly(tasks.log, w, `on ${w}`), 1);
      }
      assert.deepEqual(await pool.apply(tasks.takeLog), [["on 0"], ["on 1"], ["on 2"], ["on 3"]]);
      assert.equal(await pool.applyOnly(tasks.add, 2, 1, 2), 3);
    });

    // --- Faults ---
    it("a task that throws rejects with RemoteError: worker index, remote name, message, stack", async () => {
      await assert.rejects(pool.applyOnly(tasks.fail, 2, "it broke"), (e: Error) => {
        assert.ok(e instanceof RemoteError);
        assert.equal(e.workerIndex, 2);
        assert.equal(e.remoteName, "RangeError");
        assert.match(e.message, /it broke/);
        assert.match(e.remoteStack, /fail/);
        assert.deepEqual(e.failures, [e]);
        return true;
      });
    });

    it("apply() lists every failing worker, lowest first", async () => {
      await assert.rejects(pool.apply(tasks.failOn, [3, 1], "boom"), (e: Error) => {
        assert.ok(e instanceof RemoteError);
        assert.equal(e.workerIndex, 1);
        assert.equal(e.remoteName, "TypeError");
        assert.match(e.message, /boom on 1/);
        assert.deepEqual(e.failures.map((f) => f.workerIndex), [1, 3]);
        assert.match(e.failures[1].message, /boom on 3/);
        return true;
      });
    });

    it("the pool and its remote objects stay usable after a task error", async () => {
      await using handle = await pool.push({ data: new Float64Array([4]) });
      await assert.rejects(pool.apply(tasks.fail, "again"), RemoteError);
      assert.deepEqual(await pool.apply(tasks.read, handle, 0), [4, 4, 4, 4]);
      assert.deepEqual(await pool.apply(tasks.add, 1, 1), [2, 2, 2, 2]);
    });

    it("a task from a module that does not exist rejects with a RemoteError naming it", async () => {
      const missing = new URL("../tests/fixtures/does_not_exist.ts", import.meta.url).href;
      const ghost = defineTasks(missing, { ghost: (): number => 0 });
      await assert.rejects(pool.applyOnly(ghost.ghost, 1), (e: Error) => {
        assert.ok(e instanceof RemoteError);
        assert.equal(e.workerIndex, 1);
        assert.ok(e.message.includes(`cannot import task module ${missing}`), e.message);
        return true;
      });
      assert.equal(await pool.applyOnly(tasks.add, 1, 2, 2), 4, "the worker still answers");
    });

    // --- Worker context ---
    it("workerContext() gives index, size and a per-worker seed", async () => {
      const contexts = await pool.apply(tasks.context);
      assert.deepEqual(contexts.map((c) => [c.index, c.size]), [[0, 4], [1, 4], [2, 4], [3, 4]]);
      const seeds = contexts.map((c) => c.seed);
      assert.equal(new Set(seeds).size, 4, "seeds differ per worker");
      assert.ok(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32));
      assert.throws(() => workerContext(), /only be called inside a task/);
    });

    it("createPool({ seed }) makes worker seeds reproducible", async () => {
      const seedsOf = async (seed: number): Promise<number[]> => {
        await using p = await fresh(3, seed);
        return (await p.apply(tasks.context)).map((c) => c.seed);
      };
      const a = await seedsOf(42);
      assert.deepEqual(await seedsOf(42), a);
      assert.notDeepEqual(await seedsOf(43), a);
    });

    // --- close ---
    it("close() rejects pending calls with PoolClosedError and is idempotent", async () => {
      const p = await fresh(2);
      const pending = p.apply(tasks.sleep, 200);
      const closing = p.close();
      await assert.rejects(pending, PoolClosedError);
      await closing;
      await p.close();
      assert.equal(p.closed, true);
    });

    it("calls after close() reject with PoolClosedError", async () => {
      const p = await fresh(2);
      const handle = await p.push(1);
      await p.close();
      const calls = [
        p.push(1),
        p.scatterList([1]),
        p.scatterArray(new Float64Array(2)),
        p.apply(tasks.index),
        p.applyOnly(tasks.index, 0),
        p.map(tasks.add, [[1]], 1),
        p.map(tasks.add, [[]], 1),
        p.stats(),
      ];
      for (const call of calls) await assert.rejects(call, PoolClosedError);
      await handle.remove(); // removing after close is harmless
      assert.equal(handle.removed, true);
    });
  });
}
