// close() on this runtime's worker adapter: pending calls reject with PoolClosedError, every
// worker is terminated, and a script that closes its pool ends by itself.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPool, PoolClosedError } from "../mod.ts";
import { tasks } from "./fixtures/crash_tasks.ts";
import { isBun, runScript, settle, sleep, workerAdapter } from "./worker_helpers.ts";

describe("worker pool close()", () => {
  test("close() rejects pending and queued calls with PoolClosedError", {
    timeout: 60_000,
  }, async () => {
    const pool = await createPool({ adapter: await workerAdapter(), workers: 2 });
    assert.deepEqual(await pool.apply(tasks.ping), [0, 1]);
    const calls = [
      settle(pool.apply(tasks.sleep, 60_000)),
      settle(pool.applyOnly(tasks.echo, 1, "queued")),
      settle(pool.map(tasks.echo, [[1, 2, 3, 4]])),
    ];
    await sleep(20);
    const closing = pool.close();
    assert.equal(pool.closed, true);
    await closing;
    for (const { error, ms } of await Promise.all(calls)) {
      assert.ok(error instanceof PoolClosedError, String(error));
      assert.equal(error.message, "the pool was closed while the call was pending");
      assert.ok(ms < 1000, `rejected after ${ms} ms`);
    }
    assert.equal(await pool.close(), undefined); // idempotent
  });

  test("close() makes later calls reject with PoolClosedError", { timeout: 60_000 }, async () => {
    const pool = await createPool({ adapter: await workerAdapter(), workers: 2 });
    await pool.close();
    const calls: Promise<unknown>[] = [pool.apply(tasks.ping), pool.push(1), pool.stats()];
    for (const call of calls) {
      const { error } = await settle(call);
      assert.ok(error instanceof PoolClosedError, String(error));
      assert.equal(error.message, "the pool is closed");
    }
  });

  test("close() terminates every worker", { timeout: 60_000 }, async () => {
    const pool = await createPool({ adapter: await workerAdapter(), workers: 2 });
    const counter = new Int32Array(new SharedArrayBuffer(8));
    await pool.apply(tasks.tick, counter); // every worker now ticks its slot every 5 ms
    await sleep(100);
    assert.ok(counter[0] > 0 && counter[1] > 0, `ticks: ${counter}`);
    await pool.close();
    await sleep(50); // a message in flight may still land
    const stopped = Array.from(counter);
    await sleep(200);
    assert.deepEqual(Array.from(counter), stopped);
  });

  for (const mode of ["close", "dispose", "crash", "idle", "broken-entry"]) {
    test(`close() lets a script (${mode}) run with ${isBun ? "bun" : "deno run"} exit by itself`, {
      timeout: 30_000,
    }, async () => {
      const { code, stdout, stderr, ms } = await runScript("close_script.ts", [mode], 20_000);
      assert.equal(code, 0, `exit code ${code}, stderr: ${stderr}`);
      assert.ok(ms < 15_000, `took ${ms} ms`);
      const out = JSON.parse(stdout.trim().split("\n").at(-1)!);
      assert.equal(out.mode, mode);
      assert.equal(out.adapter, isBun ? "bun-worker" : "deno-worker");
      if (mode !== "idle") assert.deepEqual(out.ping, [0, 1]);
      if (mode !== "dispose" && mode !== "broken-entry") {
        assert.equal(out.pending, "PoolClosedError");
      }
      if (mode === "broken-entry") {
        assert.match(
          out.error,
          /^WorkerCrashedError: worker [01] crashed: uncaught error in the worker/,
        );
        assert.match(out.error, /broken_entry\.ts fails to load/);
      }
      if (mode === "crash") {
        assert.equal(out.crash, "WorkerCrashedError");
        assert.equal(out.after, 1);
      }
    });
  }
});
