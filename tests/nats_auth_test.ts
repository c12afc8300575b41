/**
 * Signed NATS messages: with a cluster secret, a second client of the same
 * NATS account (it can read every message) can neither claim a worker, nor
 * replay a claim, nor inject or replay a call, nor forge a reply. A worker
 * started without a secret says so.
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { connect, type Msg, type NatsConnection } from "@nats-io/transport-node";
import { createPool, type Pool } from "../mod.ts";
import { DATA, FIRST, LAST, sealFrame } from "../adapters/nats/envelope.ts";
import type { NatsPoolOptions } from "../adapters/nats/options.ts";
import { cutMessage, encodeMessage, type Message } from "../adapters/nats/frames.ts";
import {
  findNatsServer,
  PASSWORD,
  secretFile,
  startServer,
  startWorker,
  stopAll,
  type TestServer,
  type TestWorker,
  USER,
  waitFor,
  workerArgs,
} from "./fixtures/nats_cluster.ts";
import { tasks } from "./fixtures/nats_tasks.ts";
import { until } from "./fixtures/nats_time.ts";

const serverPath = findNatsServer();
const CLUSTER = `auth-${process.pid}`;
const SECRET = `s-${crypto.randomUUID()}`;
let server: TestServer;
let open: TestWorker;

function natsPool(size: number, extra: NatsPoolOptions = {}): Promise<Pool> {
  const options: NatsPoolOptions = {
    servers: server.url,
    cluster: CLUSTER,
    user: USER,
    password: PASSWORD,
    timeout: 5_000,
    secret: SECRET,
    ...extra,
  };
  return createPool({ adapter: "nats", workers: size, ...options });
}

/** A second client of the same account, recording what it reads on `subject`. */
async function snoop(subject: string): Promise<{ nc: NatsConnection; seen: Msg[] }> {
  const nc = await connect({ servers: server.url, user: USER, pass: PASSWORD });
  const seen: Msg[] = [];
  nc.subscribe(subject, { callback: (_e, m) => void seen.push(m) });
  await nc.flush();
  return { nc, seen };
}

/** A data frame carrying `message` as the next frame after `seq`, with a MAC of a guessed key. */
function forged(message: Message, seq: number): Uint8Array {
  const bytes = encodeMessage(message);
  const [{ frame }] = [...cutMessage(bytes, 1 << 20, 40)];
  const view = new DataView(frame.buffer);
  view.setUint8(0, DATA);
  view.setUint8(1, FIRST | LAST);
  view.setUint32(4, seq + 1, true);
  view.setUint32(12, bytes.length, true);
  return sealFrame(frame, 1e9, crypto.getRandomValues(new Uint8Array(32)));
}

const seqOf = (m: Msg) => new DataView(m.data.buffer, m.data.byteOffset).getUint32(4, true);

describe("nats signed messages", { skip: !serverPath && "no nats-server" }, () => {
  before(async () => {
    server = await startServer(serverPath!);
    const args = workerArgs(server.url, CLUSTER, ["--secret-file", secretFile(SECRET)]);
    await Promise.all([startWorker("deno", args, "a-deno"), startWorker("bun", args, "a-bun")]);
    open = await startWorker("deno", workerArgs(server.url, `${CLUSTER}-open`), "a-open");
  });

  after(async () => {
    assert.deepEqual(await stopAll(), [], "no stray processes");
  });

  test("a worker started without a secret warns", async () => {
    await waitFor(open, /warning: no cluster secret/, 5_000);
    assert.doesNotMatch(open.output.join(""), /asks for no credentials/);
  });

  test("a worker on a server that asks for no credentials warns", { timeout: 20_000 }, async () => {
    const lax = await startServer(serverPath!, "", false);
    const worker = await startWorker("deno", [
      ...["--server", lax.url, "--cluster", CLUSTER, "--secret", SECRET],
      ...["--allow-module", new URL("./fixtures/", import.meta.url).href],
    ], "a-lax");
    await waitFor(worker, /warning: the NATS server asks for no credentials/, 5_000);
    assert.doesNotMatch(worker.output.join(""), /no cluster secret/);
    worker.proc.kill("SIGTERM");
    await worker.exited;
    await lax.kill();
  });

  test("a pool without the cluster secret, or with a wrong one, claims no worker", {
    timeout: 20_000,
  }, async () => {
    for (const secret of [undefined, "wrong"]) {
      await assert.rejects(
        natsPool(1, { secret, timeout: 600 }),
        /found 0 idle NATS workers of the 1 requested .*\(2 workers answered, 0 held/,
      );
    }
    const { nc } = await snoop("nothing");
    try {
      const who = await nc.request(`cohort.${CLUSTER}.idle`, "", { timeout: 2_000 });
      const id = who.json<{ id: string }>().id;
      const reply = await nc.request(
        `cohort.${CLUSTER}.w.${id}.claim`,
        JSON.stringify({ pool: "0".repeat(32), claim: 1, nonce: "1".repeat(32), time: Date.now() }),
      );
      assert.deepEqual(reply.json(), {
        ok: false,
        reason: "the claim is not signed with the cluster secret",
      });
    } finally {
      await nc.close();
    }
    await using pool = await natsPool(2);
    assert.equal((await pool.apply(tasks.noop)).length, 2);
  });

  test("a copied claim cannot be replayed", { timeout: 20_000 }, async () => {
    const { nc, seen } = await snoop(`cohort.${CLUSTER}.w.*.claim`);
    try {
      const pool = await natsPool(1);
      await pool.close();
      assert.ok(seen.length >= 1);
      await new Promise((r) => setTimeout(r, 300));
      // (Our own subscription sees our requests too: replay only what the pool sent.)
      for (const claim of seen.splice(0)) {
        const reply = await nc.request(claim.subject, claim.data, { timeout: 2_000 });
        assert.deepEqual(reply.json(), { ok: false, reason: "stale or replayed claim" });
      }
    } finally {
      await nc.close();
    }
  });

  test("a second client can neither inject calls nor replay a pool's frames", {
    timeout: 20_000,
  }, async () => {
    await using pool = await natsPool(1);
    const { nc, seen } = await snoop(`cohort.${CLUSTER}.p.>`);
    try {
      assert.equal(await pool.applyOnly(tasks.bump, 0), 1);
      const frames = seen.filter((m) => m.subject.endsWith(".in") && m.data[0] === DATA);
      assert.ok(frames.length >= 1, "the call was seen");
      for (const m of frames) nc.publish(m.subject, m.data);
      const last = frames[frames.length - 1];
      const call: Message = {
        type: "call",
        id: 1_000,
        module: tasks.bump.module,
        task: "bump",
        args: { s: 0, j: "[]", b: [] },
      };
      nc.publish(last.subject, forged(call, seqOf(last)));
      await nc.flush();
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await pool.applyOnly(tasks.bump, 0), 2, "neither replay nor injection ran");
    } finally {
      await nc.close();
    }
  });

  test("a second client cannot forge a worker's reply", { timeout: 20_000 }, async () => {
    await using pool = await natsPool(1);
    const { nc, seen } = await snoop(`cohort.${CLUSTER}.p.>`);
    try {
      await pool.applyOnly(tasks.noop, 0);
      const call = pool.applyOnly(tasks.sleep, 0, 1_000);
      await until(
        () => seen.some((m) => m.subject.endsWith(".out") && m.data[0] === DATA),
        5_000,
        "a reply",
      );
      const out = seen.filter((m) => m.subject.endsWith(".out") && m.data[0] === DATA);
      const last = out[out.length - 1];
      for (let id = 1; id <= 50; id++) {
        const reply: Message = { type: "ok", id, value: { s: 0, j: '"forged"', b: [] } };
        nc.publish(last.subject, forged(reply, seqOf(last)));
      }
      await nc.flush();
      assert.equal(await call, "slept");
    } finally {
      await nc.close();
    }
  });
});
