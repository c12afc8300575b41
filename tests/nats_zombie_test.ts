/**
 * NATS workers that cannot be stuck: a task that breaks its thread and never
 * settles, a task that loops or never settles when its pool lets go, calls a
 * closed pool left queued, and `restart()` of a worker whose task still runs.
 * One Deno and one Bun worker process on a nats-server of their own.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { createPool, type Pool, WorkerCrashedError } from "../mod.ts";
import { nats } from "../adapters/nats/pool.ts";
import type { FromWorker, ToWorker, Transport } from "../src/transport.ts";
import {
  findNatsServer,
  PASSWORD,
  startServer,
  startWorker,
  stopAll,
  type TestServer,
  type TestWorker,
  USER,
  workerArgs,
} from "./fixtures/nats_cluster.ts";
import { tasks } from "./fixtures/nats_tasks.ts";
import { timed, until } from "./fixtures/nats_time.ts";

const serverPath = findNatsServer();
const CLUSTER = `zombie-${process.pid}`;
let server: TestServer;
const workers: TestWorker[] = [];

function natsPool(size: number, extra: Record<string, unknown> = {}): Promise<Pool> {
  const options = { servers: server.url, cluster: CLUSTER, user: USER, password: PASSWORD };
  return createPool({ adapter: "nats", workers: size, timeout: 5_000, ...options, ...extra });
}

/** The pids of the worker processes a pool holds, in worker order. */
const pids = (pool: Pool) => pool.apply(tasks.pid) as Promise<number[]>;

describe("nats workers that cannot be stuck", { skip: !serverPath && "no nats-server" }, () => {
  before(async () => {
    server = await startServer(serverPath!);
    const args = workerArgs(server.url, CLUSTER);
    workers.push(
      ...await Promise.all([
        startWorker("deno", args, "z-deno"),
        startWorker("bun", args, "z-bun"),
      ]),
    );
  });

  after(async () => {
    assert.deepEqual(await stopAll(), [], "no stray processes");
  });

  test(
    "a task that breaks its thread and never settles: the same pool and a new one work within seconds",
    {
      timeout: 30_000,
    },
    async () => {
      const pool = await natsPool(2);
      try {
        const before = await pids(pool);
        const { elapsed: crash } = await timed(
          5_000,
          () =>
            assert.rejects(pool.apply(tasks.crashAndHang, "boom"), (e: Error) => {
              assert.ok(e instanceof WorkerCrashedError, String(e));
              assert.match(e.message, /uncaught error .*boom/);
              return true;
            }),
        );
        const { value: again, elapsed: next } = await timed(8_000, () => pids(pool));
        assert.deepEqual([...again].sort(), [...before].sort(), "the same processes serve again");
        console.log(`crash reported after ${crash} ms; the same pool's next call took ${next} ms`);
        assert.ok(next < 5_000, `next call after ${next} ms`);
      } finally {
        await pool.close();
      }
      const { value, elapsed } = await timed(8_000, async () => {
        await using fresh = await natsPool(2);
        return await fresh.apply(tasks.runtime);
      });
      console.log(`a new pool was ready and answered after ${elapsed} ms`);
      assert.deepEqual([...value].sort(), ["bun", "deno"]);
      assert.ok(elapsed < 5_000, `new pool after ${elapsed} ms`);
    },
  );

  test(
    "a worker whose task loops or never settles is held, and free at once when its pool lets go",
    {
      timeout: 30_000,
    },
    async () => {
      const first = await natsPool(2);
      const stuck = [first.applyOnly(tasks.spin, 0, 60_000), first.applyOnly(tasks.hang, 1)];
      for (const call of stuck) call.catch(() => {});
      await new Promise((r) => setTimeout(r, 300));
      await assert.rejects(natsPool(1, { timeout: 500 }), /found 0 idle NATS workers of the 1/);
      const { elapsed: closing } = await timed(5_000, () => first.close());
      assert.ok(closing < 3_000, `close() took ${closing} ms`);
      const { value, elapsed } = await timed(8_000, async () => {
        await using second = await natsPool(2);
        return await second.apply(tasks.sleep, 1);
      });
      console.log(`after a looping task's pool closed, a new pool answered in ${elapsed} ms`);
      assert.deepEqual(value, ["slept", "slept"]);
      assert.ok(elapsed < 4_000, `${elapsed} ms`);
    },
  );

  test("calls a closed pool left queued are dropped, not run for the next pool", {
    timeout: 30_000,
  }, async () => {
    const first = await natsPool(2);
    const queued = [];
    for (let i = 0; i < 30; i++) queued.push(first.apply(tasks.sleep, 500).catch(() => "dropped"));
    await new Promise((r) => setTimeout(r, 200));
    await first.close();
    const { elapsed } = await timed(8_000, async () => {
      await using second = await natsPool(2);
      return await second.apply(tasks.sleep, 1);
    });
    assert.ok(elapsed < 3_000, `the next pool waited ${elapsed} ms (30 × 500 ms were queued)`);
    assert.ok((await Promise.all(queued)).every((r) => r === "dropped"));
  });

  test("restart() of a worker whose task still runs replaces it silently", {
    timeout: 30_000,
  }, async () => {
    const got: string[] = [];
    const transport: Transport = await nats.connect({
      workers: 1,
      events: {
        message: (w, m: FromWorker) => got.push(`${w} ${m.type}${"id" in m ? ` ${m.id}` : ""}`),
        exit: (w, reason) => got.push(`${w} exit ${reason.message}`),
      },
      options: { servers: server.url, cluster: CLUSTER, user: USER, password: PASSWORD },
    });
    try {
      const init: ToWorker = { type: "init", index: 0, size: 1, seed: 1, poolSeed: 1, modules: [] };
      const call = (id: number, task: string, args: string) => ({
        type: "call" as const,
        id,
        module: tasks.spin.module,
        task,
        args: { s: 0 as const, j: args, b: [] },
      });
      transport.send(0, init);
      transport.send(0, call(1, "spin", "[30000]"));
      transport.send(0, call(2, "pid", "[]"));
      await until(() => got.includes("0 ready"), 5_000, "ready");
      await new Promise((r) => setTimeout(r, 300));
      const { elapsed } = await timed(8_000, () => transport.restart!(0));
      transport.send(0, init);
      transport.send(0, call(3, "runtime", "[]"));
      await until(() => got.includes("0 ok 3"), 5_000, "the replacement answers");
      await new Promise((r) => setTimeout(r, 500));
      assert.deepEqual(got, ["0 ready", "0 ready", "0 ok 3"], "nothing of the old worker");
      console.log(`restart() of a looping worker took ${elapsed} ms`);
      // The looping task was ended: both processes can be claimed at once.
      await transport.close();
      const { value } = await timed(8_000, async () => {
        await using pool = await natsPool(2);
        return await pool.apply(tasks.sleep, 1);
      });
      assert.deepEqual(value, ["slept", "slept"]);
    } finally {
      await transport.close();
    }
  });

  test("restart() with no idle worker says so within the pool's timeout", {
    timeout: 30_000,
  }, async () => {
    await using other = await natsPool(1);
    const got: FromWorker[] = [];
    const exits: string[] = [];
    const transport = await nats.connect({
      workers: 1,
      events: { message: (_w, m) => got.push(m), exit: (_w, r) => exits.push(r.message) },
      options: {
        servers: server.url,
        cluster: CLUSTER,
        user: USER,
        password: PASSWORD,
        timeout: 1_000,
      },
    });
    try {
      transport.send(0, { type: "init", index: 0, size: 1, seed: 1, poolSeed: 1, modules: [] });
      const args = { s: 0 as const, j: "[]", b: [] };
      transport.send(0, { type: "call", id: 1, module: tasks.pid.module, task: "pid", args });
      await until(() => got.length === 2, 5_000, "pid");
      const answer = got[1];
      assert.equal(answer.type, "ok");
      const pid = Number(answer.type === "ok" ? answer.value.j : NaN);
      workers.find((w) => w.proc.pid === pid)!.proc.kill("SIGKILL");
      await until(() => exits.length === 1, 6_000, "the loss is reported");
      const { elapsed } = await timed(
        6_000,
        () =>
          assert.rejects(transport.restart!(0), (e: Error) => {
            assert.match(e.message, /no replacement for worker 0: found 0 idle NATS workers/);
            assert.match(e.message, /1 worker answered, 1 held by other pools/);
            return true;
          }),
      );
      assert.ok(elapsed >= 900 && elapsed < 4_000, `${elapsed} ms`);
      assert.equal((await other.apply(tasks.noop)).length, 1);
    } finally {
      await transport.close();
    }
  });
});
