/**
 * Helpers for the worker adapter tests (not a test file itself): this
 * runtime's worker adapter, a way to reach its transport, and timing.
 *
 * @module
 */
import { spawn } from "node:child_process";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { defaultAdapterName } from "../mod.ts";
import type { WebWorkerAdapter, WebWorkerTransport } from "../adapters/web_worker/transport.ts";

/** The worker adapter of the runtime the tests run on. */
export async function workerAdapter(): Promise<WebWorkerAdapter> {
  return defaultAdapterName() === "bun-worker"
    ? (await import("../adapters/web_worker/bun.ts")).bunWorker
    : (await import("../adapters/web_worker/deno.ts")).denoWorker;
}

/** This runtime's worker adapter, wrapped to keep the transport it makes (to kill workers). */
export async function killableAdapter(): Promise<
  { adapter: WebWorkerAdapter; transport(): WebWorkerTransport }
> {
  const base = await workerAdapter();
  let made: WebWorkerTransport | undefined;
  const adapter: WebWorkerAdapter = {
    name: base.name,
    async connect(options) {
      made = await base.connect(options);
      return made;
    },
  };
  return {
    adapter,
    transport() {
      if (!made) throw new Error("no transport yet");
      return made;
    },
  };
}

/** How a promise settled, and how long it took (ms) from now. */
export async function settle<T>(
  promise: Promise<T>,
): Promise<{ value?: T; error?: unknown; ms: number }> {
  const start = performance.now();
  try {
    const value = await promise;
    return { value, ms: performance.now() - start };
  } catch (error) {
    return { error, ms: performance.now() - start };
  }
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** True when running under Bun. */
export const isBun: boolean = defaultAdapterName() === "bun-worker";

/**
 * The most milliseconds a test lets a worker take to start (or respawn) and answer. Generous:
 * `deno test` without `--no-check` type-checks each worker's modules as it starts, which takes
 * seconds on a loaded 2-core machine.
 */
export const START_BOUND_MS = 20_000;

/**
 * Runs `tests/fixtures/<file>` as a child process with this runtime (`deno run -A` or `bun`);
 * resolves with its exit code, output and time. Killed after `limitMs` (then `code` is null).
 */
export function runScript(
  file: string,
  args: string[],
  limitMs: number,
): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }> {
  const script = fileURLToPath(new URL(`./fixtures/${file}`, import.meta.url));
  const argv = isBun ? [script, ...args] : ["run", "-A", script, ...args];
  const start = performance.now();
  const child = spawn(process.execPath, argv, { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const killer = setTimeout(() => child.kill("SIGKILL"), limitMs);
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(killer);
      resolve({ code, stdout, stderr, ms: performance.now() - start });
    });
  });
}
