// The worker runtime fed messages directly, as a transport would: init, call, map (item and
// itemSeed), put/get/delete/stats, cancel, terminate.
import { before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { WorkerRuntime } from "../../src/worker_runtime.ts";
import { decode, encode, type Encoded, loadCodec } from "../../src/codec.ts";
import { itemSeed } from "../../src/context.ts";
import type { FromWorker, ToWorker } from "../../src/transport.ts";

const module = new URL("./runtime_tasks.ts", import.meta.url).href;
const enc = (value: unknown, hooks = {}): Encoded => encode(value, "args", hooks).encoded;

/** A runtime, the messages it posted, and a way to wait for the next ones. */
function runtime(allowModules?: string[]) {
  const posted: FromWorker[] = [];
  let wake: (() => void) | null = null;
  const rt = new WorkerRuntime({
    post: (message) => {
      posted.push(message);
      wake?.();
    },
    allowModules,
  });
  const send = (message: ToWorker) => rt.receive(message);
  /** Waits until `n` messages in all have been posted, then returns them. */
  const until = async (n: number): Promise<FromWorker[]> => {
    while (posted.length < n) await new Promise<void>((resolve) => (wake = resolve));
    return posted;
  };
  /** Sends `message` and returns the decoded value of its answer (or throws its error). */
  const ask = async (message: ToWorker): Promise<unknown> => {
    const at = posted.length;
    send(message);
    const answer = (await until(at + 1))[at];
    if (answer.type === "ok") return decode(answer.value);
    if (answer.type === "err") throw Object.assign(new Error(answer.error.message), answer.error);
    throw new Error(`unexpected ${answer.type}`);
  };
  return { rt, posted, send, until, ask };
}

const init = (index = 1, modules = [module]): ToWorker => ({
  type: "init",
  index,
  size: 3,
  seed: 77,
  poolSeed: 1234,
  modules,
});

describe("worker runtime", { timeout: 20_000 }, () => {
  before(() => loadCodec());

  test("init imports the modules and answers ready; a bad module answers fail", async () => {
    const ok = runtime();
    ok.send(init());
    assert.deepEqual(await ok.until(1), [{ type: "ready" }]);
    const missing = new URL("./no_such_module.ts", import.meta.url).href;
    const bad = runtime();
    bad.send(init(0, [missing]));
    const [fail] = await bad.until(1);
    assert.equal(fail.type, "fail");
    assert.ok(
      fail.type === "fail" && fail.error.message.includes(`cannot import task module ${missing}`),
    );
  });

  test("allowModules refuses a module outside the allowed prefixes", async () => {
    const w = runtime(["https://only.example/"]);
    w.send(init());
    const [fail] = await w.until(1);
    assert.ok(fail.type === "fail");
    assert.equal(
      fail.error.message,
      `task module ${module} is not allowed on this worker (allowed prefixes: https://only.example/)`,
    );
  });

  test("call runs the task with the decoded arguments and the worker context", async () => {
    const w = runtime();
    w.send(init(2));
    await w.until(1);
    assert.equal(await w.ask({ type: "call", id: 1, module, task: "add", args: enc([2, 3]) }), 5);
    assert.deepEqual(
      await w.ask({ type: "call", id: 2, module, task: "context", args: enc([]) }),
      { index: 2, size: 3, seed: 77 },
    );
    assert.equal(
      await w.ask({ type: "call", id: 3, module, task: "nothing", args: enc([]) }),
      undefined,
    );
    assert.deepEqual(w.posted.slice(1).map((m) => m.type === "ok" && m.id), [1, 2, 3]);
  });

  test("a throwing task, or one the module does not define, answers err with the reason", async () => {
    const w = runtime();
    w.send(init());
    await w.until(1);
    await assert.rejects(
      w.ask({ type: "call", id: 1, module, task: "failOnTwo", args: enc([2]) }),
      (e: Error & { name: string }) => e.name === "RangeError" && e.message === "two is bad",
    );
    await assert.rejects(
      w.ask({ type: "call", id: 2, module, task: "ghost", args: enc([]) }),
      /task module .*runtime_tasks\.ts defines no task "ghost"/,
    );
  });

  test("map runs every item with the extra arguments, item index and itemSeed", async () => {
    const w = runtime();
    w.send(init());
    await w.until(1);
    const out = await w.ask({
      type: "map",
      id: 1,
      module,
      task: "item",
      columns: enc([[10, 20, 30]]),
      extra: enc(["x"]),
      first: 5,
    });
    assert.deepEqual(
      out,
      [5, 6, 7].map((item, i) => ({
        x: 10 * (i + 1),
        extra: "x",
        item,
        itemSeed: itemSeed(1234, item),
        index: 1,
      })),
    );
    assert.deepEqual(
      await w.ask({ type: "call", id: 2, module, task: "context", args: enc([]) }),
      { index: 1, size: 3, seed: 77 },
      "no item outside a map",
    );
    await assert.rejects(
      w.ask({
        type: "map",
        id: 3,
        module,
        task: "failOnTwo",
        columns: enc([Float64Array.from([1, 2, 3])]),
        extra: enc([]),
        first: 40,
      }),
      /^RangeError: item 41: two is bad$/,
    );
  });

  test("put, get, delete and stats manage the store; a stored value resolves by reference", async () => {
    const w = runtime();
    w.send(init(0));
    await w.until(1);
    assert.equal(await w.ask({ type: "put", id: 1, object: 9, value: enc({ a: 4 }) }), undefined);
    assert.deepEqual(await w.ask({ type: "stats", id: 2 }), { objects: 1 });
    assert.deepEqual(await w.ask({ type: "get", id: 3, object: 9 }), { a: 4 });
    const ref = {};
    const args = enc([ref], { refOf: (o: object) => (o === ref ? 9 : undefined) });
    assert.equal(await w.ask({ type: "call", id: 4, module, task: "read", args }), 4);
    assert.equal(w.rt.store.get(9) !== undefined, true);
    await w.ask({ type: "delete", id: 5, objects: [9] });
    assert.deepEqual(await w.ask({ type: "stats", id: 6 }), { objects: 0 });
    await assert.rejects(
      w.ask({ type: "get", id: 7, object: 9 }),
      /^Error: remote object 9 is not on worker 0 \(removed, or lost when the worker restarted\)$/,
    );
    await assert.rejects(
      w.ask({ type: "call", id: 8, module, task: "read", args }),
      /remote object 9/,
    );
  });

  test("cancel drops a queued request unrun: an AbortError answers it, in its turn", async () => {
    const w = runtime();
    w.send(init());
    await w.until(1);
    w.send({ type: "call", id: 1, module, task: "slow", args: enc([30]) });
    w.send({ type: "call", id: 2, module, task: "add", args: enc([1, 1]) });
    w.send({ type: "cancel", id: 2 });
    w.send({ type: "stats", id: 3 });
    const answers = (await w.until(4)).slice(1);
    assert.deepEqual(answers.map((m) => [m.type, "id" in m ? m.id : null]), [
      ["ok", 1],
      ["err", 2],
      ["ok", 3],
    ]);
    assert.deepEqual((answers[1] as { error: unknown }).error, {
      name: "AbortError",
      message: "request 2 was cancelled before it started",
    });
    // A cancel for a request that started already, or is done, changes nothing.
    w.send({ type: "cancel", id: 1 });
    assert.equal(await w.ask({ type: "call", id: 5, module, task: "add", args: enc([2, 3]) }), 5);
  });

  test("terminate abandons the running task, clears the store and posts nothing more", async () => {
    const w = runtime();
    w.send(init());
    await w.until(1);
    await w.ask({ type: "put", id: 1, object: 1, value: enc(1) });
    w.send({ type: "call", id: 2, module, task: "slow", args: enc([40]) });
    await new Promise((r) => setTimeout(r, 5));
    w.rt.terminate();
    assert.equal(w.rt.store.size, 0);
    w.send({ type: "stats", id: 3 });
    // Another runtime in this thread still runs: the shared chain was not blocked.
    const other = runtime();
    other.send(init());
    await other.until(1);
    assert.equal(
      await other.ask({ type: "call", id: 1, module, task: "add", args: enc([2, 2]) }),
      4,
    );
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(w.posted.length, 2, "ready and the put's answer only");
  });
});
