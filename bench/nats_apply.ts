/**
 * Apply latency over NATS on loopback against a raw NATS request/reply, in
 * the same run: a pool of one NATS worker process runs a no-op task, and a
 * responder process of the same runtime echoes a raw request. Prints
 * `nats_apply_ratio` (target ≤ 3). With `--push`, also the median time of a
 * 64 MiB `push()` to that worker; with `--secret`, pool and worker sign
 * every claim and frame with a cluster secret.
 *
 * ```sh
 * node_modules/.bin/deno run -A bench/nats_apply.ts [--push] [--secret]
 * node_modules/.bin/bun bench/nats_apply.ts [--push] [--secret]
 * ```
 *
 * @module
 */
import process from "node:process";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { createPool } from "../mod.ts";
import {
  findNatsServer,
  launchScript,
  PASSWORD,
  startServer,
  startWorker,
  stopAll,
  USER,
  waitFor,
} from "../tests/fixtures/nats_cluster.ts";
import { tasks } from "../tests/fixtures/nats_tasks.ts";

/** The figures, in microseconds per call. */
export interface NatsApplyFigures {
  /** Median `applyOnly(noop)` round trip through a NATS pool. */
  nats_apply_us: number;
  /** Median raw NATS request/reply to a responder process. */
  raw_request_us: number;
  /** `nats_apply_us / raw_request_us`. */
  nats_apply_ratio: number;
  /** With `push`: median milliseconds of a 64 MiB `push()` (and its `remove()`). */
  push_64mib_ms?: number;
}

/** What to measure besides apply latency. */
export interface NatsBenchOptions {
  /** Also time 64 MiB pushes. */
  push?: boolean;
  /** Sign with this cluster secret (pool and worker). */
  secret?: string;
}

const ROUNDS = 5;
const CALLS = 400;
const SUBJECT = "bench.echo";

/**
 * Measures apply latency over NATS against raw request/reply; starts and
 * stops its own nats-server, worker and responder.
 *
 * @returns The figures, or `null` (with a printed reason) without nats-server.
 */
export async function benchNatsApply(
  options: NatsBenchOptions = {},
): Promise<NatsApplyFigures | null> {
  const serverPath = findNatsServer();
  if (!serverPath) {
    console.log(
      "nats_apply: skipped, nats-server is not installed (apt-get install -y nats-server)",
    );
    return null;
  }
  const runtime = "Bun" in globalThis ? "bun" : "deno";
  let nc: NatsConnection | undefined;
  try {
    const server = await startServer(serverPath);
    const cluster = `bench-${process.pid}`;
    await startWorker(runtime, [
      ...["--server", server.url, "--cluster", cluster, "--user", USER, "--password", PASSWORD],
      ...["--allow-module", new URL("../tests/fixtures/", import.meta.url).href],
      ...(options.secret ? ["--secret", options.secret] : []),
    ], "bench-worker");
    const responder = launchScript(runtime, "bench/nats_apply.ts", ["--responder", server.url], {
      COHORT_NATS_PASSWORD: PASSWORD,
    });
    await waitFor(responder, /responding/);
    const payload = new Uint8Array(16);
    const conn = nc = await connect({ servers: server.url, user: USER, pass: PASSWORD });
    const raw = () => conn.request(SUBJECT, payload, { timeout: 5_000 });
    await using pool = await createPool(
      {
        adapter: "nats",
        workers: 1,
        servers: server.url,
        cluster,
        user: USER,
        password: PASSWORD,
        ...(options.secret ? { secret: options.secret } : {}),
      } as Parameters<typeof createPool>[0],
    );
    const apply = () => pool.applyOnly(tasks.noop, 0);
    await sample(raw, CALLS);
    await sample(apply, CALLS);
    const rawTimes: number[] = [];
    const applyTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      rawTimes.push(...await sample(raw, CALLS));
      applyTimes.push(...await sample(apply, CALLS));
    }
    const nats_apply_us = median(applyTimes);
    const raw_request_us = median(rawTimes);
    const figures: NatsApplyFigures = {
      nats_apply_us: round1(nats_apply_us),
      raw_request_us: round1(raw_request_us),
      nats_apply_ratio: Math.round((nats_apply_us / raw_request_us) * 100) / 100,
    };
    if (options.push) {
      const big = new Float64Array((64 * 1024 * 1024) / 8).fill(1);
      const push = async () => await (await pool.push(big)).remove();
      await push();
      figures.push_64mib_ms = round1(median(await sample(push, 5)) / 1000);
    }
    return figures;
  } finally {
    await nc?.close();
    await stopAll();
  }
}

/** Times `n` sequential calls; microseconds each. */
async function sample(call: () => Promise<unknown>, n: number): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await call();
    times.push((performance.now() - t) * 1000);
  }
  return times;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The raw baseline's other end: echoes every request on {@linkcode SUBJECT}. */
async function respond(server: string): Promise<void> {
  const nc = await connect({
    servers: server,
    user: USER,
    pass: process.env.COHORT_NATS_PASSWORD,
  });
  nc.subscribe(SUBJECT, { callback: (_e, msg) => void msg.respond(msg.data) });
  await nc.flush();
  console.log("responding");
  process.on("SIGTERM", () => nc.close().finally(() => process.exit(0)));
}

if (import.meta.main) {
  const at = process.argv.indexOf("--responder");
  if (at >= 0) {
    await respond(process.argv[at + 1]);
  } else {
    const figures = await benchNatsApply({
      push: process.argv.includes("--push"),
      secret: process.argv.includes("--secret") ? `bench-${crypto.randomUUID()}` : undefined,
    });
    if (figures) {
      console.log(JSON.stringify(figures));
      console.log(`nats_apply_ratio ${figures.nats_apply_ratio}`);
    }
  }
}
