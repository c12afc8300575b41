/**
 * The module every Node.js worker thread runs: a {@linkcode WorkerRuntime} fed
 * by `parentPort`, plus last words. Node reports an uncaught error to the
 * parent (`error`, then `exit`) but says nothing about where it came from, and
 * reports `process.exit()` only as an exit code; the entry announces both
 * with an {@linkcode ExitMessage} before the thread goes, and the parent
 * terminates it.
 *
 * @module
 */
import { parentPort } from "node:worker_threads";
import process from "node:process";
import { errorToData } from "../../src/errors.ts";
import { markWorkerThread } from "../../src/guard.ts";
import { packFromWorker, unpackToWorker } from "../../src/wire.ts";
import { WorkerRuntime } from "../../src/worker_runtime.ts";
import type { ExitMessage } from "../web_worker/transport.ts";

// Before any task module loads: createPool() at a task module's top level then refuses.
markWorkerThread();

const port = parentPort;
if (!port) throw new Error("adapters/node_worker/entry runs only as a worker thread");
let announced = false;

function announce(reason: string, error?: unknown): void {
  if (announced) return;
  announced = true;
  const message: ExitMessage = { type: "exit", reason };
  if (error !== undefined) message.error = errorToData(error);
  port!.postMessage(message);
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

const runtime = new WorkerRuntime({
  post: (message, transfer) =>
    transfer?.length
      ? port.postMessage(packFromWorker(message), transfer as ArrayBuffer[])
      : port.postMessage(packFromWorker(message)),
});
port.on("message", (data: unknown) => {
  if (!announced) runtime.receive(unpackToWorker(data));
});
// Called before Node ends the thread for an uncaught error or an unhandled rejection.
process.on("uncaughtExceptionMonitor", (error: unknown, origin: string) => {
  const what = origin === "unhandledRejection" ? "unhandled promise rejection" : "uncaught error";
  announce(`${what} in the worker: ${describe(error)}`, error);
});
process.on("exit", (code: number) => announce(`the worker called process.exit(${code})`));
