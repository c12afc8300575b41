// The map engine's load balancing, through a pool: with small chunks, a worker stuck on a slow
// item gets no more chunks while the idle ones take the rest. It runs on the runtime's own
// worker adapter (deno-worker, bun-worker): in-process workers run one call at a time in one
// thread, so a slow item there holds every worker and no imbalance can show.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPool, type Pool } from "../../mod.ts";
import { mapTasks } from "./runtime_tasks.ts";

describe("map load balancing", { timeout: 60_000 }, () => {
  let pool: Pool;
  before(async () => {
    pool = await createPool({ workers: 3 });
  });
  after(async () => {
    await pool?.close();
  });

  test("a slow item keeps its worker; the idle workers take the other chunks", async () => {
    const n = 30;
    const ms = Array.from({ length: n }, (_, i) => (i === 0 ? 1_500 : 5));
    const progress: number[] = [];
    const where = await pool.mapWith({ chunkSize: 1, onProgress: (done) => progress.push(done) })(
      mapTasks.napWhere,
      [ms],
    );
    assert.equal(where.length, n);
    const slow = where[0];
    const counts = [0, 1, 2].map((w) => where.filter((x) => x === w).length);
    // 29 items of 5 ms on two workers take ~75 ms, well inside the slow item's 1.5 s (slack
    // for a loaded CI machine).
    assert.ok(counts[slow] <= 3, `the slow worker ran ${counts[slow]} items: ${where}`);
    for (let w = 0; w < 3; w++) {
      if (w !== slow) assert.ok(counts[w] >= 8, `worker ${w} ran ${counts[w]} items: ${where}`);
    }
    assert.equal(progress.length, n, "one progress report per chunk");
    assert.equal(progress.at(-1), n);
    assert.ok(progress.every((d, i) => i === 0 || d > progress[i - 1]));
  });

  test("default chunks are contiguous, one per worker, whatever the items cost", async () => {
    const where = await pool.map(mapTasks.napWhere, [[50, 1, 1, 1, 1, 1, 1]]);
    assert.deepEqual(where, [0, 0, 0, 1, 1, 1, 2]);
  });
});
