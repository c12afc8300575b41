// Start-up failures on this runtime's worker adapter: a task module that throws on import, one
// that does not exist, one that never finishes loading, and one that crashes its worker while
// loading. Each gives a clear error naming the module, and nothing hangs.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPool, defineTasks, RemoteError, WorkerCrashedError } from "../mod.ts";
import { tasks } from "./fixtures/crash_tasks.ts";
import { settle, START_BOUND_MS, workerAdapter } from "./worker_helpers.ts";

const fixture = (name: string): string => new URL(`./fixtures/${name}`, import.meta.url).href;
const badImport = fixture("bad_import.ts");
const missing = fixture("does_not_exist.ts");

describe("worker start-up failures", () => {
  test("createPool() rejects, naming the module, when a task module throws on import", {
    timeout: 60_000,
  }, async () => {
    const adapter = await workerAdapter();
    const { error, ms } = await settle(createPool({ adapter, workers: 2, modules: [badImport] }));
    assert.ok(error instanceof Error, String(error));
    assert.equal(error.name, "Error");
    assert.match(error.message, /^worker [01] failed to start: cannot import task module /);
    assert.ok(error.message.includes(badImport), error.message);
    assert.match(error.message, /bad_import\.ts refuses to load/);
    assert.ok(ms < START_BOUND_MS, `rejected after ${ms} ms`);
  });

  test("createPool() rejects, naming the module, when a task module does not exist", {
    timeout: 60_000,
  }, async () => {
    const adapter = await workerAdapter();
    const { error, ms } = await settle(createPool({ adapter, workers: 2, modules: [missing] }));
    assert.ok(error instanceof Error, String(error));
    assert.equal(error.name, "Error");
    assert.match(error.message, /^worker [01] failed to start: cannot import task module /);
    assert.ok(error.message.includes(missing), error.message);
    assert.match(error.message, /not found|cannot find|no such file/i);
    assert.ok(ms < START_BOUND_MS, `rejected after ${ms} ms`);
  });

  test("createPool() rejects after startTimeout when a task module never finishes loading", {
    timeout: 60_000,
  }, async () => {
    const adapter = await workerAdapter();
    const modules = [fixture("hang_import.ts")];
    const { error, ms } = await settle(
      createPool({ adapter, workers: 2, modules, startTimeout: 1000 }),
    );
    assert.ok(error instanceof Error, String(error));
    assert.equal(error.message, "workers 0, 1 were not ready after 1000 ms");
    assert.ok(ms >= 900 && ms < START_BOUND_MS, `rejected after ${ms} ms`);
  });

  test("createPool() rejects with WorkerCrashedError when a task module crashes its worker", {
    timeout: 60_000,
  }, async () => {
    const adapter = await workerAdapter();
    const modules = [fixture("crash_on_import.ts")];
    const { error, ms } = await settle(createPool({ adapter, workers: 2, modules }));
    assert.ok(error instanceof WorkerCrashedError, String(error));
    assert.match(error.message, /^worker [01] crashed: uncaught error in the worker: /);
    assert.match(error.message, /crash_on_import\.ts crashed its worker/);
    assert.ok(ms < START_BOUND_MS, `rejected after ${ms} ms`);
  });

  for (
    const [what, url, why] of [
      ["throws on import", badImport, /bad_import\.ts refuses to load/],
      ["does not exist", missing, /not found|cannot find|no such file/i],
    ] as const
  ) {
    test(`applyOnly() rejects with RemoteError naming the module when it ${what}`, {
      timeout: 60_000,
    }, async () => {
      await using pool = await createPool({ adapter: await workerAdapter(), workers: 2 });
      // A task whose module the workers cannot import (defined here under that module's URL).
      const bad = defineTasks(url, { run: (): number => 1 });
      const { error, ms } = await settle(pool.applyOnly(bad.run, 1));
      assert.ok(error instanceof RemoteError, String(error));
      assert.equal(error.workerIndex, 1);
      assert.ok(error.message.includes(`cannot import task module ${url}`), error.message);
      assert.match(error.message, why);
      assert.ok(ms < START_BOUND_MS, `rejected after ${ms} ms`);
      // The pool answers the next call, and the failure repeats rather than sticking or hanging.
      assert.deepEqual(await pool.apply(tasks.ping), [0, 1]);
      const again = await settle(pool.apply(bad.run));
      assert.ok(again.error instanceof RemoteError);
      assert.equal(again.error.failures.length, 2);
    });
  }
});
