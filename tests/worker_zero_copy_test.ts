// Zero-copy on this runtime's worker adapter: scatterArray(a, { copy: false }) transfers the
// buffers (the source is detached) and a SharedArrayBuffer passes shared, so a worker's write is
// visible to the main thread.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Adapter, createPool } from "../mod.ts";
import { tasks } from "./fixtures/array_tasks.ts";
import { workerAdapter } from "./worker_helpers.ts";

/** Buffers in the transfer list of each `put`: byte lengths before and after it was sent. */
interface Transferred {
  before: number[];
  after: number[];
}

/** This runtime's worker adapter, recording what every `put` message transferred. */
async function recordingAdapter(puts: Transferred[]): Promise<Adapter> {
  const base = await workerAdapter();
  return {
    name: base.name,
    async connect(options) {
      const transport = await base.connect(options);
      return {
        size: transport.size,
        send(worker, message, transfer) {
          const buffers = (transfer ?? []) as ArrayBuffer[];
          const before = buffers.map((b) => b.byteLength);
          transport.send(worker, message, transfer);
          if (message.type === "put") {
            puts.push({
              before,
              after: buffers.map((b) => b.byteLength),
            });
          }
        },
        restart: (worker) => transport.restart(worker),
        close: () => transport.close(),
      };
    },
  };
}

const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe("worker zero-copy", () => {
  test("scatterArray() with copy: false detaches the source and workers get their rows", {
    timeout: 60_000,
  }, async () => {
    const puts: Transferred[] = [];
    await using pool = await createPool({
      adapter: await recordingAdapter(puts),
      workers: 3,
      restore: false,
    });
    const source = new Float64Array(range(12)); // 4 rows of 3: 2, 2 and 0 rows per worker
    const scattered = await pool.scatterArray(source, { copy: false, rowLength: 3 });
    assert.equal(source.byteLength, 0);
    assert.equal(source.buffer.byteLength, 0);
    // Each worker's chunk buffer went in the transfer list and postMessage detached it.
    assert.deepEqual(puts, [
      { before: [48], after: [0] },
      { before: [48], after: [0] },
      { before: [0], after: [0] },
    ]);
    assert.deepEqual(await pool.apply(tasks.describe, scattered), [
      { values: [0, 1, 2, 3, 4, 5], kind: "Float64Array", shared: false },
      { values: [6, 7, 8, 9, 10, 11], kind: "Float64Array", shared: false },
      { values: [], kind: "Float64Array", shared: false },
    ]);
  });

  test("scatterArray() with copy: false detaches a view at an offset of its buffer", {
    timeout: 60_000,
  }, async () => {
    await using pool = await createPool({ adapter: await workerAdapter(), workers: 2 });
    const buffer = new ArrayBuffer(10 * 4);
    const whole = new Int32Array(buffer);
    whole.set(range(10));
    const view = new Int32Array(buffer, 2 * 4, 6); // elements 2..7
    const scattered = await pool.scatterArray(view, { copy: false });
    assert.equal(buffer.byteLength, 0);
    assert.equal(view.length, 0);
    assert.deepEqual((await pool.apply(tasks.describe, scattered)).map((d) => d.values), [
      [2, 3, 4],
      [5, 6, 7],
    ]);
  });

  test("scatterArray() with copy: true leaves the source intact", { timeout: 60_000 }, async () => {
    await using pool = await createPool({ adapter: await workerAdapter(), workers: 2 });
    const source = new Float64Array(range(4));
    const scattered = await pool.scatterArray(source);
    assert.deepEqual(Array.from(source), [0, 1, 2, 3]);
    assert.deepEqual((await pool.apply(tasks.describe, scattered)).map((d) => d.values), [
      [0, 1],
      [2, 3],
    ]);
  });

  test("apply() passes a SharedArrayBuffer view shared: worker writes are visible", {
    timeout: 60_000,
  }, async () => {
    await using pool = await createPool({ adapter: await workerAdapter(), workers: 2 });
    const view = new Int32Array(new SharedArrayBuffer(2 * 4));
    assert.deepEqual(await pool.apply(tasks.mark, view, 40), [true, true]);
    assert.deepEqual(Array.from(view), [40, 41]);
  });

  test("push() keeps a SharedArrayBuffer view shared on every worker", {
    timeout: 60_000,
  }, async () => {
    await using pool = await createPool({ adapter: await workerAdapter(), workers: 2 });
    const view = new Int32Array(new SharedArrayBuffer(2 * 4));
    await using handle = await pool.push(view);
    assert.deepEqual(await pool.apply(tasks.mark, handle, 7), [true, true]);
    assert.deepEqual(Array.from(view), [7, 8]);
  });

  test("scatterArray() of a SharedArrayBuffer view gives workers shared chunks", {
    timeout: 60_000,
  }, async () => {
    await using pool = await createPool({ adapter: await workerAdapter(), workers: 2 });
    const view = new Int32Array(new SharedArrayBuffer(5 * 4));
    await using chunks = await pool.scatterArray(view);
    assert.deepEqual(await pool.apply(tasks.fillChunk, chunks), [3, 2]);
    assert.deepEqual(Array.from(view), [1, 1, 1, 2, 2]);
  });
});
