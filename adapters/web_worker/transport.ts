/**
 * The code the web-standard worker adapters share (Deno, Bun, browsers): one `Worker` per pool
 * worker running `entry.ts`, messages forwarded both ways, exits
 * detected, dead workers respawned, and everything torn down on `close()`.
 * `deno.ts`, `bun.ts` and `browser.ts` pass their runtime's quirks to it.
 *
 * How an exit is noticed, by kind:
 * - the worker entry announces it (`{ type: "exit" }`) for an uncaught error, an
 *   unhandled rejection, `self.close()`, `process.exit()` and `Deno.exit()`;
 * - an `error` event on the parent covers errors the entry could not catch
 *   (e.g. the entry module failing to load); the handler calls
 *   `preventDefault()`, or `deno run` would end the whole process;
 * - Bun fires `close` when a worker ends, for whatever reason;
 * - {@linkcode WebWorkerTransport.kill} terminates a worker from outside.
 *
 * A dead worker is terminated for good and its listeners removed; the pool
 * then calls `restart()`, which spawns a fresh worker in its place.
 *
 * @module
 */
import { type ErrorData, reviveError } from "../../src/errors.ts";
import { packToWorker, unpackFromWorker } from "../../src/wire.ts";
import type {
  Adapter,
  ConnectOptions,
  FromWorker,
  ToWorker,
  Transport,
} from "../../src/transport.ts";

export type { ExitMessage, WebWorker, WebWorkerQuirks } from "./types.ts";
import type { ExitMessage, WebWorker, WebWorkerQuirks } from "./types.ts";

/**
 * A transport over web-standard workers. Besides {@linkcode Transport} it can
 * kill a worker, as something outside the pool would, for testing crash
 * handling.
 *
 * @example Keep the transport a pool runs on, to kill one of its workers
 * ```ts
 * import { createPool } from "@cohort/core";
 * import { denoWorker, type WebWorkerTransport } from "@cohort/core/adapters/deno-worker";
 * import assert from "node:assert/strict";
 *
 * let transport: WebWorkerTransport | undefined;
 * await using pool = await createPool({
 *   workers: 2,
 *   adapter: {
 *     name: denoWorker.name,
 *     connect: async (options) => (transport = await denoWorker.connect(options)),
 *   },
 * });
 * const handle = await pool.push([1, 2, 3]);
 * transport!.kill(1); // the pool respawns worker 1 and puts the pushed data back first
 * assert.deepEqual(await pool.pull(handle), [[1, 2, 3], [1, 2, 3]]);
 * ```
 */
export interface WebWorkerTransport extends Transport {
  /** Replaces a dead worker with a freshly spawned one (the pool then sends it `init`). */
  restart(worker: number): Promise<void>;
  /**
   * Terminates worker `worker` from outside, without warning it. The pool
   * sees the worker exit (calls waiting on it reject with
   * `WorkerCrashedError`) and respawns it. Meant for tests.
   *
   * @param worker The worker index.
   */
  kill(worker: number): void;
}

/**
 * An adapter whose transports are {@linkcode WebWorkerTransport}s.
 *
 * @example Connect without a pool and kill a worker
 * ```ts
 * import { denoWorker, type WebWorkerAdapter } from "@cohort/core/adapters/deno-worker";
 * import assert from "node:assert/strict";
 *
 * const adapter: WebWorkerAdapter = denoWorker;
 * const exits: string[] = [];
 * const transport = await adapter.connect({
 *   workers: 2,
 *   options: {},
 *   events: {
 *     message: () => {},
 *     exit: (worker, reason) => exits.push(`${worker}: ${reason.message}`),
 *   },
 * });
 * transport.kill(1);
 * assert.deepEqual(exits, ["1: the worker was terminated from outside"]);
 * await transport.close();
 * ```
 */
export interface WebWorkerAdapter extends Adapter {
  /** Starts `workers` workers. */
  connect(options: ConnectOptions): Promise<WebWorkerTransport>;
}

declare const Worker: new (url: URL, options: { type: "module"; name?: string }) => WebWorker;

interface Slot {
  worker: WebWorker;
  dead: boolean;
  off(): void;
}

/** The worker entry module every worker runs, unless the quirks name another. */
const ENTRY: URL = new URL("./entry.ts", import.meta.url);

/**
 * Makes an adapter over the runtime's web-standard `Worker`.
 *
 * @param quirks The runtime's name and differences.
 * @returns The adapter.
 *
 * @example How `deno.ts` makes its adapter
 * ```ts ignore
 * import { webWorkerAdapter } from "./transport.ts";
 *
 * export const denoWorker: WebWorkerAdapter = webWorkerAdapter({
 *   name: "deno-worker",
 *   closeEvent: false,
 * });
 * ```
 */
export function webWorkerAdapter(quirks: WebWorkerQuirks): WebWorkerAdapter {
  return {
    name: quirks.name,
    async connect(options: ConnectOptions): Promise<WebWorkerTransport> {
      await quirks.preflight?.();
      return start(quirks, options);
    },
  };
}

function start(
  quirks: WebWorkerQuirks,
  { workers, events }: ConnectOptions,
): Promise<WebWorkerTransport> {
  let closed = false;
  const slots: Slot[] = [];
  const end = (worker: WebWorker): void =>
    quirks.terminate ? quirks.terminate(worker) : worker.terminate();

  /** Ends worker `index` (if `slot` is still its current one) and reports it. */
  const lost = (index: number, slot: Slot, reason: string, cause?: ErrorData): void => {
    if (closed || slot.dead || slots[index] !== slot) return;
    slot.dead = true;
    slot.off();
    end(slot.worker);
    events.exit(index, new Error(reason, { cause: cause ? reviveError(cause) : undefined }));
  };

  const spawn = (index: number): Slot => {
    const name = `cohort-${quirks.name}-${index}`;
    const worker = quirks.spawn?.(name) ??
      new Worker(quirks.entry ?? ENTRY, { type: "module", name });
    let heard = false;
    const onMessage = (event: Event): void => {
      const message = unpackFromWorker((event as MessageEvent).data) as
        | FromWorker
        | ExitMessage
        | undefined;
      // A task may post anything on its own global; only our messages count.
      if (typeof message !== "object" || message === null) return;
      heard = true;
      if (message.type === "exit") lost(index, slot, message.reason, message.error);
      else if (!slot.dead && !closed) events.message(index, message);
    };
    const onError = (event: Event): void => {
      event.preventDefault(); // else `deno run` ends the whole process
      const message = (event as ErrorEvent).message;
      // A browser reports a worker module that fails to load (404, syntax error)
      // as a bare `error` event, before the worker ever speaks.
      lost(
        index,
        slot,
        message
          ? `uncaught error in the worker: ${message}`
          : heard
          ? "uncaught error in the worker: unknown error"
          : `the worker's entry module failed to load${
            quirks.entry ? ` (${quirks.entry.href})` : ""
          }`,
      );
    };
    const onMessageError = (): void =>
      lost(index, slot, "a message from the worker could not be deserialized");
    const onClose = (event: Event): void => {
      const code = (event as Event & { code?: number }).code;
      lost(index, slot, `the worker exited${code === undefined ? "" : ` with code ${code}`}`);
    };
    worker.addEventListener("message", onMessage);
    worker.addEventListener("error", onError);
    worker.addEventListener("messageerror", onMessageError);
    if (quirks.closeEvent) worker.addEventListener("close", onClose);
    const slot: Slot = {
      worker,
      dead: false,
      off() {
        worker.removeEventListener("message", onMessage);
        worker.removeEventListener("error", onError);
        worker.removeEventListener("messageerror", onMessageError);
        if (quirks.closeEvent) worker.removeEventListener("close", onClose);
      },
    };
    return slot;
  };

  try {
    for (let i = 0; i < workers; i++) slots.push(spawn(i));
  } catch (e) {
    closeAll();
    return Promise.reject(e);
  }

  function closeAll(): void {
    closed = true;
    for (const slot of slots.splice(0)) {
      slot.dead = true;
      slot.off();
      end(slot.worker);
    }
  }

  return Promise.resolve({
    size: workers,
    sharedMemory: canShare(),
    send(index: number, message: ToWorker, transfer?: Transferable[]): void {
      const slot = slots[index];
      quirks.check?.(message);
      if (closed || !slot || slot.dead) return; // the pool learns of the death by `exit`
      // No transfer list unless there is something to move: Bun pays for an empty one.
      if (transfer?.length) slot.worker.postMessage(packToWorker(message), transfer);
      else slot.worker.postMessage(packToWorker(message));
    },
    restart(index: number): Promise<void> {
      if (closed) return Promise.resolve();
      const old = slots[index];
      if (old && !old.dead) {
        // A deadline or abort gave up on its task: end it silently, no `exit` event.
        old.dead = true;
        old.off();
        end(old.worker);
      }
      try {
        slots[index] = spawn(index);
        return Promise.resolve();
      } catch (e) {
        return Promise.reject(e);
      }
    },
    kill(index: number): void {
      const slot = slots[index];
      if (slot) lost(index, slot, "the worker was terminated from outside");
    },
    close(): Promise<void> {
      closeAll();
      return Promise.resolve();
    },
  });
}

/**
 * True if workers can view a `SharedArrayBuffer` the pool sends them: Deno and
 * Bun always; a browser page only when cross-origin isolated.
 */
function canShare(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean };
  return typeof SharedArrayBuffer === "function" && g.crossOriginIsolated !== false;
}
