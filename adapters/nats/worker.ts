/**
 * The NATS worker process: joins a cluster on a NATS server, waits idle,
 * serves one pool at a time, and returns to idle when that pool releases it
 * or disappears. Runs under Deno and Bun alike:
 *
 * ```sh
 * npx deno run -A adapters/nats/worker.ts --server nats://head:4222 --cluster lab \
 *   --user cohort --password "$PASS" --allow-module file:///srv/project/tasks/
 * npx bun adapters/nats/worker.ts --cluster lab --allow-module https://example.org/tasks/
 * ```
 *
 * Flags (environment defaults in brackets): `--server URL` [`COHORT_NATS_URL`],
 * `--cluster NAME` [`COHORT_NATS_CLUSTER`, else `default`], `--user`
 * [`COHORT_NATS_USER`], `--password` [`COHORT_NATS_PASSWORD`],
 * `--allow-module PREFIX` (repeatable, at least one: tasks load only from
 * module URLs starting with one of them), `--name` (shown in errors and
 * logs). It prints `joined cluster ...` once it waits for pools, and leaves
 * cleanly on SIGINT or SIGTERM.
 *
 * @module
 */
import { hostname } from "node:os";
import process from "node:process";
import { parseArgs } from "node:util";
import { runtimeName } from "../../runtime/env.ts";
import { NatsMember } from "./member.ts";
import { connectNats } from "./connection.ts";
import { randomId, resolveSettings } from "./protocol.ts";

const USAGE =
  `usage: adapters/nats/worker.ts [--server URL] [--cluster NAME] [--user USER] [--password PASS]
                      --allow-module PREFIX [--allow-module PREFIX ...] [--name NAME]`;

/**
 * Runs a NATS worker until it is stopped by a signal.
 *
 * @param args The command-line arguments (without the program).
 * @returns Once the worker waits for pools.
 * @throws {TypeError} If the arguments are wrong.
 * @throws {Error} If the NATS server cannot be reached or refuses the credentials.
 *
 * @example
 * ```ts ignore
 * import { runNatsWorker } from "@cohort/core/adapters/nats-worker";
 *
 * await runNatsWorker(["--cluster", "lab", "--allow-module", "file:///srv/tasks/"]);
 * ```
 */
export async function runNatsWorker(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      server: { type: "string", multiple: true },
      cluster: { type: "string" },
      user: { type: "string" },
      password: { type: "string" },
      "allow-module": { type: "string", multiple: true },
      name: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const allowModules = values["allow-module"] ?? [];
  if (allowModules.length === 0) {
    throw new TypeError(
      `give at least one --allow-module PREFIX (tasks load only from matching module URLs)\n${USAGE}`,
    );
  }
  const settings = resolveSettings({
    servers: values.server?.flatMap((s) => s.split(",")),
    cluster: values.cluster,
    user: values.user,
    password: values.password,
  });
  const runtime = runtimeName();
  const host = hostname();
  const name = values.name ?? `${runtime}-${host}-${process.pid}`;
  const log = (line: string) => console.log(`[cohort ${name}] ${line}`);
  const nc = await connectNats(settings, `cohort worker ${name}`);
  const member = new NatsMember({
    nc,
    cluster: settings.cluster,
    info: { id: randomId(), name, runtime, host },
    allowModules,
    log,
  });
  catchStrayErrors(runtime, (e) => {
    log(`uncaught error: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    member.crashed(e);
  });
  let leaving = false;
  const stop = (signal: string) => {
    if (leaving) return;
    leaving = true;
    log(`stopping (${signal})`);
    member.leave(`worker "${name}" was stopped (${signal})`)
      .finally(() => nc.close())
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", () => stop("SIGINT"));
  process.on("SIGTERM", () => stop("SIGTERM"));
  nc.closed().then((e) => {
    if (leaving) return;
    console.error(`[cohort ${name}] NATS connection closed${e ? `: ${e.message}` : ""}`);
    process.exit(1);
  });
  await member.join();
  log(
    `joined cluster "${settings.cluster}" at ${settings.servers.join(", ")} ` +
      `(${runtime}, allowed modules: ${allowModules.join(", ")})`,
  );
}

/** Keeps the process alive when a task leaves an uncaught error behind. */
function catchStrayErrors(runtime: string, onError: (e: unknown) => void): void {
  if (runtime === "deno") {
    globalThis.addEventListener("error", (e) => {
      e.preventDefault();
      onError((e as ErrorEvent).error);
    });
    globalThis.addEventListener("unhandledrejection", (e) => {
      e.preventDefault();
      onError((e as PromiseRejectionEvent).reason);
    });
  } else {
    process.on("uncaughtException", onError);
    process.on("unhandledRejection", onError);
  }
}

if (import.meta.main) {
  runNatsWorker(process.argv.slice(2)).catch((e) => {
    console.error(`nats_worker: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}
