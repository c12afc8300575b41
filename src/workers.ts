/**
 * The workers of a pool: slots, start-up handshake, request ids and pending
 * calls, per-worker FIFO queues, the backlog of calls made while a worker
 * starts, crashes and the crash window, replacement after a crash or an
 * abandoned task (with the pool's data replayed first), and closing.
 *
 * @module
 */
import type { Encoded } from "./codec.ts";
import { deadline } from "./deadline.ts";
import { PoolClosedError, WorkerCrashedError } from "./errors.ts";
import type { FromWorker, ToWorker, Transport } from "./transport.ts";
import { Failure, type Outgoing, type Pending, PendingTable } from "./requests.ts";
import { MAX_CRASHES, Slot } from "./slot.ts";
import * as why from "./worker_errors.ts";

export { Failure, type Outgoing } from "./requests.ts";

/** What the workers need from the pool. */
export interface WorkersHooks {
  /** The `init` message of worker `index`. */
  init(index: number): ToWorker;
  /** Values to put on a fresh replacement of worker `index` before anything else. */
  restore(index: number): { id: number; value: Encoded }[];
  /** A restore put failed: the value is lost on that worker. */
  restoreFailed(id: number, worker: number, message: string): void;
  /** Worker `index` died and its data is gone (no restore). */
  lost(index: number, message: string): void;
}

/** The workers of one pool, over one transport. */
export class Workers {
  /** The number of workers. */
  readonly size: number;
  #transport!: Transport;
  #hooks: WorkersHooks;
  #slots: Slot[];
  #pending = new PendingTable();
  #closed: Promise<void> | null = null;

  /** @param size Number of workers. @param hooks What the pool supplies. */
  constructor(size: number, hooks: WorkersHooks) {
    this.size = size;
    this.#hooks = hooks;
    this.#slots = Array.from({ length: size }, () => new Slot());
  }

  /** Takes the transport and starts every worker; resolves once all are ready. */
  async start(transport: Transport, timeout: number): Promise<void> {
    this.#transport = transport;
    for (let i = 0; i < this.size; i++) this.#init(i);
    await deadline(Promise.all(this.#slots.map((s) => s.ready.promise)), timeout, () => {
      const waiting = this.#slots.flatMap((s, i) => s.state === "starting" ? [i] : []);
      return new Error(`workers ${waiting.join(", ")} were not ready after ${timeout} ms`);
    });
  }

  /** A fresh id, shared by requests and remote values. */
  nextId(): number {
    return this.#pending.nextId();
  }

  /** Requests not answered yet. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** True if the workers view a `SharedArrayBuffer` sent to them (`Transport.sharedMemory`). */
  get sharedMemory(): boolean {
    return this.#transport?.sharedMemory === true;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed !== null;
  }

  /** True if worker `index` is dead for good (until `revive`). */
  isDead(index: number): boolean {
    return this.#slots[index].state === "dead";
  }

  /** Indices of the workers that are up or starting. */
  live(): number[] {
    return this.#slots.flatMap((s, i) => s.state === "dead" ? [] : [i]);
  }

  /** Handles a message from the transport. */
  onMessage(worker: number, msg: FromWorker): void {
    const slot = this.#slots[worker];
    if (!slot || this.#closed || typeof msg !== "object" || msg === null) return;
    if (msg.type === "ready") return this.#up(worker);
    if (msg.type === "fail") {
      const error = new Error(`worker ${worker} failed to start: ${msg.error.message}`);
      this.#kill(worker, error);
      return;
    }
    slot.unqueue(msg.id);
    if (slot.hasAbandoned) { // no closure per answer in the usual case
      slot.watchHead(() => this.#replaceRunning(worker, "had started an abandoned call"));
    }
    const p = this.#pending.get(msg.id);
    if (!p || p.worker !== worker || !p.sent) return;
    if (msg.type === "ok") this.#settle(p, null, msg.value);
    else if (msg.type === "err") this.#settle(p, new Failure(worker, msg.error));
  }

  /** Handles a worker's exit: its calls reject, and it is replaced (within limits). */
  onExit(worker: number, reason: Error): void {
    const slot = this.#slots[worker];
    if (this.#closed || !slot || slot.state === "dead") return;
    const crash = why.crashed(worker, reason);
    const crashes = slot.crashed();
    this.#failAll(worker, crash);
    this.#hooks.lost(worker, crash.message);
    if (!slot.everUp || !this.#transport.restart) return this.#kill(worker, crash);
    if (crashes > MAX_CRASHES) {
      return this.#kill(worker, why.stopped(worker, crashes, reason));
    }
    this.#replace(worker);
  }

  /**
   * Sends one request to one worker; resolves with its encoded answer. If
   * `signal` aborts first, the request is given up: dropped if it waits in a
   * queue, or, if the worker is running it, the worker is replaced. If `stop`
   * aborts, the request is dropped if it waits, and otherwise left to finish
   * with its answer ignored.
   */
  request(
    worker: number,
    out: Outgoing,
    signal?: AbortSignal,
    stop?: AbortSignal,
  ): Promise<Encoded> {
    if (this.#closed) return Promise.reject(new PoolClosedError());
    const slot = this.#slots[worker];
    // A replacement that could not be had (say, no idle NATS worker) is tried again.
    if (slot.state === "dead" && slot.retryRestart) this.#replace(worker);
    if (slot.state === "dead") return Promise.reject(why.deadWorker(worker, slot.death));
    if (signal?.aborted) return Promise.reject(signal.reason);
    const { pending: p, promise } = this.#pending.add(
      worker,
      out,
      (q, reason, soft) => this.#abandon(q, reason, soft),
      signal,
      stop,
    );
    if (slot.state === "starting") slot.backlog.push(p.id);
    else this.#send(p);
    return promise;
  }

  /** Brings dead workers (all, or `worker`) back; resolves once they are ready. */
  async revive(worker?: number): Promise<void> {
    if (this.#closed) throw new PoolClosedError();
    const indices = worker === undefined ? this.#slots.map((_, i) => i) : [worker];
    const waits: Promise<void>[] = [];
    for (const i of indices) {
      const slot = this.#slots[i];
      if (slot.state === "dead") {
        if (!this.#transport.restart) {
          throw new WorkerCrashedError(i, `worker ${i} cannot be restarted on this transport`);
        }
        slot.forgive();
        this.#replace(i);
      }
      waits.push(slot.ready.promise);
    }
    await Promise.all(waits);
  }

  /** Rejects everything pending and stops the transport. Idempotent. */
  close(): Promise<void> {
    if (this.#closed) return this.#closed;
    const error = new PoolClosedError("the pool was closed while the call was pending");
    for (const p of this.#pending.all()) this.#settle(p, error);
    for (const slot of this.#slots) {
      slot.backlog.length = 0;
      slot.clearQueue();
      slot.ready.reject(error);
    }
    this.#closed = (this.#transport?.close() ?? Promise.resolve()).catch(() => {});
    return this.#closed;
  }

  #init(worker: number): void {
    try {
      this.#transport.send(worker, this.#hooks.init(worker));
    } catch (e) {
      this.#kill(worker, why.couldNotStart(worker, e));
    }
  }

  #up(worker: number): void {
    const slot = this.#slots[worker];
    if (slot.state !== "starting") return;
    slot.state = "up";
    const restoring = slot.everUp;
    slot.everUp = true;
    if (restoring) {
      // Self-healing: the pool's data goes back first, then what waited.
      for (const { id, value } of this.#hooks.restore(worker)) {
        const put: Outgoing = { message: { type: "put", object: id, value } };
        const p = this.#internal(worker, put);
        p.catch((e) => this.#hooks.restoreFailed(id, worker, why.restoreFailure(worker, e)));
      }
    }
    for (const id of slot.backlog.splice(0)) {
      const p = this.#pending.get(id);
      if (p) this.#send(p);
    }
    slot.ready.resolve();
  }

  #internal(worker: number, out: Outgoing): Promise<Encoded> {
    const { pending, promise } = this.#pending.add(worker, out, () => {});
    this.#send(pending);
    promise.catch(() => {});
    return promise;
  }

  #send(p: Pending): void {
    const slot = this.#slots[p.worker];
    if (p.sent && p.out.transfer?.length) {
      if (!p.out.rebuild) {
        return this.#settle(p, why.unsendable(p.worker));
      }
      p.out = p.out.rebuild();
    }
    p.sent = true;
    slot.queue.push(p.id);
    try {
      this.#transport.send(p.worker, { ...p.out.message, id: p.id } as ToWorker, p.out.transfer);
    } catch (e) {
      slot.unqueue(p.id);
      this.#settle(p, e);
    }
  }

  #settle(p: Pending, error: unknown, value?: Encoded): void {
    this.#pending.settle(p, error, value);
  }

  /**
   * Gives up on a request: drop it if it waits, or replace the worker running
   * it. A request sent and not at the head of the queue may still have started
   * by the time the worker sees the cancel: it stays queued until the worker
   * answers it, and if it turns out to be running, the worker is replaced.
   */
  #abandon(p: Pending, reason: unknown, soft: boolean): void {
    if (!this.#pending.get(p.id)) return;
    const slot = this.#slots[p.worker];
    slot.unbacklog(p.id);
    const inQueue = slot.queue.indexOf(p.id);
    this.#settle(p, reason);
    if (inQueue < 0 || (inQueue === 0 && soft)) return; // soft: let a running task finish
    if (inQueue > 0 || !this.#transport.restart) {
      if (!soft && this.#transport.restart) slot.abandoned(p.id);
      try {
        this.#transport.send(p.worker, { type: "cancel", id: p.id });
      } catch { /* the worker is gone; nothing to drop */ }
      return;
    }
    this.#replaceRunning(p.worker, "was running an abandoned call");
  }

  /** Ends worker `worker`, running what it had; what was queued behind runs on the next. */
  #replaceRunning(worker: number, why: string): void {
    const slot = this.#slots[worker];
    slot.backlog.unshift(...slot.clearQueue());
    this.#hooks.lost(worker, `worker ${worker} was replaced: it ${why}`);
    this.#replace(worker);
  }

  #replace(worker: number): void {
    this.#slots[worker].restart();
    this.#transport.restart!(worker).then(
      () => this.#closed || this.#init(worker),
      (e) => {
        this.#kill(worker, why.unrestartable(worker, e));
        this.#slots[worker].retryRestart = true;
      },
    );
  }

  #failAll(worker: number, error: Error): void {
    const slot = this.#slots[worker];
    slot.clearQueue();
    slot.backlog.length = 0;
    for (const p of this.#pending.all()) if (p.worker === worker) this.#settle(p, error);
  }

  /** Marks a worker dead and rejects everything waiting on it. */
  #kill(worker: number, error: Error): void {
    this.#slots[worker].die(error);
    this.#failAll(worker, error);
  }
}
