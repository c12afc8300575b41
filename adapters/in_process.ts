/**
 * The in-process adapter: `workers` simulated workers, each with its own
 * object store, in the calling thread. Every message is structured-cloned as
 * `postMessage` would, and every value goes through the codec, so
 * serialization bugs show up without threads. Tasks run one at a time.
 *
 * A simulated worker can be replaced (after a deadline or an abort) while its
 * task awaits for ever; a task in a synchronous endless loop cannot be
 * interrupted in one thread, and blocks the caller too.
 *
 * @module
 */
import type { Adapter, ConnectOptions, Transport } from "../src/transport.ts";
import { WorkerRuntime } from "../src/worker_runtime.ts";

/** A transport of simulated workers; `kill(i)` makes worker i "crash" (for tests). */
export interface InProcessTransport extends Transport {
  /** Replaces worker `worker` by a fresh simulated one. */
  restart(worker: number): Promise<void>;
  /**
   * Ends simulated worker `worker` as a crash would: the pool sees it exit
   * and replaces it.
   *
   * @param worker The worker index.
   */
  kill(worker: number): void;
}

/** An adapter whose transports are {@linkcode InProcessTransport}s. */
export interface InProcessAdapter extends Adapter {
  /** Starts `workers` simulated workers. */
  connect(options: ConnectOptions): Promise<InProcessTransport>;
}

/**
 * The in-process adapter, also selected by `createPool({ adapter: "in-process" })`.
 *
 * @example
 * ```ts
 * import { createPool } from "@cohort/core";
 * import { inProcess } from "@cohort/core/adapters/in-process";
 * import assert from "node:assert/strict";
 *
 * await using pool = await createPool({ adapter: inProcess, workers: 3 });
 * assert.equal(pool.size, 3);
 * ```
 */
export const inProcess: InProcessAdapter = {
  name: "in-process",
  connect({ workers, events }): Promise<InProcessTransport> {
    let open = true;
    // One FIFO queue for both directions, drained in microtasks; every so many
    // drains it waits for a timer instead, so that timers (deadlines, aborts)
    // still fire while simulated workers stream results.
    const queue: (() => void)[] = [];
    let scheduled = false;
    let drains = 0;
    const drain = (): void => {
      scheduled = false;
      for (const run of queue.splice(0)) if (open) run();
    };
    const deliver = (run: () => void): void => {
      queue.push(run);
      if (scheduled) return;
      scheduled = true;
      if (++drains % 64 === 0) setTimeout(drain, 0);
      else queueMicrotask(drain);
    };
    const spawn = (i: number): WorkerRuntime => {
      const runtime: WorkerRuntime = new WorkerRuntime({
        post(message, transfer) {
          const copy = structuredClone(message, { transfer: transfer ?? [] });
          deliver(() => runtimes[i] === runtime && events.message(i, copy));
        },
      });
      return runtime;
    };
    const runtimes = Array.from({ length: workers }, (_, i) => spawn(i));
    return Promise.resolve({
      size: workers,
      send(worker, message, transfer) {
        const copy = structuredClone(message, { transfer: transfer ?? [] });
        const runtime = runtimes[worker];
        deliver(() => runtime.receive(copy));
      },
      restart(worker) {
        runtimes[worker].terminate();
        runtimes[worker] = spawn(worker);
        return Promise.resolve();
      },
      kill(worker) {
        runtimes[worker].terminate();
        deliver(() => events.exit(worker, new Error("the simulated worker was killed")));
      },
      close() {
        open = false;
        for (const runtime of runtimes) runtime.terminate();
        return Promise.resolve();
      },
    });
  },
};
