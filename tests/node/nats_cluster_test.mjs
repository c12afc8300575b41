// Mixed NATS clusters under `node --test`, against the built package (`npm run build`): a
// `nats-server` on 127.0.0.1 with a user and password, worker processes of all three runtimes, and
// NATS pools created here under Node. Skips with one line when nats-server is missing.
// - cluster "package": Deno, Bun and Node all run the package's worker CLI
//   (dist/adapters/nats/worker.js, the `cohort-nats-worker` bin): the conformance suite runs here.
//   Its tasks (dist/testing/*.js) import the package, so their `workerContext()` and
//   `registerClass()` are the ones the worker runtime sets: a task module must import the same
//   copy of cohort as the worker that runs it.
// - cluster "source": Deno and Bun run adapters/nats/worker.ts from source beside a Node worker,
//   and serve a Node pool a plain .mjs task module.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createPool } from "@cohort/core";
import { runConformance } from "@cohort/core/testing";
import { tasks } from "./fixtures/nats_tasks.mjs";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const BIN = join(ROOT, "node_modules", ".bin");
const USER = "cohort-test";
const PASSWORD = `pw-${Math.random().toString(36).slice(2)}`;
const SECRET = `secret-${Math.random().toString(36).slice(2)}`;
const CLUSTER = `node-mixed-${process.pid}`;
// The suite's tasks are the package's own (dist/testing/*.js; its missing module is under
// dist/tests/fixtures/); nats_tasks.mjs is this test's.
const ALLOWED = [
  new URL("../../dist/testing/", import.meta.url).href,
  new URL("../../dist/tests/fixtures/", import.meta.url).href,
  new URL("./fixtures/", import.meta.url).href,
];
// The suite holds a pool of 4 while a test asks for 3 more: 7 workers, of all three runtimes.
const PACKAGE = ["deno", "bun", "node", "deno", "bun", "node", "node"];
const SOURCE = ["deno", "bun", "node"];

/** The `nats-server` binary: env `COHORT_NATS_SERVER`, PATH, then Debian's sbin folders. */
function findNatsServer() {
  const override = process.env.COHORT_NATS_SERVER;
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/sbin", "/usr/local/sbin"];
  for (const path of override ? [override] : dirs.map((dir) => join(dir, "nats-server"))) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

const children = new Set();

/** Starts a process with its output collected; `exited` resolves when it ends. */
function launch(command, args) {
  const proc = spawn(command, args, {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output = [];
  proc.stdout.on("data", (d) => output.push(String(d)));
  proc.stderr.on("data", (d) => output.push(String(d)));
  const exited = new Promise((resolve) => proc.once("exit", () => resolve()));
  const child = { proc, output, exited };
  children.add(child);
  exited.then(() => children.delete(child));
  return child;
}

/** Waits until `child` printed `pattern`; throws with its output when it exits or after `ms`. */
async function waitFor(child, pattern, ms = 30_000) {
  const deadline = Date.now() + ms;
  let exited = false;
  child.exited.then(() => exited = true);
  while (!pattern.test(child.output.join(""))) {
    if (exited || Date.now() > deadline) {
      const why = exited ? "exited" : `no ${pattern} after ${ms} ms`;
      throw new Error(`${why}; output:\n${child.output.join("")}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A free TCP port on 127.0.0.1. */
async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Stops every process started here (SIGTERM, then SIGKILL after 10 s); returns how many were killed. */
async function stopAll() {
  const all = [...children];
  for (const c of all) c.proc.kill("SIGTERM");
  let timer;
  const late = new Promise((r) => timer = setTimeout(r, 10_000));
  await Promise.race([Promise.all(all.map((c) => c.exited)), late]);
  clearTimeout(timer);
  const killed = all.filter((c) => c.proc.exitCode === null && c.proc.signalCode === null);
  for (const c of killed) c.proc.kill("SIGKILL");
  await Promise.all(all.map((c) => c.exited));
  return killed.length;
}

/**
 * Starts a worker process of `runtime` on cluster `${CLUSTER}-${from}` and waits until it joined:
 * `from` "package" runs dist/adapters/nats/worker.js, "source" adapters/nats/worker.ts (Node
 * always runs the package).
 */
async function startWorker(runtime, from, url, secretPath, name) {
  const cluster = `${CLUSTER}-${from}`;
  const args = ["--server", url, "--cluster", cluster, "--user", USER, "--password", PASSWORD];
  args.push("--secret-file", secretPath, "--name", name);
  for (const folder of ALLOWED) args.push("--allow-module", folder);
  const script = from === "source" && runtime !== "node"
    ? join(ROOT, "adapters", "nats", "worker.ts")
    : join(ROOT, "dist", "adapters", "nats", "worker.js");
  const child = runtime === "deno"
    ? launch(join(BIN, "deno"), ["run", "-A", "--no-check", script, ...args])
    : runtime === "bun"
    ? launch(join(BIN, "bun"), [script, ...args])
    : launch(process.execPath, [script, ...args]);
  await waitFor(child, new RegExp(`joined cluster "${cluster}" at .* \\(${runtime},`));
  return { ...child, runtime, from, name };
}

const serverPath = findNatsServer();
if (!serverPath) {
  console.log("skipping the mixed NATS cluster test: nats-server is not installed");
} else {
  let url;
  let dir;
  const workers = [];

  /** A pool on cluster `${CLUSTER}-${from}`. */
  const natsPool = (options, from = "package") =>
    createPool({
      ...options,
      adapter: "nats",
      servers: url,
      cluster: `${CLUSTER}-${from}`,
      user: USER,
      password: PASSWORD,
      secret: SECRET,
      timeout: 20_000,
    });

  describe("nats: a Deno, Bun and Node cluster", () => {
    before(async () => {
      dir = mkdtempSync(join(tmpdir(), "cohort-nats-node-"));
      const port = await freePort();
      url = `nats://127.0.0.1:${port}`;
      const config = join(dir, "server.conf");
      writeFileSync(
        config,
        `listen: "127.0.0.1:${port}"\n` +
          `authorization { users = [ { user: "${USER}", password: "${PASSWORD}" } ] }\n`,
      );
      const secretPath = join(dir, "secret");
      writeFileSync(secretPath, `${SECRET}\n`, { mode: 0o600 });
      await waitFor(launch(serverPath, ["-c", config]), /Server is ready/, 10_000);
      const starts = [
        ...PACKAGE.map((r, i) => startWorker(r, "package", url, secretPath, `${r}-${i}`)),
        ...SOURCE.map((r, i) => startWorker(r, "source", url, secretPath, `${r}-src-${i}`)),
      ];
      const started = await Promise.allSettled(starts);
      workers.push(...started.filter((s) => s.status === "fulfilled").map((s) => s.value));
      const failed = started.find((s) => s.status === "rejected");
      if (failed) throw failed.reason;
    }, { timeout: 120_000 });

    after(async () => {
      const killed = await stopAll();
      rmSync(dir, { recursive: true, force: true });
      assert.equal(children.size, 0, "every process ended");
      assert.equal(killed, 0, "every worker and the server ended on SIGTERM");
      for (const w of workers) assert.equal(w.proc.exitCode, 0, `${w.name} left cleanly`);
    }, { timeout: 30_000 });

    for (const [from, runtimes] of [["package", PACKAGE], ["source", SOURCE]]) {
      test(`a Node pool runs a .mjs task module on Deno, Bun and Node workers (${from})`, {
        timeout: 60_000,
      }, async () => {
        const pool = await natsPool({ workers: runtimes.length }, from); // Node 20: no `await using`
        try {
          assert.equal(pool.adapter, "nats");
          assert.deepEqual((await pool.apply(tasks.runtime)).sort(), [...runtimes].sort());
          const pids = await pool.apply(tasks.pid);
          const expected = workers.filter((w) => w.from === from).map((w) => w.proc.pid);
          assert.deepEqual([...pids].sort(), expected.sort());
          const xs = new Float64Array(1 << 16).fill(0.5);
          assert.deepEqual(await pool.apply(tasks.sum, xs), runtimes.map(() => xs.length / 2));
          // The package's workerContext() sees what the worker's copy of cohort set up.
          assert.deepEqual(await pool.apply(tasks.index), runtimes.map((_, i) => i));
        } finally {
          await pool.close();
        }
      });
    }

    runConformance({
      name: "nats (Deno, Bun and Node processes)",
      createPool: (options) => natsPool(options),
    });
  });
}
