// Error classes and the error data that crosses the wire.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  errorToData,
  PoolClosedError,
  RemoteError,
  reviveError,
  TimeoutError,
} from "../../src/errors.ts";

describe("errors", () => {
  test("RemoteError: message, fields and the failures list, first one itself", () => {
    const three = new RemoteError(3, { name: "TypeError", message: "late", stack: "at three" });
    const one = new RemoteError(1, { name: "RangeError", message: "bad", stack: "at one" }, [
      three,
    ]);
    assert.equal(one.name, "RemoteError");
    assert.equal(one.message, "worker 1: RangeError: bad (workers 3 failed too)");
    assert.equal(one.workerIndex, 1);
    assert.equal(one.remoteName, "RangeError");
    assert.equal(one.remoteStack, "at one");
    assert.deepEqual(one.failures.map((f) => f.workerIndex), [1, 3]);
    assert.equal(one.failures[0], one);
    assert.equal(one.failures[1], three);
    assert.deepEqual(three.failures, [three]);
    assert.equal(three.message, "worker 3: TypeError: late");
    assert.equal(new RemoteError(0, { name: "E", message: "m" }).remoteStack, "");
    assert.ok(one instanceof Error);
  });

  test("RemoteError revives the remote cause chain", () => {
    const e = new RemoteError(0, {
      name: "Error",
      message: "outer",
      cause: { name: "SyntaxError", message: "inner", stack: "at inner" },
    });
    const cause = e.cause as Error;
    assert.ok(cause instanceof Error);
    assert.equal(cause.name, "SyntaxError");
    assert.equal(cause.message, "inner");
    assert.equal(cause.stack, "at inner");
  });

  test("TimeoutError: fields and a message naming the call, the workers and the limit", () => {
    const one = new TimeoutError("applyOnly(step)", [2], 50);
    assert.equal(one.name, "TimeoutError");
    assert.equal(one.call, "applyOnly(step)");
    assert.deepEqual(one.workers, [2]);
    assert.equal(one.timeout, 50);
    assert.equal(
      one.message,
      "applyOnly(step) did not finish on worker 2 within its deadline of 50 ms",
    );
    assert.equal(
      new TimeoutError("apply(solve)", [0, 3], 1000).message,
      "apply(solve) did not finish on workers 0, 3 within its deadline of 1000 ms",
    );
    assert.equal(
      new TimeoutError("map(f)", [], 5).message,
      "map(f) did not finish within its deadline of 5 ms",
    );
    assert.ok(one instanceof Error);
  });

  test("errorToData() keeps name, message, stack and causes up to 4 deep", () => {
    const deep = new Error("0", {
      cause: new Error("1", {
        cause: new Error("2", {
          cause: new Error("3", {
            cause: new Error("4", { cause: new Error("5") }),
          }),
        }),
      }),
    });
    let data = errorToData(deep);
    assert.equal(data.name, "Error");
    assert.equal(data.message, "0");
    assert.match(data.stack ?? "", /errors_test/);
    const messages: string[] = [];
    for (let d: typeof data | undefined = data; d; d = d.cause) messages.push(d.message);
    assert.deepEqual(messages, ["0", "1", "2", "3", "4"]);
    data = errorToData(new RangeError("r"));
    assert.equal(data.name, "RangeError");
    assert.equal(data.cause, undefined);
  });

  test("errorToData() describes thrown non-errors", () => {
    assert.deepEqual(errorToData("text"), { name: "Error", message: "non-Error thrown: text" });
    assert.deepEqual(errorToData({ code: 7 }), {
      name: "Error",
      message: 'non-Error thrown: {"code":7}',
    });
    assert.equal(errorToData(undefined).message, "non-Error thrown: undefined");
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    assert.equal(errorToData(cyclic).message, "non-Error thrown: [object Object]");
    assert.equal(errorToData(10n).message, "non-Error thrown: 10");
  });

  test("reviveError() inverts errorToData() for name, message, stack and cause", () => {
    const original = new TypeError("outer", { cause: new RangeError("inner") });
    const back = reviveError(errorToData(original));
    assert.equal(back.name, "TypeError");
    assert.equal(back.message, "outer");
    assert.equal(back.stack, original.stack);
    assert.equal((back.cause as Error).name, "RangeError");
    assert.equal((back.cause as Error).message, "inner");
  });

  test("PoolClosedError is an Error with its own name", () => {
    const e = new PoolClosedError();
    assert.ok(e instanceof Error);
    assert.equal(e.name, "PoolClosedError");
  });
});
