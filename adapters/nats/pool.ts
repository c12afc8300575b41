/**
 * The NATS adapter: a pool of worker processes on any host. Workers started
 * with `adapters/nats/worker.ts` join a named cluster on a NATS server and
 * wait; a pool claims idle ones, talks to each over subjects only it knows,
 * and releases them on `close()` (their stores are cleared).
 *
 * Faults: a worker whose process ends is reported within a few seconds
 * (`WorkerCrashedError`), and the pool claims an idle replacement if there
 * is one; a server restart is ridden out (lost frames are resent); a pool
 * cut off from NATS for over 10 s gives its workers up, which then reject
 * their calls with `WorkerCrashedError`.
 *
 * @module
 */
import type { Msg, NatsConnection } from "@nats-io/transport-node";
import type {
  Adapter,
  FromWorker,
  ToWorker,
  Transport,
  TransportEvents,
} from "../../src/transport.ts";
import { Channel, controlFrame, frameKind, GONE, PING } from "./channel.ts";
import { connectNats, Watchdog } from "./connection.ts";
import { claim, gather, shortfallError, spread } from "./claim.ts";
import {
  DISCONNECTED_LIMIT_MS,
  FROM_WORKER,
  randomId,
  type ResolvedSettings,
  resolveSettings,
  type Subjects,
  subjects,
  WORKER_GONE_MS,
  type WorkerInfo,
} from "./protocol.ts";

/** How long `restart` looks for an idle replacement of a dead worker. */
const RESTART_WAIT_MS = 1_000;

interface Link {
  slot: number;
  peer: string;
  info: WorkerInfo;
  channel: Channel<FromWorker, ToWorker>;
}

/**
 * The NATS adapter, also selected by `createPool({ adapter: "nats" })`. Reads
 * the pool options `servers`, `cluster`, `user`, `password` (defaults: env
 * `COHORT_NATS_URL`, `COHORT_NATS_CLUSTER`, `COHORT_NATS_USER`,
 * `COHORT_NATS_PASSWORD`) and `timeout` (milliseconds to wait for enough idle
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
 * });
 * ```
 */
export type { NatsPoolOptions } from "./options.ts";

export const nats: Adapter = {
  name: "nats",
  async connect({ workers, events, options }): Promise<Transport> {
    const settings = resolveSettings(options);
    const timeout = options.timeout ?? 10_000;
    if (typeof timeout !== "number" || !(timeout >= 0) || !Number.isFinite(timeout)) {
      throw new RangeError(`'timeout' must be a non-negative number of ms, got ${String(timeout)}`);
    }
    const nc = await connectNats(settings, "cohort pool");
    const transport = new NatsTransport(nc, settings, workers, events);
    try {
      await transport.claimSlots([...Array(workers).keys()], timeout, true);
    } catch (e) {
      await transport.close();
      throw e;
    }
    return transport;
  },
};

class NatsTransport implements Transport {
  readonly size: number;
  #nc: NatsConnection;
  #settings: ResolvedSettings;
  #subjects: Subjects;
  #events: TransportEvents;
  #pool = randomId();
  #nextClaim = 1;
  #links = new Map<number, Link>();
  #slots: (Link | undefined)[];
  #watchdog: Watchdog;
  #closing: Promise<void> | null = null;

  constructor(
    nc: NatsConnection,
    settings: ResolvedSettings,
    size: number,
    events: TransportEvents,
  ) {
    this.size = size;
    this.#nc = nc;
    this.#settings = settings;
    this.#subjects = subjects(settings.cluster);
    this.#events = events;
    this.#slots = new Array(size).fill(undefined);
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

  send(worker: number, message: ToWorker): void {
    this.#slots[worker]?.channel.send(message);
  }

  async restart(worker: number): Promise<void> {
    if (this.#closing) throw new Error("the pool is closing");
    await this.claimSlots([worker], RESTART_WAIT_MS, false);
  }

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
  async claimSlots(slots: number[], timeout: number, starting: boolean): Promise<void> {
    const started = Date.now();
    const pending = [...slots];
    while (pending.length > 0 && !this.#closing) {
      const held = new Set([...this.#links.values()].map((l) => l.info.id));
      const idle = spread(await gather(this.#nc, this.#subjects.idle))
        .filter((w) => !held.has(w.id));
      const pairs = idle.slice(0, pending.length).map((info, k) => [pending[k], info] as const);
      const won = await Promise.all(pairs.map(([slot, info]) => this.#claimOne(slot, info)));
      for (let k = pairs.length - 1; k >= 0; k--) if (won[k]) pending.splice(k, 1);
      if (pending.length === 0 || Date.now() - started >= timeout) break;
      await new Promise((r) => setTimeout(r, Math.min(200, timeout)));
    }
    if (pending.length === 0) return;
    if (!starting) {
      throw new Error(`no idle worker in NATS cluster "${this.#settings.cluster}" to replace it`);
    }
    throw await shortfallError(this.#nc, this.#subjects, {
      cluster: this.#settings.cluster,
      servers: this.#settings.servers,
      wanted: slots.length,
      got: slots.length - pending.length,
      waited: Date.now() - started,
    });
  }

  async #claimOne(slot: number, info: WorkerInfo): Promise<boolean> {
    const id = this.#nextClaim++;
    const peer = `worker ${slot} ("${info.name}", ${info.runtime} on ${info.host})`;
    const link: Link = {
      slot,
      peer,
      info,
      channel: new Channel({
        nc: this.#nc,
        subject: this.#subjects.toWorker(this.#pool, id),
        peer,
        goneAfter: WORKER_GONE_MS,
        accept: FROM_WORKER,
        onMessage: (message) => this.#events.message(slot, message),
        onBye: (reason) => this.#lose(id, `${peer} left: ${reason}`),
        onGone: (reason) => this.#lose(id, reason),
      }),
    };
    this.#links.set(id, link);
    const won = await claim(this.#nc, this.#subjects, info, { pool: this.#pool, claim: id });
    if (won && !this.#closing && this.#links.get(id) === link) {
      this.#slots[slot] = link;
      return true;
    }
    this.#links.delete(id);
    if (won) link.channel.bye("the pool closed while claiming this worker");
    else link.channel.close();
    return false;
  }

  #route(msg: Msg): void {
    const tokens = msg.subject.split(".");
    const link = this.#links.get(Number(tokens[tokens.length - 2]));
    if (link) link.channel.receive(msg);
    else if (frameKind(msg.data) === PING && msg.reply) {
      msg.respond(controlFrame(GONE, 0, "the pool no longer holds this worker"));
    }
  }

  #lose(id: number, reason: string): void {
    const link = this.#links.get(id);
    if (!link) return;
    this.#links.delete(id);
    link.channel.close();
    if (this.#slots[link.slot] === link) this.#slots[link.slot] = undefined;
    if (!this.#closing) this.#events.exit(link.slot, new Error(reason));
  }

  #loseAll(reason: string): void {
    for (const [id, link] of [...this.#links]) {
      this.#lose(id, `${link.peer} is out of reach: ${reason}`);
    }
  }
}
