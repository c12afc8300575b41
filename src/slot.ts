/**
 * One worker's place in a pool: its state, the requests sent to it and not
 * answered (in order: the first is the one it runs), the backlog waiting for
 * it to be up, its crash history, and the errors that tell what happened to it.
 *
 * @module
 */
import { type Deferred, deferred } from "./deferred.ts";

/** A worker that crashes more often than this within the window stays dead. */
export const MAX_CRASHES = 5;
/** The crash window, in milliseconds. */
export const CRASH_WINDOW_MS = 60_000;
/**
 * How long a worker may take to answer an abandoned request once it reaches
 * the head of its queue. A request dropped unrun is answered at once; one the
 * worker had started before the cancel arrived is running, and past this the
 * worker is replaced (as for a running request that is abandoned).
 */
export const ABANDONED_GRACE_MS = 100;

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
  /** Abandoned requests still in `queue`: sent, and perhaps started before the cancel came. */
  #abandoned = new Set<number>();
  #watched: number | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;

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
    this.clearQueue();
    this.backlog.length = 0;
    this.ready.reject(error);
  }

  /** Empties the queue (and stops watching it); returns what was in it. */
  clearQueue(): number[] {
    this.#abandoned.clear();
    this.#unwatch();
    return this.queue.splice(0);
  }

  /** Queued request `id` was abandoned: it stays queued until the worker answers it. */
  abandoned(id: number): void {
    this.#abandoned.add(id);
  }

  /** True while an abandoned request is still queued (only then is there a head to watch). */
  get hasAbandoned(): boolean {
    return this.#abandoned.size > 0;
  }

  /**
   * If the request at the head of the queue was abandoned, calls `running`
   * unless the worker answers it within {@linkcode ABANDONED_GRACE_MS}.
   */
  watchHead(running: () => void): void {
    const head = this.queue[0];
    if (this.#timer !== undefined || head === undefined || !this.#abandoned.has(head)) return;
    this.#watched = head;
    this.#timer = setTimeout(() => {
      this.#timer = this.#watched = undefined;
      if (this.queue[0] === head && this.state === "up") running();
    }, ABANDONED_GRACE_MS);
  }

  #unwatch(): void {
    clearTimeout(this.#timer);
    this.#timer = this.#watched = undefined;
  }

  /** Removes `id` from the queue; returns where it was, or -1. */
  unqueue(id: number): number {
    if (this.#abandoned.delete(id) && id === this.#watched) this.#unwatch();
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
