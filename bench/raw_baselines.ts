/**
 * The physical limits cohort is measured against: plain Workers that are
 * sent one message each and answer it (broadcast and gather), a structured
 * clone of 8 MiB to each of them, and the time plain Workers take to start.
 *
 * @module
 */

const ECHO = new URL("./fixtures/echo_worker.ts", import.meta.url);

/** Plain Workers running `fixtures/echo_worker.ts`. */
export class RawWorkers {
  #workers: Worker[];
  #waiting = 0;
  #done: (() => void) | null = null;
  #nextId = 1;
  #tagged = new Map<number, { waiting: number; done: () => void }>();

  private constructor(workers: Worker[]) {
    this.#workers = workers;
    for (const w of workers) {
      w.onmessage = (event: MessageEvent<{ id: number }>) => {
        const tagged = this.#tagged.get(event.data.id);
        if (tagged) {
          if (--tagged.waiting === 0) {
            this.#tagged.delete(event.data.id);
            tagged.done();
          }
        } else if (--this.#waiting === 0) this.#done?.();
      };
    }
  }

  /** Starts `n` plain Workers; resolves once each has announced itself. */
  static async spawn(n: number): Promise<RawWorkers> {
    const workers = Array.from({ length: n }, () => new Worker(ECHO, { type: "module" }));
    await Promise.all(workers.map((w) =>
      new Promise<void>((resolve, reject) => {
        w.onmessage = () => resolve();
        w.onerror = (e) => reject(new Error(`echo worker failed: ${e.message}`));
      })
    ));
    return new RawWorkers(workers);
  }

  /** Sends `message` to every worker (structured clone) and waits for every answer. */
  #broadcast(message: Record<string, unknown>): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#waiting = this.#workers.length;
    this.#done = resolve;
    const id = this.#nextId++;
    for (const w of this.#workers) w.postMessage({ ...message, id });
    return promise;
  }

  /** One `ping` to every worker, one `pong` back from each. */
  roundtrip(): Promise<void> {
    return this.#broadcast({ t: "ping" });
  }

  /** As `roundtrip`, but many may be in flight at once (answers matched by id). */
  roundtripTagged(): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    const id = this.#nextId++;
    this.#tagged.set(id, { waiting: this.#workers.length, done: resolve });
    for (const w of this.#workers) w.postMessage({ t: "ping", id });
    return promise;
  }

  /** Clones `value` to every worker, which keeps it and acknowledges. */
  keep(value: unknown): Promise<void> {
    return this.#broadcast({ t: "keep", v: value });
  }

  /** Lets go of what `keep` sent (as `remove()` does). */
  drop(): Promise<void> {
    return this.#broadcast({ t: "drop" });
  }

  /** Stops the workers. */
  terminate(): void {
    for (const w of this.#workers) w.terminate();
  }
}

/** Milliseconds until `n` plain Workers have all started and said so. */
export async function rawSpawnMs(n: number): Promise<number> {
  const start = performance.now();
  const raw = await RawWorkers.spawn(n);
  const ms = performance.now() - start;
  raw.terminate();
  return ms;
}
