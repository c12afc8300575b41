/**
 * The pool's half of the claim protocol: find idle workers of a cluster,
 * order them so a pool spreads over hosts and runtimes, and claim them one
 * request each (a worker says yes to one claimer only).
 *
 * @module
 */
import { createInbox, type NatsConnection } from "@nats-io/transport-node";
import {
  type ClaimReply,
  type ClaimRequest,
  fromJson,
  type Subjects,
  toJson,
  type WorkerInfo,
} from "./protocol.ts";

/** How long discovery listens after the last answer, and at most. */
const STALL_MS = 40;
const LISTEN_MS = 300;

/**
 * Asks every worker on `subject` about itself and gathers the answers.
 *
 * @param nc The connection.
 * @param subject `idle` or `who`.
 * @returns The workers that answered.
 */
export async function gather(nc: NatsConnection, subject: string): Promise<WorkerInfo[]> {
  const found = new Map<string, WorkerInfo>();
  const inbox = createInbox();
  const { promise, resolve } = Promise.withResolvers<void>();
  let stall: ReturnType<typeof setTimeout> | undefined;
  const sub = nc.subscribe(inbox, {
    callback: (_e, msg) => {
      const info = fromJson<WorkerInfo>(msg.data);
      if (info && typeof info.id === "string") found.set(info.id, info);
      clearTimeout(stall);
      stall = setTimeout(resolve, STALL_MS);
    },
  });
  const limit = setTimeout(resolve, LISTEN_MS);
  try {
    nc.publish(subject, toJson({}), { reply: inbox });
    await promise;
  } finally {
    clearTimeout(stall);
    clearTimeout(limit);
    sub.unsubscribe();
  }
  return [...found.values()];
}

/**
 * Orders workers round-robin over their (host, runtime) groups, so that the
 * first n of them spread over as many hosts and runtimes as there are.
 *
 * @param workers The candidates.
 * @returns The same workers, interleaved.
 */
export function spread(workers: WorkerInfo[]): WorkerInfo[] {
  const groups = new Map<string, WorkerInfo[]>();
  for (const w of [...workers].sort((a, b) => a.name.localeCompare(b.name))) {
    const key = `${w.host}\0${w.runtime}`;
    groups.set(key, [...(groups.get(key) ?? []), w]);
  }
  const lists = [...groups.values()];
  const out: WorkerInfo[] = [];
  for (let i = 0; out.length < workers.length; i++) {
    for (const list of lists) if (i < list.length) out.push(list[i]);
  }
  return out;
}

/**
 * Asks one worker to be ours.
 *
 * @param nc The connection.
 * @param subjects The cluster's subjects.
 * @param worker The worker.
 * @param request The pool id, claim number and (with a secret) its signature.
 * @returns The worker's answer, or `null` if none came.
 */
export async function claim(
  nc: NatsConnection,
  subjects: Subjects,
  worker: WorkerInfo,
  request: ClaimRequest,
): Promise<ClaimReply | null> {
  try {
    const reply = await nc.request(subjects.claim(worker.id), toJson(request), { timeout: 2_000 });
    return fromJson<ClaimReply>(reply.data) ?? null;
  } catch {
    return null;
  }
}

/**
 * Explains why a pool could not get enough workers.
 *
 * @param nc The connection.
 * @param subjects The cluster's subjects.
 * @param facts What was asked and what was found.
 * @returns The error.
 */
export async function shortfallError(
  nc: NatsConnection,
  subjects: Subjects,
  facts: { cluster: string; servers: string[]; wanted: number; got: number; waited: number },
): Promise<Error> {
  const all = nc.isClosed() ? [] : await gather(nc, subjects.who).catch(() => []);
  // The workers this pool already claimed are held too, but not by other pools.
  const held = Math.max(0, all.filter((w) => w.held).length - facts.got);
  return new Error(
    `found ${facts.got} idle NATS worker${facts.got === 1 ? "" : "s"} of the ${facts.wanted} ` +
      `requested in cluster "${facts.cluster}" at ${facts.servers.join(", ")} within ` +
      `${facts.waited} ms (${all.length} worker${all.length === 1 ? "" : "s"} answered, ` +
      `${held} held by other pools); start more workers with ` +
      "`deno run -A adapters/nats/worker.ts`, `bun adapters/nats/worker.ts` or " +
      "`npx cohort-nats-worker`, or ask for fewer",
  );
}
