// Worker context and seeds: workerContext outside a task, per-worker and per-item seeds, rng.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { itemSeed, rng, setWorkerContext, workerContext, workerSeed } from "../../src/context.ts";

const isSeed = (s: number) => Number.isInteger(s) && s >= 0 && s < 2 ** 32;

describe("context", () => {
  test("workerContext() outside a task throws; inside it returns what was set", () => {
    assert.throws(
      () => workerContext(),
      /^Error: workerContext\(\) can only be called inside a task running on a pool worker$/,
    );
    const context = { index: 1, size: 2, seed: 3 };
    setWorkerContext(context);
    try {
      assert.equal(workerContext(), context);
    } finally {
      setWorkerContext(null);
    }
    assert.throws(() => workerContext(), /only be called inside a task/);
  });

  test("workerSeed() is 32-bit, the same for the same inputs, different per worker and pool seed", () => {
    const seeds = Array.from({ length: 64 }, (_, i) => workerSeed(42, i));
    assert.ok(seeds.every(isSeed));
    assert.equal(new Set(seeds).size, 64);
    assert.deepEqual(Array.from({ length: 64 }, (_, i) => workerSeed(42, i)), seeds);
    assert.notEqual(workerSeed(43, 0), workerSeed(42, 0));
  });

  test("itemSeed() depends on the pool seed and the item only, also past 2^32 items", () => {
    const seeds = Array.from({ length: 1000 }, (_, i) => itemSeed(7, i));
    assert.ok(seeds.every(isSeed));
    assert.equal(new Set(seeds).size, 1000, "no collisions among the first 1000 items");
    assert.equal(itemSeed(7, 123), seeds[123]);
    assert.notEqual(itemSeed(8, 123), seeds[123]);
    assert.notEqual(itemSeed(7, 2 ** 32 + 5), itemSeed(7, 5), "the high bits count");
    assert.ok(isSeed(itemSeed(7, 2 ** 40)));
  });

  test("rng() is a reproducible stream in [0, 1)", () => {
    const a = rng(99);
    const b = rng(99);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(Array.from({ length: 1000 }, () => b()), xs);
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05, `mean ${mean}`);
    assert.notEqual(rng(100)(), xs[0]);
  });
});
