/**
 * One worker's place in a pool: its state, the requests sent to it and not
 * answered (in order: the first is the one it runs), the backlog waiting for
 * it to be up, its crash history, and the errors that tell what happened to it.
 *
 * @module
 */
import { type Deferred, deferred } from "./deferred.ts";
import { WorkerCrashedError } from "./errors.ts";
import { Failure } from "./requests.ts";

/** A worker that crashes more often than this within the window stays dead. */
export const MAX_CRASHES = 5;
/** The crash window, in milliseconds. */
export const CRASH_WINDOW_MS = 60_000;

/** One worker's state, as the pool sees it. */
export class Slot {
  /** Starting (or restarting), up, or dead for good (until revived). */
  state: "starting" | "up" | "dead" = "starting";
  /** True once the worker was up at least once: later starts restore data. */
  everUp = false;
  /** Ids of the requests sent and not answered, in order. */
  queue: number[] = [];
  /** Ids of the requests waiting for the worker to be up. */
  backlog: number[] = [];
  /** Resolves when the worker is up; rejects if it dies first. */
  ready: Deferred<void> = quietly();
  /** Why the worker is dead, when it is. */
  death?: Error;
  /** Dead because no replacement could be started: the next call tries again. */
  retryRestart = false;
  #crashes: number[] = [];

  /** Records a crash; returns how many crashes fell within the window. */
  crashed(now: number = Date.now()): number {
    this.#crashes = [...this.#crashes.filter((t) => t > now - CRASH_WINDOW_MS), now];
    return this.#crashes.length;
  }

  /** Forgets the crash history (`revive`). */
  forgive(): void {
    this.#crashes = [];
    this.everUp = true;
  }

  /** Starts over for a replacement worker. */
  restart(): void {
    this.retryRestart = false;
    this.state = "starting";
    this.death = undefined;
    this.ready = quietly();
  }

  /** Marks the worker dead and rejects whoever waits for it to be up. */
  die(error: Error): void {
    this.state = "dead";
    this.death = error;
    this.queue.length = 0;
    this.backlog.length = 0;
    this.ready.reject(error);
  }

  /** Removes `id` from the queue; returns where it was, or -1. */
  unqueue(id: number): number {
    // Answers come in order: the head, without a scan of what is queued behind it.
    if (this.queue[0] === id) {
      this.queue.shift();
      return 0;
    }
    const i = this.queue.indexOf(id);
    if (i >= 0) this.queue.splice(i, 1);
    return i;
  }

  /** Removes `id` from the backlog; returns whether it was there. */
  unbacklog(id: number): boolean {
    const i = this.backlog.indexOf(id);
    if (i >= 0) this.backlog.splice(i, 1);
    return i >= 0;
  }
}

/** A deferred whose rejection nobody has to handle. */
function quietly(): Deferred<void> {
  const d = deferred<void>();
  d.promise.catch(() => {});
  return d;
}

/** A worker past the crash-loop limit. */
export function stopped(worker: number, crashes: number, reason: Error): WorkerCrashedError {
  return new WorkerCrashedError(
    worker,
    `worker ${worker} crashed ${crashes} times in ${CRASH_WINDOW_MS / 1000} s ` +
      `and is not restarted again (pool.revive(${worker}) brings it back); last: ${reason.message}`,
    { cause: reason },
  );
}

/** A replacement that could not be started. */
export function unrestartable(worker: number, e: unknown): WorkerCrashedError {
  const message = (e as Error)?.message ?? String(e);
  return new WorkerCrashedError(worker, `worker ${worker} could not be restarted: ${message}`, {
    cause: e,
  });
}

/** A queued call whose buffers went to a worker that was then replaced. */
export function unsendable(worker: number): WorkerCrashedError {
  return new WorkerCrashedError(
    worker,
    `worker ${worker} was replaced and the call, whose buffers had been transferred to the ` +
      "old worker, could not be sent again",
  );
}

/** Why a value could not be put back on a replacement. */
export function restoreFailure(worker: number, e: unknown): string {
  const why = e instanceof Failure ? e.data.message : (e as Error)?.message ?? String(e);
  return `worker ${worker} was replaced and restoring it failed: ${why}`;
}
