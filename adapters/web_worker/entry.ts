/**
 * The module every Deno, Bun and browser worker runs: a {@linkcode WorkerRuntime} fed by
 * the worker's messages, plus last words. Where the runtime tells the parent
 * nothing (Deno: `self.close()`, `process.exit()`, `Deno.exit()`), or tells it
 * little (an uncaught error), the worker announces its own exit with an
 * {@linkcode ExitMessage} before it goes, and the parent terminates it.
 *
 * @module
 */
import { errorToData } from "../../src/errors.ts";
import { markWorkerThread } from "../../src/guard.ts";
import { WorkerRuntime } from "../../src/worker_runtime.ts";
import { packFromWorker, unpackToWorker } from "../../src/wire.ts";
import type { ExitMessage } from "./transport.ts";

// Before any task module loads: createPool() at a task module's top level then refuses.
markWorkerThread();

/** The parts of a worker's global scope used here (Deno, Bun and browsers alike). */
interface WorkerScope {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  /** Deno and browsers; Bun has no `self.close`. */
  close?: () => void;
}

/** Runtime globals, looked up on `globalThis`: a browser worker has neither. */
interface RuntimeGlobals {
  Deno?: { exitCode: number };
  process?: { on?(event: "exit", listener: (code: number) => void): void };
}

const scope = globalThis as unknown as WorkerScope;
const globals = globalThis as unknown as RuntimeGlobals;
const close = typeof scope.close === "function" ? scope.close.bind(scope) : undefined;
let announced = false;

function announce(reason: string, error?: unknown): void {
  if (announced) return;
  announced = true;
  const message: ExitMessage = { type: "exit", reason };
  if (error !== undefined) message.error = errorToData(error);
  scope.postMessage(message, []);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Announces a fatal error and ends the worker (Bun ends it by itself). */
function crash(what: string, error: unknown): void {
  announce(`${what} in the worker: ${describe(error)}`, error);
  close?.();
}

const runtime = new WorkerRuntime({
  post: (message, transfer) =>
    transfer?.length
      ? scope.postMessage(packFromWorker(message), transfer)
      : scope.postMessage(packFromWorker(message)),
});
scope.addEventListener("message", (event) => {
  if (!announced) runtime.receive(unpackToWorker((event as MessageEvent).data));
});
scope.addEventListener("error", (event) => {
  event.preventDefault(); // Deno: keeps the error off stderr; the pool reports it
  const e = event as ErrorEvent;
  crash("uncaught error", e.error ?? e.message);
});
scope.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  crash("unhandled promise rejection", (event as PromiseRejectionEvent).reason);
});
if (close) {
  scope.close = () => {
    announce("the worker called self.close()");
    close();
  };
}
// Under Deno, touching `process` loads the Node compatibility layer (10-25 ms per worker
// start); Deno fires `unload` on process.exit() as on Deno.exit(), with Deno.exitCode set.
const deno = globals.Deno;
if (!deno) {
  globals.process?.on?.("exit", (code) => announce(`the worker called process.exit(${code})`));
}
scope.addEventListener("unload", () => {
  const code = deno ? ` with code ${deno.exitCode}` : "";
  announce(`the worker exited${code} (process.exit() or Deno.exit())`);
});
