/**
 * The NATS adapter: a pool of worker processes on any host. Workers started
 * with `adapters/nats/worker.ts` join a named cluster on a NATS server and
 * wait; a pool claims idle ones, talks to each over subjects only it knows
 * (signed with the cluster secret, if there is one), and releases them on
 * `close()` (each worker then ends its task thread and waits idle again).
 *
 * The pool's NATS link runs on a thread of its own where the runtime has
 * worker threads (Deno, Bun), so a pool thread busy in its own work is never
 * dropped as a slow consumer while results arrive.
 *
 * Faults: a worker whose process ends is reported within a few seconds
 * (`WorkerCrashedError`), and `restart` claims an idle replacement, waiting
 * up to `timeout`; `restart` of a worker still running a task (a deadline or
 * an abort gave up on it) drops it silently and tells it to end that task. A
 * server restart is ridden out (lost frames are resent); a pool cut off
 * from NATS for over 10 s gives its workers up, and replaces them once NATS
 * is back.
 *
 * @module
 */
import { reviveError } from "../../src/errors.ts";
import type { Adapter, ToWorker, Transport, TransportEvents } from "../../src/transport.ts";
import type { FromLink, ToLink } from "./link_host.ts";
import type { NatsPoolOptions } from "./options.ts";
import { type NatsSettings, resolveSettings } from "./protocol.ts";

export type { NatsPoolOptions } from "./options.ts";
export { NATS_OPTION_KEYS } from "./options.ts";

/**
 * The NATS adapter, also selected by `createPool({ adapter: "nats" })`. Reads
 * the pool options of {@linkcode NatsPoolOptions}: `servers`, `cluster`,
 * `user`, `password`, `secret` (defaults: env `COHORT_NATS_URL`,
 * `COHORT_NATS_CLUSTER`, `COHORT_NATS_USER`, `COHORT_NATS_PASSWORD`,
 * `COHORT_NATS_SECRET`) and `timeout` (milliseconds to wait for enough idle
 * workers, default 10,000).
 *
 * @example
 * ```ts ignore
 * import { createPool } from "@cohort/core";
 *
 * await using pool = await createPool({
 *   adapter: "nats",
 *   workers: 8,
 *   servers: "nats://head-node:4222",
 *   cluster: "lab",
 *   user: "cohort",
 *   password: Deno.env.get("COHORT_NATS_PASSWORD"),
 *   secret: Deno.env.get("COHORT_NATS_SECRET"),
 * });
 * ```
 */
export const nats: Adapter = {
  name: "nats",
  async connect({ workers, events, options }): Promise<Transport> {
    const o = options as NatsPoolOptions;
    const settings = resolveSettings(o as NatsSettings);
    const timeout = o.timeout ?? 10_000;
    if (typeof timeout !== "number" || !(timeout >= 0) || !Number.isFinite(timeout)) {
      throw new RangeError(`'timeout' must be a non-negative number of ms, got ${String(timeout)}`);
    }
    const transport = new NatsTransport(workers, events, await openPort());
    await transport.open(settings, timeout);
    return transport;
  },
};

/** The pool's end of its link: a thread, or the link itself where there are no threads. */
interface LinkPort {
  post(message: ToLink, transfer?: Transferable[]): void;
  listen(onMessage: (message: FromLink) => void, onError: (reason: string) => void): void;
  terminate(): void;
}

declare const Worker:
  | (new (url: URL, options: { type: "module"; name?: string }) => {
    postMessage(message: ToLink, transfer: Transferable[]): void;
    addEventListener(type: string, listener: (event: Event) => void): void;
    terminate(): void;
  })
  | undefined;

async function openPort(): Promise<LinkPort> {
  if (typeof Worker === "function") {
    const worker = new Worker(new URL("./link_thread.ts", import.meta.url), {
      type: "module",
      name: "cohort-nats-link",
    });
    return {
      post: (message, transfer) => worker.postMessage(message, transfer ?? []),
      listen(onMessage, onError) {
        worker.addEventListener("message", (e) => onMessage((e as MessageEvent<FromLink>).data));
        worker.addEventListener("error", (e) => {
          e.preventDefault();
          onError(`the NATS link thread failed: ${(e as ErrorEvent).message}`);
        });
      },
      terminate: () => worker.terminate(),
    };
  }
  const { serveLink } = await import("./link_host.ts");
  let deliver: (message: FromLink) => void = () => {};
  const handle = serveLink((message) => deliver(message));
  return {
    post: (message) => queueMicrotask(() => handle(message)),
    listen(onMessage) {
      deliver = onMessage;
    },
    terminate() {},
  };
}

class NatsTransport implements Transport {
  readonly size: number;
  #events: TransportEvents;
  #port: LinkPort;
  /** Each slot's current claim; -1 while it has none (lost, or being replaced). */
  #claims: number[];
  #calls = new Map<number, PromiseWithResolvers<number | undefined>>();
  #nextCall = 1;
  #opened = Promise.withResolvers<void>();
  #closing: Promise<void> | null = null;

  constructor(size: number, events: TransportEvents, port: LinkPort) {
    this.size = size;
    this.#events = events;
    this.#port = port;
    this.#claims = new Array(size).fill(-1);
    port.listen((m) => this.#receive(m), (reason) => this.#linkFailed(reason));
  }

  async open(settings: ReturnType<typeof resolveSettings>, timeout: number): Promise<void> {
    this.#port.post({ op: "open", settings, size: this.size, timeout });
    try {
      await this.#opened.promise;
    } catch (e) {
      this.#port.terminate();
      throw e;
    }
  }

  send(worker: number, message: ToWorker, transfer?: Transferable[]): void {
    if (this.#closing || !(this.#claims[worker] >= 0)) return; // the pool learns of a loss by `exit`
    this.#port.post({ op: "send", slot: worker, message }, transfer);
  }

  async restart(worker: number): Promise<void> {
    if (this.#closing) throw new Error("the pool is closing");
    this.#claims[worker] = -1; // from now on, nothing of the old worker reaches the pool
    const claim = await this.#call((call) => ({ op: "restart", slot: worker, call }));
    if (!this.#closing) this.#claims[worker] = claim!;
  }

  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#claims.fill(-1);
      await this.#call((call) => ({ op: "close", call })).catch(() => {});
      this.#port.terminate();
    })();
    return this.#closing;
  }

  #call(make: (call: number) => ToLink): Promise<number | undefined> {
    const call = this.#nextCall++;
    const pending = Promise.withResolvers<number | undefined>();
    this.#calls.set(call, pending);
    this.#port.post(make(call));
    return pending.promise;
  }

  #receive(m: FromLink): void {
    switch (m.op) {
      case "opened":
        this.#claims = m.claims;
        this.#opened.resolve();
        break;
      case "failed":
        this.#opened.reject(reviveError(m.error));
        break;
      case "message":
        if (this.#claims[m.slot] === m.claim) this.#events.message(m.slot, m.message);
        break;
      case "exit":
        if (this.#claims[m.slot] !== m.claim || this.#closing) break;
        this.#claims[m.slot] = -1;
        this.#events.exit(m.slot, new Error(m.reason));
        break;
      case "done": {
        const pending = this.#calls.get(m.call);
        this.#calls.delete(m.call);
        if (m.error === undefined) pending?.resolve(m.claim);
        else pending?.reject(new Error(m.error));
        break;
      }
    }
  }

  #linkFailed(reason: string): void {
    this.#opened.reject(new Error(reason));
    for (const pending of this.#calls.values()) pending.reject(new Error(reason));
    this.#calls.clear();
    for (let slot = 0; slot < this.size; slot++) {
      if (this.#claims[slot] < 0 || this.#closing) continue;
      this.#claims[slot] = -1;
      this.#events.exit(slot, new Error(reason));
    }
  }
}
