/**
 * The engine behind `map`, `imap` and `imapUnordered`: chunks of items handed
 * to workers (fixed, one per worker as pyMOR does, or to whichever worker is
 * idle), a bounded window of chunks in flight or waiting to be consumed,
 * retries of chunks whose worker crashed, and one error for all failures.
 *
 * @module
 */
import { decode, type Encoded, encodeWalked } from "./codec.ts";
import { gather } from "./calls.ts";
import { TimeoutError, WorkerCrashedError } from "./errors.ts";
import type { Task } from "./tasks.ts";
import type { ValueHooks, WalkResult } from "./walk.ts";
import { walkValue } from "./walk.ts";
import type { Outgoing, Workers } from "./workers.ts";

/** A chunk of consecutive items: one column per sequence. */
export interface Chunk {
  /** The chunk's position among all chunks. */
  seq: number;
  /** The index of its first item. */
  first: number;
  /** One array (or typed subarray) per sequence. */
  columns: unknown[];
  /** The walk of the whole input, if it was walked once up front. */
  walk?: WalkResult;
  /** Worker this chunk belongs to (pyMOR's split), if fixed. */
  worker?: number;
}

/** How a run is set up. */
export interface RunSpec {
  workers: Workers;
  /** The pool's walk hooks (handles and immutables). */
  hooks: ValueHooks;
  task: Task;
  /** The encoded extra arguments. */
  extra: Encoded;
  /** Next chunk, or `null` at the end (called one at a time). */
  next(): Promise<Chunk | null> | Chunk | null;
  /** Called with each chunk's results (in completion order). */
  deliver(chunk: Chunk, values: unknown[]): void;
  /** Chunks in flight or delivered but not consumed, at most. */
  window: number;
  /** Waits until a chunk may start (the consumer has room). */
  room?(): Promise<void>;
  /** Idle-worker lanes per worker; fixed chunks ignore it. */
  depth: number;
  retries: number;
  /** Aborts the run (deadline or caller's signal): running chunks are abandoned. */
  signal?: AbortSignal;
  /** Stops the run quietly (a consumer broke out): queued chunks are dropped. */
  stop?: AbortSignal;
  /** Chunks in flight per worker: who is named when a deadline passes. */
  busy: Map<number, number>;
  /** Called once when the run fails (a waiting `room()` must return then). */
  onFailure?(): void;
}

/** Encodes one chunk as a map request, rebuilding it on demand for resends. */
function outgoing(spec: RunSpec, chunk: Chunk): Outgoing {
  const walk = chunk.walk ?? walkValue(chunk.columns, "sequences", spec.hooks, chunk.first);
  const { encoded, fresh } = encodeWalked(chunk.columns, walk, "sequences");
  return {
    message: {
      type: "map",
      module: spec.task.module,
      task: spec.task.taskName,
      columns: encoded,
      extra: spec.extra,
      first: chunk.first,
    },
    transfer: fresh,
    rebuild: () => outgoing(spec, chunk),
  };
}

/**
 * Runs every chunk; resolves once all are delivered, or rejects with the
 * first crash or closed pool, else every task failure (lowest worker first).
 */
export async function runChunks(spec: RunSpec): Promise<void> {
  const { workers } = spec;
  const errors: unknown[] = [];
  const retry: Chunk[] = [];
  const tries = new Map<number, number>();
  let failed = false;
  let done = false;
  let pulling: Promise<Chunk | null> = Promise.resolve(null);

  const stopped = () => failed || spec.signal?.aborted || spec.stop?.aborted;
  const take = (): Promise<Chunk | null> => {
    const r = retry.shift();
    if (r) return Promise.resolve(r);
    if (done) return Promise.resolve(null);
    pulling = pulling.then(async () => {
      if (done) return null;
      const c = await spec.next();
      if (c === null) done = true;
      return c;
    });
    return pulling;
  };

  const runOne = async (worker: number, chunk: Chunk): Promise<"ok" | "retry" | "fail"> => {
    spec.busy.set(worker, (spec.busy.get(worker) ?? 0) + 1);
    try {
      const answer = await workers.request(worker, outgoing(spec, chunk), spec.signal, spec.stop);
      if (!stopped()) spec.deliver(chunk, decode(answer) as unknown[]);
      return "ok";
    } catch (e) {
      if (stopped() && !failed) return "fail";
      const n = tries.get(chunk.seq) ?? 0;
      if (e instanceof WorkerCrashedError && n < spec.retries && !workers.closed) {
        tries.set(chunk.seq, n + 1);
        return "retry";
      }
      errors.push(e);
      if (!failed) {
        failed = true;
        spec.onFailure?.();
      }
      return "fail";
    } finally {
      const left = spec.busy.get(worker)! - 1;
      if (left > 0) spec.busy.set(worker, left);
      else spec.busy.delete(worker);
    }
  };

  const lane = async (worker: number): Promise<void> => {
    while (!stopped() && !workers.isDead(worker)) {
      await spec.room?.();
      if (stopped()) return;
      const chunk = await take();
      if (chunk === null) return;
      if (await runOne(worker, chunk) === "retry") retry.unshift(chunk);
    }
  };

  const fixed = async (chunk: Chunk): Promise<void> => {
    let worker = chunk.worker!;
    for (;;) {
      if (workers.isDead(worker)) {
        const live = workers.live();
        if (live.length === 0) {
          worker = chunk.worker!; // fails fast with the dead worker's story
        } else worker = live[chunk.seq % live.length];
      }
      const r = await runOne(worker, chunk);
      if (r !== "retry") return;
    }
  };

  const first = await take();
  if (first?.worker !== undefined) {
    // pyMOR's split: every chunk is known and fixed to a worker.
    const all = [first];
    for (let c = await take(); c !== null; c = await take()) all.push(c);
    await Promise.all(all.map(fixed));
  } else {
    if (first) retry.push(first);
    const lanes: Promise<void>[] = [];
    for (let d = 0; d < spec.depth; d++) {
      for (let w = 0; w < workers.size; w++) lanes.push(lane(w));
    }
    await Promise.all(lanes);
    // Chunks whose lanes all died: run them on whatever is live, or fail fast.
    for (let c = retry.shift(); c && !stopped(); c = retry.shift()) {
      await fixed({ ...c, worker: workers.live()[0] ?? 0 });
    }
  }
  if (spec.signal?.aborted) throw spec.signal.reason;
  if (errors.length > 0) await gather(errors.map((e) => Promise.reject(e)));
}

/** The error of a map past its deadline, naming the workers still busy. */
export function mapTimeout(
  name: string,
  busy: Map<number, number>,
  timeout: number,
): TimeoutError {
  return new TimeoutError(name, [...busy.keys()].sort((a, b) => a - b), timeout);
}
