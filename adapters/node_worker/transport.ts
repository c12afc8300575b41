/**
 * The Node.js worker transport: one `worker_threads` `Worker` per pool worker
 * running `entry.ts`, messages forwarded both ways (transfer lists move
 * buffers, `SharedArrayBuffer`s are shared), exits detected, dead workers
 * respawned, and everything torn down on `close()`.
 *
 * How an exit is noticed, by kind:
 * - the worker entry announces it (`{ type: "exit" }`) for an uncaught error,
 *   an unhandled rejection and `process.exit()`;
 * - Node fires `error` on the parent for an error the entry could not catch
 *   (e.g. the entry or a module it imports failing to load), and `exit` when
 *   the thread ends for whatever reason;
 * - {@linkcode NodeWorkerTransport.kill} terminates a worker from outside.
 *
 * @module
 */
import { Worker } from "node:worker_threads";
import { type ErrorData, reviveError } from "../../src/errors.ts";
import { packToWorker, unpackFromWorker } from "../../src/wire.ts";
import type {
  Adapter,
  ConnectOptions,
  FromWorker,
  ToWorker,
  Transport,
} from "../../src/transport.ts";
import type { ExitMessage } from "../web_worker/transport.ts";

/**
 * A transport over Node.js worker threads. Besides {@linkcode Transport} it
 * can kill a worker, as something outside the pool would, for testing crash
 * handling.
 *
 * @example Keep the transport a pool runs on, to kill one of its workers
 * ```ts
 * import { createPool } from "@cohort/core";
 * import { nodeWorker, type NodeWorkerTransport } from "@cohort/core/adapters/node-worker";
 * import assert from "node:assert/strict";
 *
 * let transport: NodeWorkerTransport | undefined;
 * await using pool = await createPool({
 *   workers: 2,
 *   adapter: {
 *     name: nodeWorker.name,
 *     connect: async (options) => (transport = await nodeWorker.connect(options)),
 *   },
 * });
 * const handle = await pool.push([1, 2, 3]);
 * transport!.kill(1); // the pool respawns worker 1 and restores what was pushed to it
 * assert.deepEqual(await pool.pull(handle), [[1, 2, 3], [1, 2, 3]]);
 * ```
 */
export interface NodeWorkerTransport extends Transport {
  /**
   * Replaces worker `worker` with a freshly spawned one (the pool then sends
   * it `init`). A worker still running is terminated first, silently.
   */
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
 * An adapter whose transports are {@linkcode NodeWorkerTransport}s.
 *
 * @example Connect without a pool and kill a worker
 * ```ts
 * import { nodeWorker, type NodeWorkerAdapter } from "@cohort/core/adapters/node-worker";
 * import assert from "node:assert/strict";
 *
 * const adapter: NodeWorkerAdapter = nodeWorker;
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
export interface NodeWorkerAdapter extends Adapter {
  /** Starts `workers` worker threads. */
  connect(options: ConnectOptions): Promise<NodeWorkerTransport>;
}

interface Slot {
  worker: Worker;
  dead: boolean;
}

/**
 * Starts one worker thread running the entry module. The URL stays one
 * expression beside `new Worker` so that bundlers see the entry and emit it.
 */
function startWorker(index: number, entry: URL | undefined): Worker {
  const options = { name: `cohort-node-worker-${index}` };
  return entry
    ? new Worker(entry, options)
    : new Worker(new URL("./entry.ts", import.meta.url), options);
}

/** Stops listening to a worker; a late `error` event must still find a listener. */
function detach(worker: Worker): void {
  worker.removeAllListeners();
  worker.on("error", () => {});
}

/**
 * Makes an adapter over `node:worker_threads`.
 *
 * @param entry The module each worker runs. Default: `entry.ts` beside this
 *   file. A replacement must run a `WorkerRuntime` as that one does.
 * @returns The adapter.
 *
 * @example
 * ```ts ignore
 * import { nodeWorkerAdapter } from "./transport.ts";
 *
 * export const nodeWorker: NodeWorkerAdapter = nodeWorkerAdapter();
 * ```
 */
export function nodeWorkerAdapter(entry?: URL): NodeWorkerAdapter {
  return {
    name: "node-worker",
    connect({ workers, events }): Promise<NodeWorkerTransport> {
      let closed = false;
      const slots: Slot[] = [];

      /** Ends worker `index` (if `slot` is still its current one) and reports it. */
      const lost = (index: number, slot: Slot, reason: string, cause?: Error): void => {
        if (closed || slot.dead || slots[index] !== slot) return;
        slot.dead = true;
        detach(slot.worker);
        slot.worker.terminate().catch(() => {});
        events.exit(index, new Error(reason, { cause }));
      };

      const spawn = (index: number): Slot => {
        const worker = startWorker(index, entry);
        const slot: Slot = { worker, dead: false };
        worker.on("message", (data: unknown) => {
          const message = unpackFromWorker(data) as FromWorker | ExitMessage | null | undefined;
          // A task may post on `parentPort` itself; only the entry's objects count.
          if (message === null || typeof message !== "object") return;
          if (message.type === "exit") {
            const cause = message.error ? reviveError(message.error as ErrorData) : undefined;
            lost(index, slot, message.reason, cause);
          } else if (!slot.dead && !closed) events.message(index, message);
        });
        worker.on("error", (error: unknown) => {
          const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
          lost(index, slot, `uncaught error in the worker: ${text}`, asError(error));
        });
        worker.on(
          "messageerror",
          (error: unknown) =>
            lost(
              index,
              slot,
              "a message from the worker could not be deserialized",
              asError(error),
            ),
        );
        worker.on(
          "exit",
          (code: number) => lost(index, slot, `the worker exited with code ${code}`),
        );
        return slot;
      };

      const closeAll = async (): Promise<void> => {
        closed = true;
        const ending = slots.splice(0).map((slot) => {
          slot.dead = true;
          detach(slot.worker);
          return slot.worker.terminate().catch(() => {});
        });
        await Promise.all(ending);
      };

      try {
        for (let i = 0; i < workers; i++) slots.push(spawn(i));
      } catch (e) {
        return closeAll().then(() => Promise.reject(e));
      }

      return Promise.resolve({
        size: workers,
        sharedMemory: true,
        send(index: number, message: ToWorker, transfer?: Transferable[]): void {
          const slot = slots[index];
          if (closed || !slot || slot.dead) return; // the pool learns of the death by `exit`
          if (transfer?.length) {
            slot.worker.postMessage(packToWorker(message), transfer as ArrayBuffer[]);
          } else slot.worker.postMessage(packToWorker(message));
        },
        restart(index: number): Promise<void> {
          if (closed) return Promise.resolve();
          const old = slots[index];
          if (old && !old.dead) {
            // A deadline or abort gave up on its task: end it silently, no `exit` event.
            old.dead = true;
            detach(old.worker);
            old.worker.terminate().catch(() => {});
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
        close: closeAll,
      });
    },
  };
}

function asError(error: unknown): Error | undefined {
  return error instanceof Error ? error : undefined;
}
