/**
 * Where a NATS worker process runs its tasks: a worker thread of its own
 * (one worker of the runtime's thread adapter: deno-worker, bun-worker, or
 * node-worker under Node.js), so the process's main
 * thread, which holds the NATS link, is never busy. The thread can be ended
 * whatever its task does (crashed, looping, abandoned) and replaced by a
 * clean one; what it had queued goes with it.
 *
 * @module
 */
import type { FromWorker, ToWorker, Transport, TransportEvents } from "../../src/transport.ts";
import { runtimeName } from "../../runtime/env.ts";
import { transferList } from "./frames.ts";

/** What a task thread needs of its transport: both thread adapters' transports have it. */
type ThreadTransport = Transport & { restart(worker: number): Promise<void> };

/** What a {@linkcode TaskThread} reports. */
export interface TaskThreadEvents {
  /** The thread answered. */
  message(message: FromWorker): void;
  /** The thread died (an uncaught error, `self.close()`, ...). */
  exit(reason: Error): void;
}

/** One task thread, replaceable. */
export class TaskThread {
  #transport: ThreadTransport;
  #events: TaskThreadEvents;
  #open = new Set<number>();
  #starting = false;

  private constructor(transport: ThreadTransport, events: TaskThreadEvents) {
    this.#transport = transport;
    this.#events = events;
  }

  /**
   * Starts a task thread with this runtime's thread adapter (node-worker under
   * Node.js, which has no web `Worker`).
   *
   * @param events Where its answers and its death go.
   * @returns The thread.
   */
  static async start(events: TaskThreadEvents): Promise<TaskThread> {
    const runtime = runtimeName();
    const adapter = runtime === "bun"
      ? (await import("../web_worker/bun.ts")).bunWorker
      : runtime === "node"
      ? (await import("../node_worker/node.ts")).nodeWorker
      : (await import("../web_worker/deno.ts")).denoWorker;
    // The adapter's restart() removes the old thread's listeners at once, so
    // nothing of a replaced thread arrives here.
    const relay: TransportEvents = {
      message: (_w, message) => thread.#answered(message),
      exit: (_w, reason) => thread.#events.exit(reason),
    };
    const transport = await adapter.connect({ workers: 1, events: relay, options: {} });
    const thread: TaskThread = new TaskThread(transport, events);
    return thread;
  }

  /** True while a request or a start-up is unanswered (running or queued). */
  get busy(): boolean {
    return this.#starting || this.#open.size > 0;
  }

  /**
   * Hands a message to the thread, transferring the binary parts it carries
   * (they were made for it when the message was read off NATS).
   *
   * @param message The message.
   */
  send(message: ToWorker): void {
    // A cancelled request stays open: the thread answers it, dropped or (if it had started) run.
    if (message.type === "init") this.#starting = true;
    else if (message.type !== "cancel") this.#open.add(message.id);
    this.#transport.send(0, message, transferList(message));
  }

  /** Ends the thread, whatever it does, and starts a clean one: nothing of the old one is reported. */
  async restart(): Promise<void> {
    this.#open.clear();
    this.#starting = false;
    await this.#transport.restart(0);
  }

  /** Ends the thread for good. */
  close(): Promise<void> {
    return this.#transport.close();
  }

  #answered(message: FromWorker): void {
    if (message.type === "ready" || message.type === "fail") this.#starting = false;
    else this.#open.delete(message.id);
    this.#events.message(message);
  }
}
