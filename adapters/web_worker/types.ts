/**
 * The types the web-standard worker shells share: the entry's last words
 * (`ExitMessage`), a runtime's quirks, and the parts of `Worker` used.
 *
 * @module
 */
import type { ErrorData } from "../../src/errors.ts";
import type { ToWorker } from "../../src/transport.ts";

/** What the worker entry posts besides {@linkcode FromWorker}: its last words. */
export interface ExitMessage {
  /** Marks the message as an exit announcement. */
  type: "exit";
  /** Why the worker is going, e.g. `"the worker called self.close()"`. */
  reason: string;
  /** The error that ended it, if one did. */
  error?: ErrorData;
}

/** The runtime differences the common code needs to know. */
export interface WebWorkerQuirks {
  /** The adapter's name, e.g. `"deno-worker"`. */
  name: string;
  /** True if the runtime fires `close` on the parent when a worker ends (Bun). */
  closeEvent: boolean;
  /**
   * The module each worker runs. Default: `entry.ts` beside this
   * file. A replacement must run a `WorkerRuntime` as that one does.
   */
  entry?: URL;
  /**
   * Starts one worker, in place of `new Worker(entry, { type: "module", name })`:
   * the browser shell writes `new Worker(new URL(...), ...)` in one expression,
   * so that bundlers see the entry module.
   */
  spawn?: (name: string) => WebWorker;
  /** Runs once before the first worker starts; a rejection fails `connect()`. */
  preflight?: () => Promise<void>;
  /** Checks a message before it is sent; what it throws rejects that call. */
  check?: (message: ToWorker) => void;
  /** Ends a worker, in place of `worker.terminate()` (Deno: see `deno.ts`). */
  terminate?: (worker: WebWorker) => void;
}

/** The parts of a web-standard `Worker` used here (Deno, Bun and browsers alike). */
export interface WebWorker {
  postMessage(message: unknown, transfer?: Transferable[]): void;
  terminate(): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
  removeEventListener(type: string, listener: (event: Event) => void): void;
}
