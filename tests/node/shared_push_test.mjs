// One copy, every worker, under Node: on node-worker the typed arrays of a pushed immutable are
// views of one SharedArrayBuffer (a write on one worker shows on all); a plain push keeps copies.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createPool, immutable } from "@cohort/core";
import { nodeWorker } from "@cohort/core/adapters/node-worker";
import { tasks } from "./fixtures/shared_tasks.mjs";

test("node-worker: an immutable's Float64Array is shared by 4 workers, a plain push is copied", {
  timeout: 60_000,
}, async () => {
  const pool = await createPool({ adapter: nodeWorker, workers: 4 });
  try {
    const shared = await pool.push(immutable(new Float64Array([1, 2, 3])));
    assert.deepEqual(await pool.apply(tasks.seen, shared), Array(4).fill([true, 1]));
    await pool.applyOnly(tasks.poke, 3, shared, 42);
    assert.deepEqual(await pool.apply(tasks.seen, shared), Array(4).fill([true, 42]));
    const copied = await pool.push(new Float64Array([1, 2, 3]));
    await pool.applyOnly(tasks.poke, 3, copied, 42);
    assert.deepEqual(await pool.apply(tasks.seen, copied), [
      [false, 1],
      [false, 1],
      [false, 1],
      [false, 42],
    ]);
  } finally {
    await pool.close();
  }
});
