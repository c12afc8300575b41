/**
 * Conformance: streaming (`imap`, `imapUnordered`), per-item seeds and `pull`.
 *
 * @module
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Pool, RemoteError } from "../mod.ts";
import { deadline } from "../src/deadline.ts";
import type { ConformanceOptions } from "./conformance.ts";
import { tasks } from "./stream_tasks.ts";

const WORKERS = 3;

/** Collects an async iterable. */
async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** An endless generator that counts what was pulled from it and whether it was closed. */
function counting(): { gen: Generator<number>; pulled: () => number; closed: () => boolean } {
  let pulled = 0;
  let closed = false;
  function* gen(): Generator<number> {
    try {
      for (let i = 0;; i++) {
        pulled++;
        yield i;
      }
    } finally {
      closed = true;
    }
  }
  return { gen: gen(), pulled: () => pulled, closed: () => closed };
}

/**
 * Registers the streaming tests for one transport.
 *
 * @param options The pool factory, the adapter's name and optional skips.
 */
export function streamSuite(options: ConformanceOptions): void {
  const { name, skip = {}, timeout = 60_000 } = options;
  const it = (title: string, fn: () => Promise<void>) =>
    test(title, { timeout, skip: skip[title] ?? false }, fn);
  let pool: Pool;

  describe(`conformance: ${name}: streaming, item seeds, pull`, () => {
    before(async () => {
      pool = await options.createPool({ workers: WORKERS, seed: 42 });
    });
    after(async () => {
      await pool?.close();
    });

    it("imap() yields results in input order from arrays, iterables and async iterables", async () => {
      const xs = Array.from({ length: 20 }, (_, i) => i);
      const squares = xs.map((x) => x * x);
      assert.deepEqual(await collect(pool.imap(tasks.square, [xs])), squares);
      assert.deepEqual(await collect(pool.imap(tasks.square, [new Set(xs)])), squares);
      async function* slow(): AsyncGenerator<number> {
        for (const x of xs) {
          await new Promise((r) => setTimeout(r, 1));
          yield x;
        }
      }
      const view = pool.with({ chunkSize: 3 });
      assert.deepEqual(await collect(view.imap(tasks.square, [slow()])), squares);
    });

    it("imapUnordered() yields every [index, result] pair once", async () => {
      const pairs = await collect(
        pool.with({ chunkSize: 2 }).imapUnordered(tasks.square, [[
          1,
          2,
          3,
          4,
          5,
        ]]),
      );
      assert.deepEqual(pairs.sort((a, b) => a[0] - b[0]), [[0, 1], [1, 4], [2, 9], [3, 16], [
        4,
        25,
      ]]);
    });

    it("imap() reads an endless generator lazily, and breaking out stops it", async () => {
      const source = counting();
      let seen = 0;
      for await (const y of pool.imap(tasks.square, [source.gen])) {
        assert.equal(y, seen * seen);
        if (++seen === 10) break;
      }
      assert.ok(source.pulled() <= 10 + 2 * WORKERS + 1, `pulled ${source.pulled()} items`);
      assert.ok(source.closed(), "the generator was closed");
      const pulled = source.pulled();
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(source.pulled(), pulled, "nothing is pulled after the break");
      assert.deepEqual(await pool.map(tasks.square, [[1, 2]]), [1, 4], "the pool goes on");
    });

    it("imap() rejects the loop with a task's RemoteError, and with the abort reason", async () => {
      await assert.rejects(collect(pool.imap(tasks.square, [[1, 2, 3, 4]], 3)), (e: Error) => {
        assert.ok(e instanceof RemoteError, String(e));
        assert.match(e.message, /item 2: item value 3 is bad/);
        return true;
      });
      const controller = new AbortController();
      const source = counting();
      const run = collect(
        pool.with({ signal: controller.signal }).imap(tasks.square, [source.gen]),
      );
      setTimeout(() => controller.abort(new Error("enough")), 50);
      await assert.rejects(run, /enough/);
      await assert.rejects(collect(pool.imap(tasks.square, [[1, 2], [1]])), RangeError);
      await assert.rejects(collect(pool.imap(tasks.square, [5 as never])), TypeError);
    });

    it("a task error mid-stream ends imap() with the RemoteError, never a hang", async () => {
      // The failed chunk never arrives, so later chunks fill the window: the loop must still end.
      for (const view of [pool, pool.with({ chunkSize: 2 })]) {
        for (let n = 6; n < 20; n += 3) {
          const xs = Array.from({ length: n }, (_, i) => i);
          const run = collect(view.imap(tasks.square, [xs], 5));
          const error = await deadline(
            run.then(() => null, (e) => e),
            10_000,
            () => new Error(`imap over ${n} items failing at item 5 did not end within 10 s`),
          );
          assert.ok(error instanceof RemoteError, String(error));
          assert.match(error.message, /item 5: item value 5 is bad/);
        }
      }
      assert.equal((await pool.stats()).pendingCalls, 0);
      assert.deepEqual(await pool.map(tasks.square, [[1, 2]]), [1, 4], "the pool goes on");
    });

    it("itemSeed depends on the pool seed and the item alone", async () => {
      const items = Array.from({ length: 12 }, (_, i) => i);
      const here = await pool.map(tasks.draw, [items]);
      assert.deepEqual(here.map((d) => d[0]), items);
      assert.equal(new Set(here.map((d) => d[1])).size, 12, "seeds differ per item");
      await using one = await options.createPool({ workers: 1, seed: 42 });
      const views = [
        one.map(tasks.draw, [items]),
        pool.with({ chunkSize: 5 }).map(tasks.draw, [items]),
        collect(pool.with({ chunkSize: 2 }).imap(tasks.draw, [items])),
      ];
      for (const other of await Promise.all(views)) assert.deepEqual(other, here);
      assert.deepEqual(await pool.applyOnly(tasks.outside, 0), [undefined, undefined]);
      await using other = await options.createPool({ workers: 2, seed: 43 });
      assert.notDeepEqual((await other.map(tasks.draw, [items]))[0][1], here[0][1]);
    });

    it("pull() returns each worker's current value, after writes", async () => {
      const counter = await pool.push({ n: 0 });
      await pool.applyOnly(tasks.setN, 2, counter as never, 7);
      assert.deepEqual(await pool.pull(counter), [{ n: 0 }, { n: 0 }, { n: 7 }]);
      const chunks = await pool.scatterList(["a", "b", "c", "d"]);
      assert.deepEqual(await pool.pull(chunks), [["a", "b"], ["c", "d"], []]);
      await counter.remove();
      await assert.rejects(pool.pull(counter), /removed/);
      await assert.rejects(pool.pull({} as never), TypeError);
    });
  });
}
