/**
 * The NATS worker process: joins a cluster on a NATS server, waits idle,
 * serves one pool at a time, and returns to idle when that pool releases it
 * or disappears. Runs under Deno, Bun and Node.js (20 and later, from the
 * npm package, where it is the `cohort-nats-worker` command) alike:
 *
 * ```sh
 * COHORT_NATS_PASSWORD=... COHORT_NATS_SECRET=... npx deno run -A adapters/nats/worker.ts \
 *   --server nats://head:4222 --cluster lab --user cohort --allow-module file:///srv/project/tasks/
 * npx bun adapters/nats/worker.ts --cluster lab --secret-file /etc/cohort/secret \
 *   --allow-module file:///srv/project/tasks/
 * npx cohort-nats-worker --cluster lab --secret-file /etc/cohort/secret \
 *   --allow-module file:///srv/project/tasks/
 * ```
 *
 * Flags (environment defaults in brackets): `--server URL` [`COHORT_NATS_URL`],
 * `--cluster NAME` [`COHORT_NATS_CLUSTER`, else `default`], `--user`
 * [`COHORT_NATS_USER`], `--password` or `--password-file PATH`
 * [`COHORT_NATS_PASSWORD`], `--secret` or `--secret-file PATH`
 * [`COHORT_NATS_SECRET`]: the cluster secret that signs claims and frames;
 * `--allow-module FOLDER` (repeatable, at least one: tasks load only from
 * module URLs inside one of these folders, compared in normal form),
 * `--name` (shown in errors and logs). Prefer the files or the environment
 * to `--password` and `--secret`, which `ps` shows to every user. Tasks run
 * on a thread of their own; the process survives every task failure. It
 * prints `joined cluster ...` once it waits for pools, warns when it runs
 * without a secret or the server asks for no credentials, and leaves cleanly
 * on SIGINT or SIGTERM.
 *
 * @module
 */
import { hostname } from "node:os";
import process from "node:process";
import { parseArgs } from "node:util";
import { runtimeName } from "../../runtime/env.ts";
import { readFileSync, realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { allowedFolders } from "./allow.ts";
import { NatsMember } from "./member.ts";
import { connectNats } from "./connection.ts";
import { randomId, resolveSettings } from "./protocol.ts";

export { allowedFolders, moduleRefusal } from "./allow.ts";

const USAGE = `usage: adapters/nats/worker.ts [--server URL] [--cluster NAME] [--user USER]
    [--password PASS | --password-file PATH] [--secret SECRET | --secret-file PATH]
    --allow-module FOLDER [--allow-module FOLDER ...] [--name NAME]`;

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
      "password-file": { type: "string" },
      secret: { type: "string" },
      "secret-file": { type: "string" },
      "allow-module": { type: "string", multiple: true },
      name: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  let allowModules: string[];
  try {
    allowModules = allowedFolders(values["allow-module"] ?? []);
  } catch (e) {
    throw new TypeError(`${(e as Error).message} (tasks load only from those folders)\n${USAGE}`);
  }
  const settings = resolveSettings({
    servers: values.server?.flatMap((s) => s.split(",")),
    cluster: values.cluster,
    user: values.user,
    password: values.password ?? readSecretFile(values["password-file"], "--password-file"),
    secret: values.secret ?? readSecretFile(values["secret-file"], "--secret-file"),
  });
  if (settings.secret === "") throw new TypeError("the cluster secret is empty");
  const runtime = runtimeName();
  const host = hostname();
  const name = values.name ?? `${runtime}-${host}-${process.pid}`;
  const log = (line: string) => console.log(`[cohort ${name}] ${line}`);
  const nc = await connectNats(settings, `cohort worker ${name}`);
  // The main thread runs no task: a stray error here (e.g. a reset socket) is logged, not fatal.
  catchStrayErrors(runtime, (e) => {
    log(`uncaught error (ignored): ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
  });
  if (settings.secret === undefined) {
    log(
      "warning: no cluster secret (--secret-file or COHORT_NATS_SECRET): any client with " +
        "this account's credentials can claim this worker, inject calls and forge replies",
    );
  }
  if (nc.info && !nc.info.auth_required) {
    log(
      "warning: the NATS server asks for no credentials: anyone who reaches it can read " +
        "and send cohort messages; configure users (and TLS) on the server",
    );
  }
  const member = new NatsMember({
    nc,
    cluster: settings.cluster,
    info: { id: randomId(), name, runtime, host },
    allowModules,
    secret: settings.secret,
    log,
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

function readSecretFile(path: string | undefined, flag: string): string | undefined {
  if (path === undefined) return undefined;
  try {
    return readFileSync(path, "utf8").trim();
  } catch (e) {
    throw new TypeError(`${flag} ${path}: ${(e as Error).message}`);
  }
}

/** Keeps the process alive when something leaves an uncaught error behind. */
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

/**
 * True when this module is the program: `import.meta.main` where the runtime
 * has it (Deno, Bun, Node.js 24.2 and later), else (older Node.js) when the
 * script Node was started with is this file, links resolved (an npm `bin`
 * link points here).
 */
function isProgram(): boolean {
  const main = (import.meta as { main?: boolean }).main;
  if (typeof main === "boolean") return main;
  const script = process.argv[1];
  if (script === undefined || !import.meta.url.startsWith("file:")) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isProgram()) {
  runNatsWorker(process.argv.slice(2)).catch((e) => {
    console.error(`nats_worker: ${e instanceof Error ? e.message : e}`);
    process.exit(1);
  });
}
