/**
 * The pool's side of NATS: one connection, the claimed workers' links, their
 * heartbeats, and replacement. It runs on a thread of its own (see
 * `link_thread.ts`) so that a pool whose own thread is busy still reads
 * what arrives; `pool.ts` is the `Transport` in front of it.
 *
 * @module
 */
import type { Msg, NatsConnection } from "@nats-io/transport-node";
import type { FromWorker, ToWorker } from "../../src/transport.ts";
import { acceptMac, type ClaimFacts, claimMac, linkKeys, poolKey } from "./auth.ts";
import { Channel } from "./channel.ts";
import { controlFrame, frameCounter, frameKind, GONE, PING, sealFrame } from "./envelope.ts";
import { claim, gather, shortfallError, spread } from "./claim.ts";
import { connectNats, Watchdog } from "./connection.ts";
import {
  DISCONNECTED_LIMIT_MS,
  FROM_WORKER,
  randomId,
  type ResolvedSettings,
  type Subjects,
  subjects,
  WORKER_GONE_MS,
  type WorkerInfo,
} from "./protocol.ts";

/** Where a {@linkcode PoolLink} reports; `claim` tells a slot's successive workers apart. */
export interface LinkSink {
  /** A message from the worker in `slot`, held under claim `claim`. */
  message(slot: number, claim: number, message: FromWorker): void;
  /** The worker in `slot` (claim `claim`) is lost. */
  exit(slot: number, claim: number, reason: string): void;
}

interface Link {
  slot: number;
  claim: number;
  peer: string;
  info: WorkerInfo;
  channel: Channel<FromWorker, ToWorker>;
}

/** A pool's NATS connection and links. */
export class PoolLink {
  readonly size: number;
  #nc: NatsConnection;
  #settings: ResolvedSettings;
  #timeout: number;
  #subjects: Subjects;
  #sink: LinkSink;
  #pool = randomId();
  #goneKey: Uint8Array | undefined;
  #nextClaim = 1;
  #links = new Map<number, Link>();
  /** Frames that arrived for claims still waiting for the worker's answer. */
  #early = new Map<number, Msg[]>();
  #slots: (Link | undefined)[];
  #watchdog: Watchdog;
  #closing: Promise<void> | null = null;

  private constructor(
    nc: NatsConnection,
    settings: ResolvedSettings,
    size: number,
    timeout: number,
    sink: LinkSink,
  ) {
    this.size = size;
    this.#nc = nc;
    this.#settings = settings;
    this.#timeout = timeout;
    this.#subjects = subjects(settings.cluster);
    this.#sink = sink;
    this.#slots = new Array(size).fill(undefined);
    if (settings.secret !== undefined) this.#goneKey = poolKey(settings.secret, this.#pool);
    nc.subscribe(this.#subjects.allToPool(this.#pool), { callback: (_e, msg) => this.#route(msg) });
    this.#watchdog = new Watchdog(nc, {
      tick: () => {
        for (const link of this.#links.values()) link.channel.tick();
      },
      cutOff: () =>
        this.#loseAll(
          `the pool lost its connection to NATS at ${
            this.#settings.servers.join(", ")
          } over ${DISCONNECTED_LIMIT_MS} ms ago`,
        ),
      reconnected: () => {
        for (const link of this.#links.values()) link.channel.reconnected();
      },
    });
    nc.closed().then((e) => {
      if (!this.#closing) this.#loseAll(`the NATS connection closed${e ? `: ${e.message}` : ""}`);
    });
  }

  /**
   * Connects and claims `size` idle workers.
   *
   * @param settings Servers, cluster, credentials and secret.
   * @param size How many workers.
   * @param timeout Milliseconds to wait for idle workers (also when replacing one).
   * @param sink Where messages and losses go.
   * @returns The link, and each slot's claim.
   * @throws {Error} If NATS cannot be reached or too few workers are idle.
   */
  static async open(
    settings: ResolvedSettings,
    size: number,
    timeout: number,
    sink: LinkSink,
  ): Promise<{ link: PoolLink; claims: number[] }> {
    const nc = await connectNats(settings, "cohort pool");
    const link = new PoolLink(nc, settings, size, timeout, sink);
    try {
      await link.#claimSlots([...Array(size).keys()], timeout, null);
    } catch (e) {
      await link.close();
      throw e;
    }
    return { link, claims: link.#slots.map((l) => l!.claim) };
  }

  /** Sends a message to the worker in `slot` (dropped if the slot has none). */
  send(slot: number, message: ToWorker): void {
    this.#slots[slot]?.channel.send(message);
  }

  /**
   * Replaces the worker in `slot`: a worker still held there is dropped
   * silently (it is told to end its task and go back to idle), then an idle
   * one is claimed, waiting up to the pool's `timeout`.
   *
   * @returns The new worker's claim.
   * @throws {Error} If no worker was idle in time (the message says why).
   */
  async restart(slot: number): Promise<number> {
    if (this.#closing) throw new Error("the pool is closing");
    const old = this.#slots[slot];
    if (old) {
      this.#links.delete(old.claim);
      this.#slots[slot] = undefined;
      old.channel.bye(`the pool replaced ${old.peer} (its task was abandoned)`);
    }
    await this.#claimSlots([slot], this.#timeout, slot);
    return this.#slots[slot]!.claim;
  }

  /** Releases every worker and closes the connection. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      this.#watchdog.stop();
      const links = [...this.#links.values()];
      this.#links.clear();
      this.#slots.fill(undefined);
      await Promise.all(links.map((l) => l.channel.bye("the pool released this worker")));
      await this.#nc.close().catch(() => {});
    })();
    return this.#closing;
  }

  /** Claims idle workers for `slots`, trying for up to `timeout` ms. */
  async #claimSlots(slots: number[], timeout: number, replacing: number | null): Promise<void> {
    const started = Date.now();
    const pending = [...slots];
    while (pending.length > 0 && !this.#closing) {
      if (!this.#nc.isClosed() && this.#watchdog.disconnectedAt === null) {
        const held = new Set([...this.#links.values()].map((l) => l.info.id));
        const idle = spread(await gather(this.#nc, this.#subjects.idle))
          .filter((w) => !held.has(w.id));
        const pairs = idle.slice(0, pending.length).map((info, k) => [pending[k], info] as const);
        const won = await Promise.all(pairs.map(([slot, info]) => this.#claimOne(slot, info)));
        for (let k = pairs.length - 1; k >= 0; k--) if (won[k]) pending.splice(k, 1);
      }
      if (pending.length === 0 || Date.now() - started >= timeout) break;
      await new Promise((r) => setTimeout(r, Math.min(200, timeout)));
    }
    if (pending.length === 0) return;
    if (this.#closing) throw new Error("the pool is closing");
    const since = this.#watchdog.disconnectedAt;
    if (since !== null || this.#nc.isClosed()) {
      throw new Error(
        `cannot reach NATS at ${this.#settings.servers.join(", ")} ` +
          (since === null
            ? "(the connection is closed)"
            : `(cut off for ${Date.now() - since} ms)`) +
          (replacing === null ? "" : ` to replace worker ${replacing}`),
      );
    }
    const error = await shortfallError(this.#nc, this.#subjects, {
      cluster: this.#settings.cluster,
      servers: this.#settings.servers,
      wanted: slots.length,
      got: slots.length - pending.length,
      waited: Date.now() - started,
    });
    if (replacing !== null) {
      error.message = `no replacement for worker ${replacing}: ${error.message}`;
    }
    throw error;
  }

  async #claimOne(slot: number, info: WorkerInfo): Promise<boolean> {
    const id = this.#nextClaim++;
    const { secret } = this.#settings;
    const facts: ClaimFacts = {
      pool: this.#pool,
      claim: id,
      worker: info.id,
      nonce: randomId(),
      time: Date.now(),
    };
    const peer = `worker ${slot} ("${info.name}", ${info.runtime} on ${info.host})`;
    const request = secret === undefined ? { pool: this.#pool, claim: id } : {
      pool: this.#pool,
      claim: id,
      nonce: facts.nonce,
      time: facts.time,
      mac: claimMac(secret, facts),
    };
    this.#early.set(id, []);
    const reply = await claim(this.#nc, this.#subjects, info, request);
    const early = this.#early.get(id) ?? [];
    this.#early.delete(id);
    const signed = reply?.ok === true &&
      (secret === undefined || reply.mac === acceptMac(secret, facts, String(reply.nonce)));
    if (!signed) return false;
    const link: Link = {
      slot,
      claim: id,
      peer,
      info,
      channel: new Channel({
        nc: this.#nc,
        subject: this.#subjects.toWorker(this.#pool, id),
        peer,
        goneAfter: WORKER_GONE_MS,
        accept: FROM_WORKER,
        keys: secret === undefined
          ? undefined
          : linkKeys(secret, facts, String(reply.nonce), "pool"),
        onMessage: (message) => this.#sink.message(slot, id, message),
        onBye: (reason) => this.#lose(id, `${peer} left: ${reason}`),
        onGone: (reason) => this.#lose(id, reason),
      }),
    };
    if (this.#closing || this.#slots[slot]) {
      link.channel.bye("the pool closed while claiming this worker");
      return false;
    }
    this.#links.set(id, link);
    this.#slots[slot] = link;
    for (const msg of early) link.channel.receive(msg);
    return true;
  }

  #route(msg: Msg): void {
    const tokens = msg.subject.split(".");
    const id = Number(tokens[tokens.length - 2]);
    const link = this.#links.get(id);
    if (link) link.channel.receive(msg);
    else if (this.#early.has(id)) this.#early.get(id)!.push(msg);
    else if (frameKind(msg.data) === PING && msg.reply) {
      // A worker pinging a claim we dropped: tell it, signed for the ping it sent.
      const gone = controlFrame(GONE, 0, "the pool no longer holds this worker");
      msg.respond(sealFrame(gone, frameCounter(msg.data), this.#goneKey));
    }
  }

  #lose(id: number, reason: string): void {
    const link = this.#links.get(id);
    if (!link) return;
    this.#links.delete(id);
    link.channel.close();
    if (this.#slots[link.slot] === link) this.#slots[link.slot] = undefined;
    if (!this.#closing) this.#sink.exit(link.slot, id, reason);
  }

  #loseAll(reason: string): void {
    for (const [id, link] of [...this.#links]) {
      this.#lose(id, `${link.peer} is out of reach: ${reason}`);
    }
  }
}
