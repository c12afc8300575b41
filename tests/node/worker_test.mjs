// The node-worker adapter under `node --test`, against the built package: every way a worker thread
// dies rejects the calls waiting on it with WorkerCrashedError within 1 s and the worker is
// respawned; restart() ends a looping worker silently; buffers move without copies and a
// SharedArrayBuffer is shared; close() lets the script end.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createPool, TimeoutError, WorkerCrashedError } from "@cohort/core";
import { nodeWorker } from "@cohort/core/adapters/node-worker";
import { tasks } from "./fixtures/tasks.mjs";
import { tasks as poolInTask } from "./fixtures/pool_in_task.mjs";

/** nodeWorker, wrapped to keep the transport it makes (to kill workers). */
function killable() {
  let made;
  const adapter = {
    name: nodeWorker.name,
    connect: async (options) => (made = await nodeWorker.connect(options)),
  };
  return { adapter, kill: (worker) => made.kill(worker) };
}

/** How a promise settled, and how long it took (ms) from now. */
async function settle(promise) {
  const start = performance.now();
  try {
    return { value: await promise, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const kinds = [
  {
    what: "throws an uncaught error",
    crash: (pool) => pool.applyOnly(tasks.throwLater, 1, "stray timer boom"),
    reason: /uncaught error in the worker: Error: stray timer boom/,
  },
  {
    what: "leaves a promise rejection unhandled",
    crash: (pool) => pool.applyOnly(tasks.rejectLater, 1, "nobody caught me"),
    // Bun (which runs this file too) reports an unhandled rejection as an uncaught error.
    reason: "Bun" in globalThis
      ? /uncaught error in the worker: Error: nobody caught me/
      : /unhandled promise rejection in the worker: Error: nobody caught me/,
  },
  {
    what: "calls process.exit(3)",
    crash: (pool) => pool.applyOnly(tasks.exitProcess, 1, 3),
    reason: /the worker called process\.exit\(3\)/,
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

describe("node-worker crashes", () => {
  for (const kind of kinds) {
    test(`applyOnly() rejects with WorkerCrashedError within 1 s when a worker ${kind.what}`, {
      timeout: 30_000,
    }, async () => {
      const { adapter, kill } = killable();
      const pool = await createPool({ adapter, workers: 2 });
      try {
        assert.deepEqual(await pool.apply(tasks.ping), [0, 1]);
        const fatal = settle(kind.crash(pool, kill));
        const queued = settle(pool.applyOnly(tasks.echo, 1, "queued behind the crash"));
        for (const outcome of await Promise.all([fatal, queued])) {
          assert.ok(outcome.error instanceof WorkerCrashedError, String(outcome.error));
          assert.equal(outcome.error.workerIndex, 1);
          assert.match(outcome.error.message, /^worker 1 crashed: /);
          assert.match(outcome.error.message, kind.reason);
          assert.ok(outcome.ms < 1000, `rejected after ${outcome.ms} ms`);
        }
        assert.equal(await pool.applyOnly(tasks.ping, 0), 0); // the other worker never noticed
        assert.equal(await pool.applyOnly(tasks.ping, 1), 1); // a respawned successor answers
      } finally {
        await pool.close();
      }
    });
  }

  test("a task posting stray messages on parentPort does not disturb the pool", {
    timeout: 30_000,
  }, async () => {
    const pool = await createPool({ adapter: nodeWorker, workers: 1 });
    try {
      assert.equal(await pool.applyOnly(tasks.stray, 0), "posted");
      assert.equal(await pool.applyOnly(tasks.echo, 0, "still here"), "still here");
    } finally {
      await pool.close();
    }
  });

  test("restart() ends a looping worker silently, and close() lets the script end", {
    timeout: 30_000,
  }, async () => {
    const script = fileURLToPath(new URL("./fixtures/restart_and_close.mjs", import.meta.url));
    const { stdout } = await new Promise((resolve, reject) =>
      execFile(
        process.execPath,
        [script],
        { timeout: 20_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout }),
      )
    );
    assert.deepEqual(JSON.parse(stdout), ["1: ready", "0: ready"]);
  });
});

describe("node-worker deadlines and guards", () => {
  test("with({ timeout }) ends a synchronously looping task and replaces only its worker", {
    timeout: 30_000,
  }, async () => {
    const pool = await createPool({ adapter: nodeWorker, workers: 2 });
    try {
      const { error, ms } = await settle(pool.with({ timeout: 300 }).applyOnly(tasks.spin, 1));
      assert.ok(error instanceof TimeoutError, String(error));
      assert.equal(error.name, "TimeoutError");
      assert.ok(ms < 300 + 1000, `rejected after ${ms} ms`);
      assert.equal(await pool.applyOnly(tasks.ping, 0), 0);
      assert.equal(await pool.applyOnly(tasks.echo, 1, "replaced"), "replaced");
    } finally {
      await pool.close();
    }
  });

  test("createPool() at a task module's top level is refused inside a worker", {
    timeout: 30_000,
  }, async () => {
    const pool = await createPool({ adapter: nodeWorker, workers: 1 });
    try {
      const [inWorker] = await pool.apply(poolInTask.outcome);
      assert.match(inWorker, /^TypeError: createPool\(\) was called inside a cohort worker/);
      assert.equal(poolInTask.outcome(), "started a pool"); // the main thread may
    } finally {
      await pool.close();
    }
  });
});

describe("node-worker zero-copy", () => {
  test("scatterArray() with copy: false transfers the source's buffer", {
    timeout: 30_000,
  }, async () => {
    const pool = await createPool({ adapter: nodeWorker, workers: 2 });
    try {
      const source = new Float64Array([1, 2, 3, 4, 5, 6]);
      const parts = await pool.scatterArray(source, { copy: false });
      assert.equal(source.byteLength, 0); // detached: the buffer moved
      assert.deepEqual(await pool.apply(tasks.sum, parts), [6, 15]);
      assert.deepEqual(await pool.apply(tasks.describe, parts), [
        { length: 3, shared: false },
        { length: 3, shared: false },
      ]);
    } finally {
      await pool.close();
    }
  });

  test("a SharedArrayBuffer is shared: workers' writes show in the main thread", {
    timeout: 30_000,
  }, async () => {
    const pool = await createPool({ adapter: nodeWorker, workers: 3 });
    try {
      const counter = new Int32Array(new SharedArrayBuffer(3 * 4));
      assert.deepEqual(await pool.apply(tasks.mark, counter), [0, 1, 2]);
      assert.deepEqual([...counter], [1, 2, 3]);
      const held = await pool.push(counter);
      assert.deepEqual(await pool.apply(tasks.mark, held), [0, 1, 2]);
      assert.deepEqual([...counter], [2, 4, 6]);
      assert.deepEqual(await pool.apply(tasks.describe, held), [
        { length: 3, shared: true },
        { length: 3, shared: true },
        { length: 3, shared: true },
      ]);
    } finally {
      await pool.close();
    }
  });
});
