/**
 * The NATS connection as both sides use it: one connect helper (credentials
 * from the settings or the URL, never echoed; a refused or reset connection
 * is a rejected promise, never an uncaught error) and one watchdog that
 * ticks the links and notices a connection cut off for too long.
 *
 * @module
 */
import { connect, type NatsConnection } from "@nats-io/transport-node";
import {
  connectOptions,
  DISCONNECTED_LIMIT_MS,
  HEARTBEAT_MS,
  type ResolvedSettings,
} from "./protocol.ts";

/**
 * Connects to NATS with the settings' servers and credentials.
 *
 * @param settings The resolved settings.
 * @param name The client name the server shows.
 * @returns The open connection.
 * @throws {Error} `cannot connect to NATS at <servers>: <why>`, credentials left out.
 */
export async function connectNats(
  settings: ResolvedSettings,
  name: string,
): Promise<NatsConnection> {
  try {
    return await connect(connectOptions(settings, name));
  } catch (e) {
    const why = String((e as Error)?.message ?? e).replaceAll(settings.password ?? "\0", "***");
    throw new Error(`cannot connect to NATS at ${settings.servers.join(", ")}: ${why}`, {
      cause: e,
    });
  }
}

/** What a {@linkcode Watchdog} calls. */
export interface WatchdogEvents {
  /** Every heartbeat while connected (or cut off for less than the limit). */
  tick(): void;
  /** Every heartbeat while cut off from NATS for over the limit; `ms` since it was lost. */
  cutOff(ms: number): void;
  /** The connection came back after a loss. */
  reconnected(): void;
}

/** Ticks the links of one connection and watches the connection's status. */
export class Watchdog {
  #timer: ReturnType<typeof setInterval>;
  #disconnectedAt: number | null = null;
  #stopped = false;

  /**
   * Starts ticking every {@linkcode HEARTBEAT_MS}.
   *
   * @param nc The connection to watch.
   * @param events What to call.
   */
  constructor(nc: NatsConnection, events: WatchdogEvents) {
    this.#timer = setInterval(() => {
      const cutOff = this.#disconnectedAt === null ? 0 : Date.now() - this.#disconnectedAt;
      if (cutOff > DISCONNECTED_LIMIT_MS) events.cutOff(cutOff);
      else events.tick();
    }, HEARTBEAT_MS);
    (async () => {
      for await (const s of nc.status()) {
        if (this.#stopped) break;
        if (s.type === "disconnect") this.#disconnectedAt ??= Date.now();
        if (s.type === "reconnect") {
          this.#disconnectedAt = null;
          events.reconnected();
        }
      }
    })().catch(() => {});
  }

  /** Since when the connection is lost, or `null` while connected. */
  get disconnectedAt(): number | null {
    return this.#disconnectedAt;
  }

  /** Stops ticking. */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
  }
}
