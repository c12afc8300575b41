// One copy for every worker: on this runtime's worker adapter, the typed arrays of a pushed
// immutable live in SharedArrayBuffers that all workers view (a write breaking the promise on
// one worker shows on all of them); a plain push, ArrayBuffers and in-process pools keep copies;
// a replaced worker views the same memory again.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPool, immutable } from "../mod.ts";
import { tasks } from "./fixtures/shared_tasks.ts";
import { killableAdapter, sleep, workerAdapter } from "./worker_helpers.ts";

const WORKERS = 4;
const ramp = (n: number): Float64Array => new Float64Array(n).map((_, i) => i + 1);

describe("push of an immutable on worker threads", () => {
  test("a Float64Array reaches 4 workers as views of one SharedArrayBuffer", {
    timeout: 60_000,
  }, async () => {
    await using pool = await createPool({ adapter: await workerAdapter(), workers: WORKERS });
    const source = ramp(1024);
    const handle = await pool.push(immutable(source));
    const seen = await pool.apply(tasks.seen, handle);
    assert.deepEqual(seen, Array(WORKERS).fill({ kind: "Float64Array", shared: true, first: 1 }));
    await pool.applyOnly(tasks.poke, 2, handle, 42); // one write, seen by every worker
    assert.deepEqual(await pool.apply(tasks.peek, handle), Array(WORKERS).fill(42));
    assert.equal(source[0], 1, "the pool shares a copy, not the caller's array");
    const again = await pool.push(immutable(source)); // the same immutable: nothing sent
    assert.deepEqual(await pool.apply(tasks.peek, again), Array(WORKERS).fill(42));
  });

  test("a plain push keeps one copy per worker", { timeout: 60_000 }, async () => {
    await using pool = await createPool({ adapter: await workerAdapter(), workers: WORKERS });
    const handle = await pool.push(ramp(16));
    const seen = await pool.apply(tasks.seen, handle);
    assert.deepEqual(seen, Array(WORKERS).fill({ kind: "Float64Array", shared: false, first: 1 }));
    await pool.applyOnly(tasks.poke, 0, handle, 42);
    assert.deepEqual(await pool.apply(tasks.peek, handle), [42, 1, 1, 1]);
  });

  test("inside a structure: typed arrays and DataViews shared, ArrayBuffers copied", {
    timeout: 60_000,
  }, async () => {
    await using pool = await createPool({ adapter: await workerAdapter(), workers: 2 });
    const bytes = new Uint8Array([7, 8, 9, 10]);
    const model = immutable({
      weights: new Int32Array([5, 6]),
      part: new Uint16Array(new Uint16Array([1, 2, 3, 4]).buffer, 2, 2), // a partial view
      view: new DataView(bytes.buffer, 1, 2),
      raw: bytes.slice().buffer,
    });
    const seen = await pool.applyOnly(tasks.fields, 1, await pool.push(model));
    assert.deepEqual(seen, {
      weights: { kind: "Int32Array", shared: true, first: 5 },
      part: { kind: "Uint16Array", shared: true, first: 2 },
      view: { kind: "DataView", shared: true, first: 8 },
      raw: { kind: "ArrayBuffer", shared: false, first: 7 },
    });
  });

  test(
    "a replaced worker views the same SharedArrayBuffer again",
    { timeout: 60_000 },
    async () => {
      const { adapter, transport } = await killableAdapter();
      await using pool = await createPool({ adapter, workers: 3 });
      const handle = await pool.push(immutable(ramp(64)));
      transport().kill(1);
      await sleep(50);
      assert.deepEqual(await pool.apply(tasks.peek, handle), [1, 1, 1], "restored");
      await pool.applyOnly(tasks.poke, 1, handle, 9); // written on the replacement
      assert.deepEqual(await pool.apply(tasks.peek, handle), [9, 9, 9]);
      const seen = await pool.apply(tasks.seen, handle);
      assert.ok(seen.every((s) => s.shared), JSON.stringify(seen));
    },
  );
});

describe("push of an immutable without shared memory", () => {
  test("in-process workers keep copies", { timeout: 30_000 }, async () => {
    await using pool = await createPool({ adapter: "in-process", workers: 2 });
    const handle = await pool.push(immutable(ramp(8)));
    const seen = await pool.apply(tasks.seen, handle);
    assert.deepEqual(seen, Array(2).fill({ kind: "Float64Array", shared: false, first: 1 }));
    await pool.applyOnly(tasks.poke, 0, handle, 42);
    assert.deepEqual(await pool.apply(tasks.peek, handle), [42, 1]);
  });
});
