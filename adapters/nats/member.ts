/**
 * A NATS worker's life in its cluster: wait idle, accept one claim, serve
 * that pool, and go back to idle when the pool releases it, disappears, or
 * the worker loses NATS for too long. Tasks run on a {@linkcode TaskThread};
 * this side, on the process's main thread, only moves frames, so it always
 * answers heartbeats and reads what arrives (no slow-consumer drops). When a
 * session ends for any reason the task thread is replaced by a clean one, so
 * nothing of a previous pool runs or waits when the worker says it is idle.
 * `adapters/nats/worker.ts` is the command line around it.
 *
 * @module
 */
import type { Msg, NatsConnection, Subscription } from "@nats-io/transport-node";
import { errorToData } from "../../src/errors.ts";
import type { FromWorker, ToWorker } from "../../src/transport.ts";
import { moduleRefusal } from "./allow.ts";
import {
  acceptMac,
  CLAIM_SKEW_MS,
  type ClaimFacts,
  claimMac,
  hex,
  linkKeys,
  NonceMemory,
  poolKey,
  sameBytes,
} from "./auth.ts";
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
import { TaskThread } from "./task_thread.ts";

/** Options of a {@linkcode NatsMember}. */
export interface MemberOptions {
  /** The connection (already open). */
  nc: NatsConnection;
  /** The cluster to join. */
  cluster: string;
  /** Who this worker is. */
  info: WorkerInfo;
  /** Folders tasks may come from (the result of `allowedFolders`). */
  allowModules: readonly string[];
  /** The cluster secret; without it claims and frames are not signed. */
  secret?: string;
  /** Where to report what happens (default: nothing). */
  log?(line: string): void;
}

const POOL_ID = /^[0-9a-f]{32}$/;
const NONCE = /^[0-9a-f]{32}$/;
const MiB = 1024 * 1024;
const encoder = new TextEncoder();

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
  #thread: TaskThread | null = null;
  #nonces = new NonceMemory();
  #leaving = false;
  #restarting = false;

  /** @param options The connection, cluster and identity. */
  constructor(options: MemberOptions) {
    this.#o = options;
    this.#subjects = subjects(options.cluster);
  }

  /** True while a pool holds this worker. */
  get held(): boolean {
    return this.#session !== null;
  }

  /** Starts the task thread and joins the cluster; resolves once the server knows us. */
  async join(): Promise<void> {
    const { nc, info } = this.#o;
    this.#thread = await TaskThread.start({
      message: (message) => this.#session?.channel.send(message),
      exit: (reason) => this.#threadDied(reason),
    });
    nc.subscribe(this.#subjects.who, {
      callback: (_e, msg) => void msg.respond(toJson({ ...info, held: this.held })),
    });
    nc.subscribe(this.#subjects.claim(info.id), { callback: (_e, msg) => this.#claim(msg) });
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
    this.#leaving = true;
    this.#watchdog?.stop();
    await this.#session?.channel.bye(reason);
    this.#free(null);
    await this.#thread?.close();
  }

  #listenIdle(): void {
    if (this.#leaving || this.#session || this.#restarting || this.#thread?.busy) return;
    this.#idle ??= this.#o.nc.subscribe(this.#subjects.idle, {
      callback: (_e, msg) => void msg.respond(toJson(this.#o.info)),
    });
  }

  #claim(msg: Msg): void {
    const request = fromJson<ClaimRequest>(msg.data);
    const reply = (r: ClaimReply) => void msg.respond(toJson(r));
    if (!request || !POOL_ID.test(String(request.pool)) || !Number.isSafeInteger(request.claim)) {
      return reply({ ok: false, reason: "malformed claim" });
    }
    if (this.#session || this.#restarting || this.#leaving) {
      return reply({ ok: false, reason: "held by another pool" });
    }
    const { nc, secret, info } = this.#o;
    const facts: ClaimFacts = {
      pool: request.pool,
      claim: request.claim,
      worker: info.id,
      nonce: String(request.nonce ?? ""),
      time: Number(request.time),
    };
    const workerNonce = hex(crypto.getRandomValues(new Uint8Array(16)));
    let answer: ClaimReply = { ok: true };
    if (secret !== undefined) {
      const mac = encoder.encode(String(request.mac ?? ""));
      if (
        !NONCE.test(facts.nonce) || !sameBytes(mac, encoder.encode(claimMac(secret, facts)))
      ) {
        this.#o.log?.("refused a claim that is not signed with the cluster secret");
        return reply({ ok: false, reason: "the claim is not signed with the cluster secret" });
      }
      if (
        !(Math.abs(Date.now() - facts.time) < CLAIM_SKEW_MS) || !this.#nonces.fresh(facts.nonce)
      ) {
        this.#o.log?.("refused a replayed or stale claim");
        return reply({ ok: false, reason: "stale or replayed claim" });
      }
      answer = { ok: true, nonce: workerNonce, mac: acceptMac(secret, facts, workerNonce) };
    }
    const channel = new Channel<ToWorker, FromWorker>({
      nc,
      subject: this.#subjects.toPool(request.pool, request.claim),
      peer: "the pool",
      goneAfter: POOL_GONE_MS,
      accept: TO_WORKER,
      keys: secret === undefined ? undefined : linkKeys(secret, facts, workerNonce, "worker"),
      goneKey: secret === undefined ? undefined : poolKey(secret, request.pool),
      onMessage: (message) => this.#deliver(channel, message),
      onBye: (reason) => this.#free(reason),
      onGone: (reason) => this.#free(reason),
    });
    const sub = nc.subscribe(this.#subjects.toWorker(request.pool, request.claim), {
      callback: (_e, m) => channel.receive(m),
    });
    this.#session = { pool: request.pool, channel, sub };
    this.#idle?.unsubscribe();
    this.#idle = null;
    this.#o.log?.(`held by pool ${request.pool.slice(0, 8)}… (claim ${request.claim})`);
    // Our subscription goes out before the answer, on the same connection.
    reply(answer);
  }

  /** A message from the pool: checked against the allow-list, then handed to the task thread. */
  #deliver(channel: Channel<ToWorker, FromWorker>, message: ToWorker): void {
    const folders = this.#o.allowModules;
    if (message.type === "init") {
      // Many workers answering one pool at once must not flood its connection.
      channel.window = Math.min(8, Math.max(1, 32 / message.size)) * MiB;
      const refusal = message.modules.map((m) => moduleRefusal(m, folders)).find((r) => r);
      if (refusal) return channel.send({ type: "fail", error: errorToData(new Error(refusal)) });
    } else if (message.type === "call" || message.type === "map") {
      const refusal = moduleRefusal(message.module, folders);
      if (refusal) {
        return channel.send({
          type: "err",
          id: message.id,
          error: errorToData(new Error(refusal)),
        });
      }
    }
    this.#thread?.send(message);
  }

  #threadDied(reason: Error): void {
    const text = `its task thread ended (${reason.message}) and was replaced by a clean one`;
    this.#o.log?.(text);
    const session = this.#session;
    if (session) session.channel.bye(text);
    if (session) this.#free(text);
    else this.#restart();
  }

  /** Ends the session (if any), replaces the task thread, and waits idle again. */
  #free(reason: string | null): void {
    const session = this.#session;
    if (!session) return;
    this.#session = null;
    session.channel.close();
    session.sub.unsubscribe();
    if (reason !== null) this.#o.log?.(`released: ${reason}`);
    if (!this.#leaving) this.#restart();
  }

  /** A clean task thread: whatever a pool left running or queued goes with the old one. */
  #restart(): void {
    this.#restarting = true;
    (this.#thread?.restart() ?? Promise.resolve())
      .catch((e) => this.#o.log?.(`cannot restart the task thread: ${e}`))
      .finally(() => {
        this.#restarting = false;
        this.#listenIdle();
      });
  }
}
