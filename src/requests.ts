/**
 * What a request to a worker is: what the pool hands over (`Outgoing`), how
 * it waits (`Pending`), and how a task's failure comes back (`Failure`).
 *
 * @module
 */
import type { Encoded } from "./codec.ts";
import type { ErrorData } from "./errors.ts";
import { deferred } from "./deferred.ts";
import type { Request, Transfer } from "./transport.ts";

/** A failure of one request on one worker: the task threw. */
export class Failure {
  /** The worker. */
  readonly worker: number;
  /** The error as the worker sent it. */
  readonly data: ErrorData;
  /** @param worker The worker. @param data The error. */
  constructor(worker: number, data: ErrorData) {
    this.worker = worker;
    this.data = data;
  }
}

/** A request as the pool hands it over: message, transfer list, and how to rebuild it. */
export interface Outgoing {
  /** The message, without its id. */
  message: Request;
  /** Buffers to transfer; the message cannot be sent twice unless `rebuild` is given. */
  transfer?: Transfer;
  /** Builds the message again (for a resend after its buffers were transferred). */
  rebuild?: () => Outgoing;
}

/** A request sent or waiting to be sent, and how to settle it. */
export interface Pending {
  id: number;
  worker: number;
  out: Outgoing;
  sent: boolean;
  resolve(value: Encoded): void;
  reject(reason: unknown): void;
  signal?: AbortSignal;
  onAbort?: () => void;
  stop?: AbortSignal;
  onStop?: () => void;
}

/** The pool's table of pending requests, by id; ids are shared with remote values. */
export class PendingTable {
  #pending = new Map<number, Pending>();
  #nextId = 1;

  /** A fresh id. */
  nextId(): number {
    return this.#nextId++;
  }

  /** Requests not settled yet. */
  get size(): number {
    return this.#pending.size;
  }

  /** The pending request `id`, if it is pending. */
  get(id: number): Pending | undefined {
    return this.#pending.get(id);
  }

  /** Every pending request (a copy: settling while iterating is fine). */
  all(): Pending[] {
    return [...this.#pending.values()];
  }

  /**
   * Registers a request. When `signal` aborts, `abandon(p, reason, false)` is
   * called; when `stop` aborts, `abandon(p, reason, true)`.
   */
  add(
    worker: number,
    out: Outgoing,
    abandon: (p: Pending, reason: unknown, soft: boolean) => void,
    signal?: AbortSignal,
    stop?: AbortSignal,
  ): { pending: Pending; promise: Promise<Encoded> } {
    const { promise, resolve, reject } = deferred<Encoded>();
    const p: Pending = { id: this.#nextId++, worker, out, sent: false, resolve, reject };
    this.#pending.set(p.id, p);
    if (signal) {
      p.signal = signal;
      p.onAbort = () => abandon(p, signal.reason, false);
      signal.addEventListener("abort", p.onAbort, { once: true });
    }
    if (stop) {
      p.stop = stop;
      p.onStop = () => abandon(p, stop.reason, true);
      stop.addEventListener("abort", p.onStop, { once: true });
    }
    return { pending: p, promise };
  }

  /** Settles `p` (once): resolves with `value` if `error` is `null`, else rejects. */
  settle(p: Pending, error: unknown, value?: Encoded): void {
    if (!this.#pending.delete(p.id)) return;
    if (p.onAbort) p.signal!.removeEventListener("abort", p.onAbort);
    if (p.onStop) p.stop!.removeEventListener("abort", p.onStop);
    if (error === null) p.resolve(value!);
    else p.reject(error);
  }
}
