/**
 * The in-process adapter: `workers` simulated workers, each with its own
 * object store, in the calling thread. Every message is structured-cloned as
 * `postMessage` would, and every value goes through the codec, so
 * serialization bugs show up without threads. Tasks run one at a time.
 *
 * @module
 */
import type { Adapter, Transport } from "../src/transport.ts";
import { WorkerRuntime } from "../src/worker_runtime.ts";

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
export const inProcess: Adapter = {
  name: "in-process",
  connect({ workers, events }): Promise<Transport> {
    let open = true;
    const runtimes = Array.from({ length: workers }, (_, i) =>
      new WorkerRuntime({
        post(message, transfer) {
          const copy = structuredClone(message, { transfer: transfer ?? [] });
          queueMicrotask(() => open && events.message(i, copy));
        },
      }));
    return Promise.resolve({
      size: workers,
      send(worker, message, transfer) {
        const copy = structuredClone(message, { transfer: transfer ?? [] });
        queueMicrotask(() => open && runtimes[worker].receive(copy));
      },
      close() {
        open = false;
        return Promise.resolve();
      },
    });
  },
};

/** The object stores of an in-process transport's workers (for tests). */
export type { WorkerRuntime };
