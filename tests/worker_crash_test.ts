// Crash handling of this runtime's worker adapter (deno-worker under Deno, bun-worker under Bun):
// every way a worker dies rejects the calls waiting on it with WorkerCrashedError within 1 s, the
// worker is respawned, and handles whose data lived on it say so.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPool, type Pool, WorkerCrashedError } from "../mod.ts";
import { tasks } from "./fixtures/crash_tasks.ts";
import {
  isBun,
  killableAdapter,
  settle,
  sleep,
  START_BOUND_MS,
  workerAdapter,
} from "./worker_helpers.ts";

interface CrashKind {
  /** What the worker does, for the test name. */
  what: string;
  /** Starts the fatal call on worker 1 (or kills it). */
  crash(pool: Pool, kill: (worker: number) => void): Promise<unknown>;
  /** What the crash error's message says after "worker 1 crashed: ". */
  reason: RegExp;
  /** Set where the kind does not exist on this runtime, with the reason. */
  skip?: string;
}

const kinds: CrashKind[] = [
  {
    what: "throws an uncaught error",
    crash: (pool) => pool.applyOnly(tasks.throwLater, 1, "stray timer boom"),
    reason: /uncaught error in the worker: .*stray timer boom/,
  },
  {
    what: "leaves a promise rejection unhandled",
    crash: (pool) => pool.applyOnly(tasks.rejectLater, 1, "nobody caught me"),
    // Bun reports an unhandled rejection as an uncaught error.
    reason: /(unhandled promise rejection|uncaught error) in the worker: .*nobody caught me/,
  },
  {
    what: isBun ? "calls process.exit(0) (Bun has no self.close())" : "calls self.close()",
    crash: (pool) => pool.applyOnly(tasks.closeSelf, 1),
    reason: isBun ? /process\.exit\(0\)|exited with code 0/ : /the worker called self\.close\(\)/,
  },
  {
    what: "calls process.exit(3)",
    crash: (pool) => pool.applyOnly(tasks.exitProcess, 1, 3),
    reason: /process\.exit\(3\)|exited with code 3/,
  },
  {
    what: "calls Deno.exit(4)",
    crash: (pool) => pool.applyOnly(tasks.denoExit, 1, 4),
    reason: /Deno\.exit\(\)/,
    skip: isBun ? "Deno.exit exists only on Deno" : undefined,
  },
  {
    what: "is terminated from outside",
    crash: async (pool, kill) => {
      const call = pool.applyOnly(tasks.sleep, 1, 60_000);
      await sleep(50);
      kill(1);
      return await call;
    },
    reason: /the worker was terminated from outside/,
  },
];

describe("worker crashes", () => {
  for (const kind of kinds) {
    test(
      `applyOnly() rejects with WorkerCrashedError within 1 s when a worker ${kind.what}`,
      { timeout: 60_000, skip: kind.skip },
      async () => {
        const { adapter, transport } = await killableAdapter();
        // restore: false, so that the handle's data is lost with the worker (tested below).
        await using pool = await createPool({ adapter, workers: 2, restore: false });
        const model = await pool.push({ weights: [1, 2, 3] });
        assert.deepEqual(await pool.apply(tasks.ping), [0, 1]); // tasks loaded on both

        const fatal = settle(kind.crash(pool, (i) => transport().kill(i)));
        const queued = settle(pool.applyOnly(tasks.echo, 1, "queued behind the crash"));
        const [dead, behind] = await Promise.all([fatal, queued]);

        for (const outcome of [dead, behind]) {
          assert.ok(outcome.error instanceof WorkerCrashedError, String(outcome.error));
          assert.equal(outcome.error.name, "WorkerCrashedError");
          assert.equal(outcome.error.workerIndex, 1);
          assert.match(outcome.error.message, /^worker 1 crashed: /);
          assert.match(outcome.error.message, kind.reason);
          assert.ok(outcome.ms < 1000, `rejected after ${outcome.ms} ms`);
        }
        // The other worker never noticed.
        assert.equal(await pool.applyOnly(tasks.ping, 0), 0);
        // The next call on worker 1 runs on its respawned successor.
        const next = await settle(pool.applyOnly(tasks.ping, 1));
        assert.equal(next.value, 1, String(next.error));
        assert.ok(next.ms < START_BOUND_MS, `answered after ${next.ms} ms`);
        // A handle whose data lived on the dead worker says so.
        const lost = await settle(pool.apply(tasks.echo, model));
        assert.ok(lost.error instanceof WorkerCrashedError, String(lost.error));
        assert.match(lost.error.message, /whose data was lost when worker 1 crashed: /);
      },
    );
  }

  test("applyOnly() runs on a respawned worker after a crash", { timeout: 60_000 }, async () => {
    await using pool = await createPool({ adapter: (await killableAdapter()).adapter, workers: 2 });
    await settle(pool.applyOnly(tasks.throwLater, 1, "first life ends"));
    const next = await settle(pool.applyOnly(tasks.sleep, 1, 0));
    assert.equal(next.value, 1);
    assert.ok(next.ms < START_BOUND_MS, `answered after ${next.ms} ms`);
    assert.deepEqual(await pool.apply(tasks.ping), [0, 1]);
    // It crashes and comes back again.
    await settle(pool.applyOnly(tasks.exitProcess, 1, 1));
    assert.equal(await pool.applyOnly(tasks.echo, 1, "third life"), "third life");
  });

  test(
    "a worker that crashes while idle is respawned and, with restore: false, its handles say so",
    {
      timeout: 60_000,
    },
    async () => {
      const adapter = await workerAdapter();
      await using pool = await createPool({ adapter, workers: 2, restore: false });
      const model = await pool.push({ weights: [1, 2, 3] });
      assert.equal(await pool.applyOnly(tasks.throwAfter, 0, 20, "crash while idle"), undefined);
      await sleep(300);
      const lost = await settle(pool.apply(tasks.echo, model));
      assert.ok(lost.error instanceof WorkerCrashedError, String(lost.error));
      assert.match(lost.error.message, /lost when worker 0 crashed: .*crash while idle/);
      const next = await settle(pool.apply(tasks.ping));
      assert.deepEqual(next.value, [0, 1]);
      assert.ok(next.ms < START_BOUND_MS, `answered after ${next.ms} ms`);
    },
  );

  test("apply() rejects with WorkerCrashedError when one worker dies mid-call", {
    timeout: 60_000,
  }, async () => {
    const { adapter, transport } = await killableAdapter();
    await using pool = await createPool({ adapter, workers: 3 });
    const call = settle(pool.apply(tasks.sleep, 300));
    await sleep(50);
    transport().kill(2);
    const { error, ms } = await call;
    assert.ok(error instanceof WorkerCrashedError);
    assert.equal(error.workerIndex, 2);
    assert.ok(ms < 1000, `rejected after ${ms} ms`);
    assert.deepEqual(await pool.apply(tasks.ping), [0, 1, 2]);
  });

  test("apply() on a handle whose data was on a dead worker rejects and says so (restore: false)", {
    timeout: 60_000,
  }, async () => {
    const { adapter, transport } = await killableAdapter();
    await using pool = await createPool({ adapter, workers: 2, restore: false });
    const model = await pool.push({ weights: [1, 2, 3] });
    const rows = await pool.scatterList([1, 2, 3, 4]);
    assert.deepEqual(await pool.apply(tasks.echo, rows), [[1, 2], [3, 4]]);
    transport().kill(0);
    for (const handle of [model, rows]) {
      const { error, ms } = await settle(pool.apply(tasks.echo, handle));
      assert.ok(error instanceof WorkerCrashedError, String(error));
      assert.match(error.message, /^args\[0\] refers to remote object \d+, whose data was lost/);
      assert.match(error.message, /worker 0 crashed/);
      assert.match(error.message, /push it again/);
      assert.ok(ms < 1000);
    }
    // Pushing again works, and removing a lost handle is harmless.
    const again = await pool.push({ weights: [4, 5] });
    assert.deepEqual(await pool.apply(tasks.echo, again), [{ weights: [4, 5] }, {
      weights: [4, 5],
    }]);
    await model.remove();
    assert.equal(model.removed, true);
    assert.deepEqual((await pool.stats()).workerObjects, [1, 2]);
  });
});
