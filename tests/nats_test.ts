/**
 * The NATS adapter against a real `nats-server` (started here on a free
 * loopback port, with credentials) and a cluster of Deno and Bun worker
 * processes: the conformance suite, then faults and security. Runs under
 * `deno test` and `bun test`; skips with one line when nats-server is missing.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { connect } from "@nats-io/transport-node";
import { createPool, defineTasks, type Pool, RemoteError, WorkerCrashedError } from "../mod.ts";
import { runConformance } from "../testing/conformance.ts";
import {
  findNatsServer,
  isAlive,
  launchScript,
  PASSWORD,
  startServer,
  startWorker,
  stopAll,
  type TestServer,
  type TestWorker,
  USER,
  waitFor,
} from "./fixtures/nats_cluster.ts";
import { tasks } from "./fixtures/nats_tasks.ts";
import { timed } from "./fixtures/nats_time.ts";

const serverPath = findNatsServer();
const CLUSTER = `test-${process.pid}`;
const ALLOWED = new URL("./fixtures/", import.meta.url).href;
const ALLOWED_TESTING = new URL("../testing/", import.meta.url).href;
const MiB = 1024 * 1024;

let server: TestServer;
const workers: TestWorker[] = [];

/** A pool on the test cluster. */
function natsPool(workers: number, extra: Record<string, unknown> = {}): Promise<Pool> {
  return createPool({
    adapter: "nats",
    workers,
    servers: server.url,
    cluster: CLUSTER,
    user: USER,
    password: PASSWORD,
    timeout: 10_000,
    ...extra,
  });
}

/** A test that fails instead of hanging when it runs over `ms`. */
function natsTest(title: string, ms: number, fn: () => Promise<unknown>): void {
  test(title, async () => {
    await timed(ms, fn);
  });
}

if (!serverPath) {
  console.log(
    "skipping the NATS tests: nats-server is not installed (apt-get install -y nats-server)",
  );
} else {
  describe("nats", () => {
    before(async () => {
      server = await startServer(serverPath);
      const args = ["--server", server.url, "--cluster", CLUSTER, "--user", USER];
      args.push(
        "--password",
        PASSWORD,
        "--allow-module",
        ALLOWED,
        "--allow-module",
        ALLOWED_TESTING,
      );
      const runtimes = ["deno", "bun", "deno", "bun", "deno", "bun", "deno", "bun"] as const;
      workers.push(
        ...await Promise.all(runtimes.map((r, i) => startWorker(r, args, `${r}-${i}`))),
      );
    });

    after(async () => {
      const alive = await stopAll();
      assert.deepEqual(alive, [], "no stray processes");
      assert.ok(workers.every((w) => !isAlive(w.proc.pid)));
    });

    natsTest("createPool() claims Deno and Bun worker processes alike", 20_000, async () => {
      await using pool = await natsPool(2);
      assert.equal(pool.adapter, "nats");
      assert.deepEqual((await pool.apply(tasks.runtime)).sort(), ["bun", "deno"]);
    });

    natsTest(
      "createPool() where the runtime has no worker threads keeps its NATS link on the pool's thread",
      20_000,
      async () => {
        // As under Node: the pool's NATS link runs beside the pool instead of on a link thread.
        const scope = globalThis as { Worker?: unknown };
        const saved = scope.Worker;
        delete scope.Worker;
        let pool: Pool;
        try {
          pool = await natsPool(2);
        } finally {
          scope.Worker = saved;
        }
        try {
          assert.deepEqual((await pool.apply(tasks.runtime)).sort(), ["bun", "deno"]);
          const big = new Float64Array(MiB).fill(2);
          assert.deepEqual(await pool.apply(tasks.sum, await pool.push(big)), [2 * MiB, 2 * MiB]);
        } finally {
          await pool.close();
        }
      },
    );

    runConformance({
      name: "nats (Deno and Bun processes)",
      createPool: (o) => natsPool(o.workers, o),
    });

    natsTest(
      "scatterArray() and push() carry 64 MiB over a 1 MiB max_payload",
      60_000,
      async () => {
        await using pool = await natsPool(2);
        const big = new Float64Array((64 * MiB) / 8).fill(1);
        const rows = await pool.scatterArray(big);
        assert.deepEqual(await pool.apply(tasks.sum, rows), [big.length / 2, big.length / 2]);
        const whole = await pool.push(big);
        assert.deepEqual(await pool.apply(tasks.sum, whole), [big.length, big.length]);
        await rows.remove();
        await whole.remove();
      },
    );

    natsTest("a connection without credentials is refused", 20_000, async () => {
      await assert.rejects(connect({ servers: server.url }), /Authorization Violation/);
      await assert.rejects(
        natsPool(1, { user: USER, password: "wrong" }),
        /cannot connect to NATS .*Authorization Violation/,
      );
    });

    natsTest(
      "a task from a module outside --allow-module is refused with a RemoteError",
      20_000,
      async () => {
        await using pool = await natsPool(1);
        const outside = defineTasks(new URL("../mod.ts", import.meta.url).href, { x: () => 1 });
        const remote = defineTasks("https://example.org/tasks.ts", { y: () => 1 });
        // Walks out of the allowed folder to the repository's mod.ts (see nats_allow_test.ts).
        const walks = [
          `${ALLOWED}../../mod.ts`,
          `${ALLOWED}%2e%2e/%2e%2e/mod.ts`,
          `${ALLOWED}..%2f..%2fmod.ts`,
        ]
          .map((url) => defineTasks(url, { z: () => 1 }).z);
        for (const task of [outside.x, remote.y, ...walks]) {
          await assert.rejects(pool.applyOnly(task, 0), (e: Error) => {
            assert.ok(e instanceof RemoteError, String(e));
            assert.match(e.message, /is not allowed on this worker.*\(allowed prefixes: /);
            assert.ok(e.message.includes(task.module));
            return true;
          });
        }
        assert.equal(await pool.applyOnly(tasks.runtime, 0).then((r) => typeof r), "string");
      },
    );

    natsTest(
      "a second pool can neither claim nor reach workers held by the first",
      30_000,
      async () => {
        const first = await natsPool(workers.length);
        try {
          const { elapsed } = await timed(
            5_000,
            () =>
              assert.rejects(natsPool(1, { timeout: 1_000 }), (e: Error) => {
                assert.match(e.message, /found 0 idle NATS workers of the 1 requested/);
                assert.match(e.message, new RegExp(`${workers.length} held by other pools`));
                return true;
              }),
          );
          assert.ok(elapsed < 4_000, `refused after ${elapsed} ms`);
          // Addressed directly, every held worker still says no.
          const nc = await connect({ servers: server.url, user: USER, pass: PASSWORD });
          try {
            const who = await nc.requestMany(`cohort.${CLUSTER}.who`, "", { maxWait: 500 });
            const ids: string[] = [];
            for await (const m of who) ids.push(m.json<{ id: string }>().id);
            assert.equal(ids.length, workers.length);
            for (const id of ids) {
              const r = await nc.request(
                `cohort.${CLUSTER}.w.${id}.claim`,
                `{"pool":"${"0".repeat(32)}","claim":1}`,
              );
              assert.deepEqual(r.json(), { ok: false, reason: "held by another pool" });
            }
          } finally {
            await nc.close();
          }
          assert.equal((await first.apply(tasks.runtime)).length, workers.length);
        } finally {
          await first.close();
        }
        await using again = await natsPool(workers.length);
        assert.equal(again.size, workers.length);
      },
    );

    natsTest("a pool process that dies frees its workers within 10 s", 60_000, async () => {
      const holder = launchScript("deno", "tests/fixtures/nats_pool_holder.ts", ["2"], {
        COHORT_NATS_URL: server.url,
        COHORT_NATS_CLUSTER: CLUSTER,
        COHORT_NATS_USER: USER,
        COHORT_NATS_PASSWORD: PASSWORD,
      });
      await waitFor(holder, /holding \d+ \d+/, 30_000);
      holder.proc.kill("SIGKILL");
      await holder.exited;
      const { elapsed } = await timed(12_000, async () => {
        await using all = await natsPool(workers.length, { timeout: 11_000 });
        return all.size;
      });
      assert.ok(elapsed < 10_000, `workers were free after ${elapsed} ms`);
    });

    natsTest("a NATS server restart mid-call is ridden out", 30_000, async () => {
      await using pool = await natsPool(2);
      const call = pool.apply(tasks.sleep, 1_500);
      await new Promise((r) => setTimeout(r, 300));
      await server.kill();
      await new Promise((r) => setTimeout(r, 500));
      await server.start();
      const { value, elapsed } = await timed(10_000, () => call);
      assert.deepEqual(value, ["slept", "slept"]);
      assert.ok(elapsed < 10_000);
      assert.deepEqual(await pool.apply(tasks.sleep, 1), ["slept", "slept"]);
    });

    natsTest(
      "a worker process killed mid-call rejects with WorkerCrashedError within 5 s",
      30_000,
      async () => {
        await using pool = await natsPool(2);
        const [, pid] = await pool.apply(tasks.pid);
        const call = pool.applyOnly(tasks.sleep, 1, 30_000);
        const victim = workers.find((w) => w.proc.pid === pid)!;
        victim.proc.kill("SIGKILL");
        const { elapsed } = await timed(6_000, () => assert.rejects(call, WorkerCrashedError));
        assert.ok(elapsed < 5_000, `crash reported after ${elapsed} ms`);
        // The pool claimed an idle replacement.
        assert.notEqual(await pool.applyOnly(tasks.pid, 1), pid);
      },
    );

    natsTest("a worker busy in a long synchronous task is not taken for dead", 30_000, async () => {
      await using pool = await natsPool(1);
      assert.equal(await pool.applyOnly(tasks.spin, 0, 3_500), 3_500);
      assert.equal(await pool.applyOnly(tasks.sleep, 0, 1), "slept");
    });

    natsTest(
      "a stray error in a worker ends its session with WorkerCrashedError promptly",
      30_000,
      async () => {
        await using pool = await natsPool(2);
        const runtimes = await pool.apply(tasks.runtime);
        assert.deepEqual([...runtimes].sort(), ["bun", "deno"]);
        assert.deepEqual(await pool.apply(tasks.throwLater, "boom"), ["scheduled", "scheduled"]);
        const { value, elapsed } = await timed(
          4_000,
          () => Promise.allSettled([0, 1].map((i) => pool.applyOnly(tasks.sleep, i, 3_000))),
        );
        assert.ok(elapsed < 2_000, `reported after ${elapsed} ms`);
        for (const [i, r] of value.entries()) {
          assert.equal(r.status, "rejected", `${runtimes[i]} worker`);
          const e = (r as PromiseRejectedResult).reason;
          assert.ok(e instanceof WorkerCrashedError, `${runtimes[i]}: ${e}`);
          assert.match(e.message, /uncaught error .*boom/);
        }
        assert.ok(workers.filter((w) => isAlive(w.proc.pid)).length >= workers.length - 1);
        assert.deepEqual(await pool.apply(tasks.sleep, 1), ["slept", "slept"]);
      },
    );

    natsTest(
      "a NATS server gone for good fails pending calls with a clear error",
      30_000,
      async () => {
        await using pool = await natsPool(2);
        const call = pool.apply(tasks.sleep, 30_000);
        await new Promise((r) => setTimeout(r, 200));
        await server.kill();
        const { elapsed } = await timed(14_000, () =>
          assert.rejects(call, (e: Error) => {
            assert.ok(e instanceof WorkerCrashedError, String(e));
            assert.match(e.message, /lost its connection to NATS at nats:\/\/127\.0\.0\.1:\d+/);
            return true;
          }));
        assert.ok(elapsed < 13_000, `failed after ${elapsed} ms`);
        const { elapsed: closing } = await timed(5_000, () => pool.close());
        assert.ok(closing < 3_000, `close() took ${closing} ms`);
      },
    );
  });
}
