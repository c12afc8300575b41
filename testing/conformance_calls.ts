/**
 * Conformance: call options. Deadlines and aborts end a call whatever its
 * task does, the worker running it is replaced and calls queued behind it run
 * on the replacement; a pool-wide `callTimeout`; bad options are refused.
 *
 * @module
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { type Pool, RemoteError, TimeoutError } from "../mod.ts";
import type { ConformanceOptions } from "./conformance.ts";
import { tasks } from "./stream_tasks.ts";

async function collectAll<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of stream) out.push(x);
  return out;
}

/** How late a deadline or abort may reject here (SPEC: 100 ms; slack for noisy CI). */
const SLACK_MS = 700;
const WORKERS = 4;

/** Settles `p` and measures it. */
async function timed<T>(p: Promise<T>): Promise<{ value?: T; error?: unknown; ms: number }> {
  const start = performance.now();
  try {
    return { value: await p, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}

/**
 * Registers the call-option tests for one transport.
 *
 * @param options The pool factory, the adapter's name and optional skips.
 */
export function callsSuite(options: ConformanceOptions): void {
  const { name, skip = {}, timeout = 60_000 } = options;
  const it = (title: string, fn: () => Promise<void>) =>
    test(title, { timeout, skip: skip[title] ?? false }, fn);
  let pool: Pool;

  describe(`conformance: ${name}: deadlines and cancelling`, () => {
    before(async () => {
      pool = await options.createPool({ workers: WORKERS });
    });
    after(async () => {
      await pool?.close();
    });

    it("with({ timeout }) rejects a hung call with a TimeoutError and replaces its worker", async () => {
      const { error, ms } = await timed(pool.with({ timeout: 200 }).applyOnly(tasks.hang, 1));
      assert.ok(error instanceof TimeoutError, String(error));
      assert.equal(error.name, "TimeoutError");
      assert.match(error.message, /applyOnly\(hang\) did not finish on worker 1 within .*200 ms/);
      assert.deepEqual(error.workers, [1]);
      assert.ok(ms >= 190 && ms < 200 + SLACK_MS, `rejected after ${ms} ms`);
      assert.deepEqual(await pool.apply(tasks.where), [0, 1, 2, 3], "the next apply is right");
    });

    it("calls queued behind an abandoned call run on the replacement", async () => {
      const hung = pool.with({ timeout: 150 }).applyOnly(tasks.hang, 2);
      const behind = pool.applyOnly(tasks.same, 2, "behind");
      const other = pool.applyOnly(tasks.nap, 3, 10);
      await assert.rejects(hung, TimeoutError);
      assert.equal(await behind, "behind");
      assert.equal(await other, 3, "other workers are untouched");
    });

    it("a queued call past its deadline is dropped and the running one finishes", async () => {
      const running = pool.applyOnly(tasks.nap, 0, 400);
      const { error } = await timed(pool.with({ timeout: 100 }).applyOnly(tasks.same, 0, "late"));
      assert.ok(error instanceof TimeoutError, String(error));
      assert.equal(await running, 0, "the worker was not replaced");
    });

    it("apply() past its deadline names every worker still running it", async () => {
      const { error } = await timed(pool.with({ timeout: 150 }).apply(tasks.hang));
      assert.ok(error instanceof TimeoutError, String(error));
      assert.deepEqual(error.workers, [0, 1, 2, 3]);
      assert.match(error.message, /apply\(hang\) did not finish on workers 0, 1, 2, 3/);
      assert.deepEqual(await pool.apply(tasks.where), [0, 1, 2, 3]);
    });

    it("with({ signal }) rejects with the signal's reason, before or during the call", async () => {
      const controller = new AbortController();
      const call = timed(pool.with({ signal: controller.signal }).applyOnly(tasks.hang, 1));
      setTimeout(() => controller.abort(new Error("user stopped it")), 100);
      const { error, ms } = await call;
      assert.equal((error as Error).message, "user stopped it");
      assert.ok(ms < 100 + SLACK_MS, `rejected after ${ms} ms`);
      const already = AbortSignal.abort(new Error("before"));
      await assert.rejects(pool.with({ signal: already }).apply(tasks.where), /before/);
      // An already aborted push or scatter sends nothing, and consumes nothing.
      const source = new Float64Array([1, 2, 3, 4]);
      const view = pool.with({ signal: already });
      await assert.rejects(view.push({ a: 1 }), /before/);
      await assert.rejects(view.scatterArray(source, { copy: false }), /before/);
      await assert.rejects(view.scatterList([1, 2]), /before/);
      assert.equal(source.length, 4, "the source was not consumed");
      assert.equal((await pool.stats()).pendingCalls, 0, "nothing was sent");
      assert.deepEqual(await pool.apply(tasks.where), [0, 1, 2, 3]);
    });

    it("map() with a deadline rejects with a TimeoutError and the pool goes on", async () => {
      const view = pool.with({ timeout: 200, chunkSize: 1 });
      const { error, ms } = await timed(view.map(tasks.square, [[1, 2, 3]]));
      assert.deepEqual(error, undefined, "a quick map finishes");
      assert.ok(ms < 2_000);
      const hung = await timed(pool.with({ timeout: 200 }).map(tasks.stall, [[1, 2]]));
      assert.ok(hung.error instanceof TimeoutError, String(hung.error));
      assert.match(hung.error.message, /map\(stall\) did not finish on workers? /);
      // The stalled chunk's worker finished its other chunk: it is still the one named.
      const items = [1, 2, 3, 4, 5, 6, 7, 8];
      for (
        const run of [
          () => pool.with({ timeout: 200, chunkSize: 1 }).map(tasks.stallOn, [items], 7),
          () => collectAll(pool.with({ timeout: 200 }).imap(tasks.stallOn, [items], 7)),
        ]
      ) {
        const late = await timed(run());
        assert.ok(late.error instanceof TimeoutError, String(late.error));
        assert.ok(late.error.workers.length >= 1, late.error.message);
        assert.match(late.error.message, /did not finish on workers? \d/);
      }
      assert.deepEqual(await pool.map(tasks.square, [[1, 2, 3, 4, 5]]), [1, 4, 9, 16, 25]);
    });

    it("a task that throws is never retried and keeps its RemoteError", async () => {
      const view = pool.with({ retries: 3 });
      await assert.rejects(view.applyOnly(tasks.square, 1, 2, 2), RemoteError);
    });

    it("with() refuses bad options by rejecting the view's calls, naming the option", async () => {
      const cases: [object, ErrorConstructor, RegExp][] = [
        [{ timeout: 0 }, RangeError, /'options\.timeout' must be a positive number/],
        [{ timeout: "1" }, TypeError, /'options\.timeout' must be a number/],
        [{ retries: -1 }, RangeError, /'options\.retries' must be a non-negative integer/],
        [{ retries: 1.5 }, RangeError, /'options\.retries'/],
        [{ signal: {} }, TypeError, /'options\.signal' must be an AbortSignal/],
        [{ chunkSize: 0 }, RangeError, /'options\.chunkSize' must be a positive integer/],
        [{ onProgress: 1 }, TypeError, /'options\.onProgress' must be a function/],
        [{ timout: 5 }, TypeError, /unknown option 'timout' of with\(\); known options: timeout/],
      ];
      for (const [bad, type, message] of cases) {
        const view = pool.with(bad as never);
        for (const call of [view.apply(tasks.where), view.map(tasks.square, [[1]])]) {
          await assert.rejects(call, (e: Error) => {
            assert.ok(e instanceof type, `${JSON.stringify(bad)} gave ${e}`);
            assert.match(e.message, message);
            return true;
          });
        }
      }
    });

    it("a throwing onProgress rejects the map with its error and never fires after", async () => {
      const seen: number[] = [];
      const boom = new Error("progress failed");
      const view = pool.with({
        chunkSize: 1,
        onProgress(done) {
          seen.push(done);
          if (done === 2) throw boom;
        },
      });
      await assert.rejects(view.map(tasks.square, [[1, 2, 3, 4, 5, 6, 7, 8]]), (e) => e === boom);
      const count = seen.length;
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(seen.length, count, "onProgress fired after the map settled");
      assert.ok(!seen.includes(8));
    });
  });

  describe(`conformance: ${name}: callTimeout`, () => {
    it("createPool({ callTimeout }) gives every call a deadline", async () => {
      await using timed_ = await options.createPool({ workers: 2, callTimeout: 200 });
      const { error, ms } = await timed(timed_.applyOnly(tasks.hang, 0));
      assert.ok(error instanceof TimeoutError, String(error));
      assert.ok(ms < 200 + SLACK_MS, `rejected after ${ms} ms`);
      // A view may lift it (the replacement of worker 0 may take longer than 200 ms to start).
      assert.deepEqual(await timed_.with({ timeout: Infinity }).apply(tasks.where), [0, 1]);
      assert.equal(await timed_.with({ timeout: Infinity }).applyOnly(tasks.nap, 1, 300), 1);
    });
  });
}
