/**
 * Connections that are refused or reset never end a process: a pool and a
 * worker behind a proxy that resets every connection ride it out; a pool or
 * a worker that cannot connect at all reports it as an error. Credentials in
 * a server URL are used and never shown.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { createPool } from "../mod.ts";
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
  workerArgs,
} from "./fixtures/nats_cluster.ts";
import { type ResetProxy, startProxy, startResetter } from "./fixtures/nats_proxy.ts";
import { tasks } from "./fixtures/nats_tasks.ts";
import { timed } from "./fixtures/nats_time.ts";

const serverPath = findNatsServer();
const CLUSTER = `reset-${process.pid}`;
let server: TestServer;
let proxy: ResetProxy;
let worker: TestWorker;

describe("nats resets", { skip: !serverPath && "no nats-server" }, () => {
  before(async () => {
    server = await startServer(serverPath!);
    proxy = await startProxy(server.url);
    worker = await startWorker("bun", workerArgs(proxy.url, CLUSTER), "r-bun");
  });

  after(async () => {
    await proxy.close();
    assert.deepEqual(await stopAll(), [], "no stray processes");
  });

  test(
    "a pool and a worker whose connections are reset ride it out",
    { timeout: 30_000 },
    async () => {
      await using pool = await createPool({
        adapter: "nats",
        workers: 1,
        servers: proxy.url,
        cluster: CLUSTER,
        user: USER,
        password: PASSWORD,
      });
      const call = pool.applyOnly(tasks.sleep, 0, 1_500);
      await new Promise((r) => setTimeout(r, 300));
      proxy.reset(1_500);
      const { value } = await timed(15_000, () => call);
      assert.equal(value, "slept");
      assert.equal(await pool.applyOnly(tasks.sleep, 0, 1), "slept");
      assert.ok(isAlive(worker.proc.pid), "the worker process lives");
    },
  );

  test(
    "createPool() against a port that resets every connection rejects, and nothing else happens",
    {
      timeout: 30_000,
    },
    async () => {
      const resetter = await startResetter();
      try {
        await assert.rejects(
          createPool({ adapter: "nats", workers: 1, servers: resetter.url, timeout: 500 }),
          (e: Error) => {
            assert.match(e.message, /^cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+: /);
            return true;
          },
        );
        const child = launchScript("deno", "adapters/nats/worker.ts", [
          ...["--server", resetter.url, "--allow-module", "file:///tmp/"],
        ], {});
        await timed(15_000, () => child.exited);
        assert.equal(child.proc.exitCode, 1);
        const output = child.output.join("");
        assert.match(
          output,
          /^nats_worker: cannot connect to NATS at nats:\/\/127\.0\.0\.1:\d+: /m,
        );
        assert.doesNotMatch(output, /uncaught|^ +at /im);
        await new Promise((r) => setTimeout(r, 500)); // a stray error would fail this test now
      } finally {
        await resetter.close();
      }
    },
  );

  test("credentials in the server URL are used and never shown", { timeout: 30_000 }, async () => {
    const { host } = new URL(server.url.replace(/^nats:/, "http:"));
    const url = (password: string) => `nats://${USER}:${encodeURIComponent(password)}@${host}`;
    // The connection works (no worker in that cluster is the only complaint).
    await assert.rejects(
      createPool({
        adapter: "nats",
        workers: 1,
        servers: url(PASSWORD),
        cluster: "none",
        timeout: 300,
      }),
      (e: Error) => {
        assert.match(e.message, /found 0 idle NATS workers of the 1 requested in cluster "none"/);
        assert.ok(!e.message.includes(PASSWORD), e.message);
        return true;
      },
    );
    const wrong = `wrong-${PASSWORD}`;
    await assert.rejects(
      createPool({ adapter: "nats", workers: 1, servers: url(wrong), timeout: 300 }),
      (e: Error) => {
        assert.match(e.message, /Authorization Violation/);
        assert.ok(!e.message.includes(wrong), e.message);
        assert.match(e.message, new RegExp(`at nats://${host.replace(".", "\\.")}`));
        return true;
      },
    );
  });
});
