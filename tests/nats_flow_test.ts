/**
 * Flow control on NATS: a worker busy in a long synchronous task while its
 * pool pushes 16 MiB to it, and a pool whose own thread is busy while 16 MiB
 * results arrive, are never dropped as slow consumers. A worker busy over
 * about 10 s (nats-server's default `write_deadline`; 14 s here) was dropped before
 * tasks moved to a thread of their own; the pool test guards the pool's
 * link thread (the old pool rode out a busy spell on this machine).
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { createPool, type Pool } from "../mod.ts";
import {
  findNatsServer,
  PASSWORD,
  startServer,
  startWorker,
  stopAll,
  type TestServer,
  USER,
  workerArgs,
} from "./fixtures/nats_cluster.ts";
import { tasks } from "./fixtures/nats_tasks.ts";
import { timed } from "./fixtures/nats_time.ts";

const serverPath = findNatsServer();
const CLUSTER = `flow-${process.pid}`;
const MiB = 1024 * 1024;
/** Past nats-server's 10 s write deadline (12 s still passed on the old worker here). */
const WORKER_BUSY_MS = 14_000;
const POOL_BUSY_MS = 4_000;
let server: TestServer;

function natsPool(size: number): Promise<Pool> {
  const options = { servers: server.url, cluster: CLUSTER, user: USER, password: PASSWORD };
  return createPool({ adapter: "nats", workers: size, timeout: 5_000, ...options });
}

describe("nats flow control", { skip: !serverPath && "no nats-server" }, () => {
  before(async () => {
    server = await startServer(serverPath!);
    const args = workerArgs(server.url, CLUSTER);
    await Promise.all([startWorker("deno", args, "f-deno"), startWorker("bun", args, "f-bun")]);
  });

  after(async () => {
    assert.deepEqual(await stopAll(), [], "no stray processes");
  });

  test("a worker busy in a synchronous task is not dropped while 16 MiB are pushed to it", {
    timeout: 40_000,
  }, async () => {
    await using pool = await natsPool(2);
    const busy = pool.apply(tasks.spin, WORKER_BUSY_MS);
    await new Promise((r) => setTimeout(r, 200));
    const data = new Uint8Array(16 * MiB).fill(1);
    const { value, elapsed } = await timed(30_000, async () => {
      const handle = await pool.push(data);
      return [await busy, await pool.apply(tasks.sum, handle)];
    });
    assert.deepEqual(value, [[WORKER_BUSY_MS, WORKER_BUSY_MS], [16 * MiB, 16 * MiB]]);
    console.log(`16 MiB pushed to 2 workers busy ${WORKER_BUSY_MS} ms: done after ${elapsed} ms`);
  });

  test("a pool whose thread is busy is not dropped while 16 MiB results arrive", {
    timeout: 40_000,
  }, async () => {
    await using pool = await natsPool(2);
    const results = pool.apply(tasks.bytes, 16 * MiB);
    const end = Date.now() + POOL_BUSY_MS;
    while (Date.now() < end) {
      // The pool's own thread is busy: nothing on it reads from NATS.
    }
    const { value } = await timed(30_000, () => results);
    for (const bytes of value) {
      assert.equal(bytes.byteLength, 16 * MiB);
      assert.equal(bytes[16 * MiB - 1], (16 * MiB - 1) % 251);
    }
    assert.deepEqual(await pool.apply(tasks.sleep, 1), ["slept", "slept"]);
  });
});
