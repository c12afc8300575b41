// Bounded memory on this runtime's worker adapter: 100,000 calls with temporary immutable
// arguments leave every worker's object store and the pool's pending-call table at their
// starting size.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPool, immutable } from "../mod.ts";
import { tasks } from "./fixtures/array_tasks.ts";
import { workerAdapter } from "./worker_helpers.ts";

const CALLS = 100_000;
const BATCH = 1_000;

describe("worker memory", () => {
  test("applyOnly() x 100,000 with temporary immutables leaves the stores at their size", {
    timeout: 120_000,
  }, async () => {
    await using pool = await createPool({ adapter: await workerAdapter(), workers: 2 });
    const kept = await pool.push({ a: "stays for the whole test" });
    const before = await pool.stats();
    assert.deepEqual(before, { pendingCalls: 0, remoteObjects: 1, workerObjects: [1, 1] });

    let checked = 0;
    for (let start = 0; start < CALLS; start += BATCH) {
      // Half the batch passes a pushed immutable (sent by reference), then drops it; every call
      // also passes a fresh immutable that is on no worker (sent by value, then discarded).
      const model = immutable({ offset: start });
      const pushed = await pool.push(model);
      const calls: Promise<number>[] = [];
      for (let k = start; k < start + BATCH; k++) {
        const arg = immutable({ data: new Float64Array([k, 1]) });
        calls.push(
          k % 2 === 0
            ? pool.applyOnly(tasks.total, k % pool.size, arg, model)
            : pool.applyOnly(tasks.total, k % pool.size, arg),
        );
      }
      const results = await Promise.all(calls);
      for (let i = 0; i < BATCH; i++) {
        const k = start + i;
        assert.equal(results[i], k + 1 + (k % 2 === 0 ? start : 0));
        checked++;
      }
      await pushed.remove();
    }
    assert.equal(checked, CALLS);
    assert.deepEqual(await pool.stats(), before);
    await kept.remove();
    assert.deepEqual(await pool.stats(), {
      pendingCalls: 0,
      remoteObjects: 0,
      workerObjects: [0, 0],
    });
  });
});
