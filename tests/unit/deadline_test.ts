// The one deadline helper: callSignal (timeout and caller's signal as one), abortable, deadline.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { abortable, callSignal, deadline } from "../../src/deadline.ts";

const never = () => new Promise<never>(() => {});
const late = new Error("late");

describe("deadline", { timeout: 10_000 }, () => {
  test("callSignal() is undefined with neither a timeout nor a signal (or an Infinity timeout)", () => {
    assert.equal(callSignal(undefined, undefined, () => late), undefined);
    assert.equal(callSignal(Infinity, undefined, () => late), undefined);
  });

  test("callSignal() aborts with onTimeout()'s error when the time is up", async () => {
    const call = callSignal(20, undefined, () => late)!;
    assert.equal(call.signal.aborted, false);
    await new Promise((resolve) => call.signal.addEventListener("abort", resolve));
    assert.equal(call.signal.reason, late);
  });

  test("callSignal() follows the caller's signal, already aborted or aborted later", () => {
    const reason = new Error("stop");
    const already = callSignal(1_000, AbortSignal.abort(reason), () => late)!;
    assert.equal(already.signal.aborted, true);
    assert.equal(already.signal.reason, reason);
    const controller = new AbortController();
    const call = callSignal(undefined, controller.signal, () => late)!;
    assert.equal(call.signal.aborted, false);
    controller.abort(reason);
    assert.equal(call.signal.reason, reason);
  });

  test("callSignal().clear() stops the timer and the caller's signal; it is idempotent", async () => {
    const controller = new AbortController();
    let made = 0;
    const call = callSignal(10, controller.signal, () => (made++, late))!;
    call.clear();
    call.clear();
    controller.abort(new Error("after clear"));
    await new Promise((r) => setTimeout(r, 40));
    assert.equal(call.signal.aborted, false);
    assert.equal(made, 0, "onTimeout never ran");
  });

  test("abortable() settles as the promise does, or rejects with the abort reason", async () => {
    assert.equal(await abortable(Promise.resolve(1), undefined), 1);
    assert.equal(await abortable(Promise.resolve(2), new AbortController().signal), 2);
    await assert.rejects(
      abortable(Promise.reject(new Error("own")), new AbortController().signal),
      /own/,
    );
    const reason = new Error("aborted before");
    await assert.rejects(abortable(never(), AbortSignal.abort(reason)), (e) => e === reason);
    const controller = new AbortController();
    const run = abortable(never(), controller.signal);
    setTimeout(() => controller.abort(new Error("aborted later")), 10);
    await assert.rejects(run, /aborted later/);
  });

  test("abortable() leaves no unhandled rejection when the abandoned promise fails later", async () => {
    let fail!: (e: Error) => void;
    const inner = new Promise<never>((_, reject) => (fail = reject));
    await assert.rejects(abortable(inner, AbortSignal.abort(new Error("gone"))), /gone/);
    fail(new Error("too late")); // handled by abortable: the test run would report it otherwise
    await new Promise((r) => setTimeout(r, 10));
  });

  test("deadline() resolves in time, rejects with onTimeout()'s error after ms", async () => {
    assert.equal(await deadline(Promise.resolve(3), 1_000, () => late), 3);
    const start = performance.now();
    await assert.rejects(deadline(never(), 30, () => late), (e) => e === late);
    assert.ok(performance.now() - start >= 25, "not before its time");
    assert.equal(await deadline(Promise.resolve(4), Infinity, () => late), 4);
  });

  test("callSignal().check() throws once the deadline passed, even before its timer ran", () => {
    const call = callSignal(20, undefined, () => late)!;
    call.check(); // in time: nothing
    const end = performance.now() + 30;
    while (performance.now() < end) { /* the timer cannot run */ }
    assert.throws(() => call.check(), (e) => e === late);
    assert.equal(call.signal.aborted, true);
    call.clear();
  });
});
