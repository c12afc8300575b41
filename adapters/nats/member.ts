/**
 * A NATS worker's life in its cluster: wait idle, accept one claim, serve
 * that pool through a fresh `WorkerRuntime`, and go back to idle when the
 * pool releases it, disappears, or the worker loses NATS for too long.
 * `adapters/nats/worker.ts` is the command line around it.
 *
 * @module
 */
import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import { WorkerRuntime } from "../../src/worker_runtime.ts";
import type { FromWorker, ToWorker } from "../../src/transport.ts";
import { Channel } from "./channel.ts";
import { Watchdog } from "./connection.ts";
import {
  type ClaimReply,
  type ClaimRequest,
  DISCONNECTED_LIMIT_MS,
  fromJson,
  POOL_GONE_MS,
  type Subjects,
  subjects,
  TO_WORKER,
  toJson,
  type WorkerInfo,
} from "./protocol.ts";

/** Options of a {@linkcode NatsMember}. */
export interface MemberOptions {
  /** The connection (already open). */
  nc: NatsConnection;
  /** The cluster to join. */
  cluster: string;
  /** Who this worker is. */
  info: WorkerInfo;
  /** Module URL prefixes tasks may come from. */
  allowModules: readonly string[];
  /** Where to report what happens (default: nothing). */
  log?(line: string): void;
}

const POOL_ID = /^[0-9a-f]{32}$/;
const MiB = 1024 * 1024;

interface Session {
  pool: string;
  channel: Channel<ToWorker, FromWorker>;
  sub: Subscription;
}

/** A worker process's membership in a cluster. */
export class NatsMember {
  #o: MemberOptions;
  #subjects: Subjects;
  #idle: Subscription | null = null;
  #session: Session | null = null;
  #watchdog: Watchdog | null = null;

  /** @param options The connection, cluster and identity. */
  constructor(options: MemberOptions) {
    this.#o = options;
    this.#subjects = subjects(options.cluster);
  }

  /** True while a pool holds this worker. */
  get held(): boolean {
    return this.#session !== null;
  }

  /** Joins the cluster; resolves once the server knows our subscriptions. */
  async join(): Promise<void> {
    const { nc, info } = this.#o;
    nc.subscribe(this.#subjects.who, {
      callback: (_e, msg) => void msg.respond(toJson({ ...info, held: this.held })),
    });
    nc.subscribe(this.#subjects.claim(info.id), { callback: (_e, msg) => void this.#claim(msg) });
    this.#listenIdle();
    this.#watchdog = new Watchdog(nc, {
      tick: () => this.#session?.channel.tick(),
      cutOff: () => this.#free(`cut off from NATS for over ${DISCONNECTED_LIMIT_MS} ms`),
      reconnected: () => this.#session?.channel.reconnected(),
    });
    await nc.flush();
  }

  /**
   * Leaves: tells the pool that holds us (if any) why, and stops.
   *
   * @param reason Shown to the pool in its `WorkerCrashedError`.
   */
  async leave(reason: string): Promise<void> {
    this.#watchdog?.stop();
    await this.#session?.channel.bye(reason);
    this.#free(null);
  }

  /**
   * A task broke the worker (an uncaught error outside any call): the pool is
   * told, and this worker goes back to idle with a fresh runtime.
   *
   * @param error What was thrown.
   */
  crashed(error: unknown): void {
    const session = this.#session;
    if (!session) return;
    const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    session.channel.bye(`an uncaught error broke the worker's session: ${text}`);
    this.#free(`an uncaught error broke the session: ${text}`);
  }

  #listenIdle(): void {
    this.#idle ??= this.#o.nc.subscribe(this.#subjects.idle, {
      callback: (_e, msg) => void msg.respond(toJson(this.#o.info)),
    });
  }

  async #claim(msg: Msg): Promise<void> {
    const request = fromJson<ClaimRequest>(msg.data);
    const reply = (r: ClaimReply) => msg.respond(toJson(r));
    if (!request || !POOL_ID.test(String(request.pool)) || !Number.isSafeInteger(request.claim)) {
      return void reply({ ok: false, reason: "malformed claim" });
    }
    if (this.#session) return void reply({ ok: false, reason: "held by another pool" });
    const { nc, allowModules } = this.#o;
    const runtime = new WorkerRuntime({
      post: (message) => channel.send(message),
      allowModules,
    });
    const channel: Channel<ToWorker, FromWorker> = new Channel({
      nc,
      subject: this.#subjects.toPool(request.pool, request.claim),
      peer: "the pool",
      goneAfter: POOL_GONE_MS,
      accept: TO_WORKER,
      onMessage: (message) => {
        // Many workers answering one pool at once must not flood its connection.
        if (message.type === "init") {
          channel.window = Math.min(8, Math.max(1, 32 / message.size)) * MiB;
        }
        runtime.receive(message);
      },
      onBye: (reason) => this.#free(reason),
      onGone: (reason) => this.#free(reason),
    });
    const sub = nc.subscribe(this.#subjects.toWorker(request.pool, request.claim), {
      callback: (_e, m) => channel.receive(m),
    });
    const session: Session = { pool: request.pool, channel, sub };
    this.#session = session;
    this.#idle?.unsubscribe();
    this.#idle = null;
    try {
      await nc.flush();
    } catch {
      // Reconnecting: the subscription is restored with the connection.
    }
    if (this.#session !== session) return void reply({ ok: false, reason: "released" });
    this.#o.log?.(`held by pool ${request.pool.slice(0, 8)}… (claim ${request.claim})`);
    reply({ ok: true });
  }

  /** Ends the session (if any) and waits idle again. */
  #free(reason: string | null): void {
    const session = this.#session;
    if (!session) return;
    this.#session = null;
    session.channel.close();
    session.sub.unsubscribe();
    if (reason !== null) {
      this.#o.log?.(`released: ${reason}`);
      this.#listenIdle();
    }
  }
}
