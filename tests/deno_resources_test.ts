// Deno only: the deno-worker adapter under Deno.test's op, resource and exit sanitizers. Deno's
// node:test shim runs without them, and since Deno 2.9 they are opt-in, so every test here turns
// them on. Each test fails if a timer, pending op or resource outlives the pool. (Deno's
// sanitizers do not track Worker objects themselves: worker_close_test.ts proves that workers end,
// by a shared counter that stops and by scripts that exit.)
import assert from "node:assert/strict";
import { createPool, PoolClosedError, WorkerCrashedError } from "../mod.ts";
import { denoWorker } from "../adapters/web_worker/deno.ts";
import { deadline } from "../transport.ts";
import { tasks } from "./fixtures/crash_tasks.ts";

const badImport = new URL("./fixtures/bad_import.ts", import.meta.url).href;
/** Registers a test with every sanitizer on. */
function sanitized(name: string, fn: () => Promise<void>): void {
  Deno.test({ name, sanitizeOps: true, sanitizeResources: true, sanitizeExit: true, fn });
}

/** Fails the test if `body` takes longer than 15 s (the one deadline helper; its timer is cleared). */
function bounded(body: () => Promise<void>): Promise<void> {
  return deadline(body(), 15_000, () => new Error("test took longer than 15 s"));
}

sanitized("close() leaves no op, resource or timer open after calls", () =>
  bounded(async () => {
    const pool = await createPool({ adapter: denoWorker, workers: 2 });
    assert.deepEqual(await pool.apply(tasks.ping), [0, 1]);
    assert.deepEqual(await pool.map(tasks.echo, [[1, 2, 3]]), [1, 2, 3]);
    await pool.close();
  }));

sanitized("close() with calls pending leaves nothing open", () =>
  bounded(async () => {
    const pool = await createPool({ adapter: denoWorker, workers: 2 });
    const pending = pool.apply(tasks.sleep, 60_000).catch((e) => e);
    await pool.close();
    assert.ok((await pending) instanceof PoolClosedError);
  }));

sanitized("close() after a crash and a respawn leaves nothing open", () =>
  bounded(async () => {
    const pool = await createPool({ adapter: denoWorker, workers: 2 });
    const crash = await pool.applyOnly(tasks.throwLater, 0, "boom").catch((e) => e);
    assert.ok(crash instanceof WorkerCrashedError);
    const closed = await pool.applyOnly(tasks.closeSelf, 1).catch((e) => e);
    assert.ok(closed instanceof WorkerCrashedError);
    assert.deepEqual(await pool.apply(tasks.ping), [0, 1]);
    await pool.close();
  }));

sanitized("await using disposes the pool and leaves nothing open", () =>
  bounded(async () => {
    await using pool = await createPool({ adapter: denoWorker, workers: 2 });
    assert.equal(await pool.applyOnly(tasks.echo, 1, "x"), "x");
  }));

sanitized("createPool() that fails to start leaves nothing open", () =>
  bounded(async () => {
    const error = await createPool({ adapter: denoWorker, workers: 2, modules: [badImport] })
      .catch((e) => e);
    assert.match(error.message, /bad_import\.ts refuses to load/);
  }));
