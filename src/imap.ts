/**
 * `imap` and `imapUnordered`: results as they come, over sequences read
 * lazily (arrays, iterables, async iterables), with a bounded window of
 * chunks in flight or waiting to be consumed, so an endless generator works
 * and memory stays flat. Breaking out of the loop stops the rest.
 *
 * @module
 */
import { callName, type CallOptions } from "./calls.ts";
import { type Chunk, mapTimeout, runChunks } from "./chunk_runner.ts";
import { encode } from "./codec.ts";
import type { PoolCore } from "./core.ts";
import { callSignal } from "./deadline.ts";
import { describe } from "./describe.ts";
import { assertTask } from "./tasks.ts";

type AnyIterator = Iterator<unknown> | AsyncIterator<unknown>;

function iteratorOf(s: unknown, i: number): AnyIterator {
  const o = s as Record<symbol, unknown> | null;
  if (o !== null && (typeof o === "object" || typeof o === "function")) {
    if (typeof o[Symbol.asyncIterator] === "function") {
      return (o[Symbol.asyncIterator] as () => AsyncIterator<unknown>)();
    }
    if (typeof o[Symbol.iterator] === "function") {
      return (o[Symbol.iterator] as () => Iterator<unknown>)();
    }
  }
  throw new TypeError(
    `'sequences[${i}]' must be an array, an iterable or an async iterable, got ${describe(s)}`,
  );
}

/** Reads the sequences in step, item by item. */
class Zip {
  #its: AnyIterator[];
  #read = 0;
  constructor(sequences: unknown, method: string) {
    if (!Array.isArray(sequences)) {
      throw new TypeError(
        `'sequences' of ${method}() must be an array of sequences, e.g. [[1, 2, 3]]`,
      );
    }
    if (sequences.length === 0) {
      throw new TypeError(`'sequences' of ${method}() is empty: give at least one sequence`);
    }
    this.#its = sequences.map(iteratorOf);
  }

  /** The next item's arguments, or `null` once the sequences end. */
  async next(): Promise<unknown[] | null> {
    const steps = await Promise.all(this.#its.map((it) => it.next()));
    const ended = steps.map((s) => s.done === true);
    if (ended.every(Boolean)) return null;
    const short = ended.indexOf(true);
    if (short >= 0) {
      throw new RangeError(
        `'sequences' must have equal lengths: sequences[${short}] ended after ${this.#read} ` +
          `items, sequences[${ended.indexOf(false)}] has more`,
      );
    }
    this.#read++;
    return steps.map((s) => s.value);
  }

  /** Closes the sequences (a generator's `finally` runs). */
  async close(): Promise<void> {
    await Promise.allSettled(this.#its.map((it) => it.return?.()));
  }
}

/**
 * Runs `imap`/`imapUnordered`: yields results (in input order, or as
 * `[index, result]` pairs as they complete).
 */
export async function* runImap(
  core: PoolCore,
  options: CallOptions,
  task: unknown,
  sequences: unknown,
  args: unknown[],
  ordered: boolean,
  refused?: Error,
): AsyncGenerator<unknown, void, undefined> {
  if (refused) throw refused;
  const method = ordered ? "imap" : "imapUnordered";
  core.checkOpen();
  assertTask(task, method);
  const zip = new Zip(sequences, method);
  const total = Array.isArray(sequences) && sequences.every(Array.isArray)
    ? (sequences[0] as unknown[]).length
    : Infinity;
  options.signal?.throwIfAborted();
  const hooks = core.registry.hooks;
  const extra = encode(args, "args", hooks).encoded;
  const size = options.chunkSize ?? 1;
  const window = 2 * core.size;
  const busy = new Map<number, number>();
  const name = callName(method, task);
  const call = callSignal(
    options.timeout,
    options.signal,
    () => mapTimeout(name, busy, options.timeout!),
  );
  const stop = new AbortController();
  // Delivered chunks by seq (ordered) or in arrival order; wake-ups both ways.
  const ready = new Map<number, Chunk & { values: unknown[] }>();
  const arrived: (Chunk & { values: unknown[] })[] = [];
  let wake: () => void = () => {};
  const roomWaiters: (() => void)[] = [];
  const roomWake = () => {
    for (const w of roomWaiters.splice(0)) w();
  };
  let halted = false; // the run failed: no chunk starts any more
  let started = 0;
  let reserved = 0;
  let consumed = 0;
  let items = 0;
  let done = 0;
  const poke = () => {
    wake();
    wake = () => {};
  };
  const run = runChunks({
    workers: core.workers,
    hooks,
    task,
    extra,
    async next() {
      const columns: unknown[][] = [];
      const first = items;
      for (let k = 0; k < size; k++) {
        const row = await zip.next();
        if (row === null) break;
        row.forEach((v, c) => (columns[c] ??= []).push(v));
        items++;
      }
      if (columns.length === 0) {
        reserved--; // the room taken for this chunk is not used
        return null;
      }
      return { seq: started++, first, columns };
    },
    deliver(chunk, values) {
      done += values.length;
      options.onProgress?.(done, total);
      if (ordered) ready.set(chunk.seq, { ...chunk, values });
      else arrived.push({ ...chunk, values });
      poke();
    },
    window,
    room: async () => {
      // Room is taken before the chunk is read, so lanes waiting together cannot overshoot.
      while (
        reserved - consumed >= window && !halted && !stop.signal.aborted && !call?.signal.aborted
      ) {
        await new Promise<void>((r) => roomWaiters.push(r));
      }
      reserved++;
    },
    depth: 2,
    retries: options.retries ?? 0,
    signal: call?.signal,
    stop: stop.signal,
    busy,
    onFailure() {
      halted = true;
      roomWake();
    },
  });
  call?.signal.addEventListener("abort", () => {
    roomWake();
    poke();
  }, { once: true });
  let finished = false;
  let failure: unknown;
  run.then(() => (finished = true), (e) => {
    finished = true;
    failure = e;
  }).finally(poke);
  let next = 0;
  try {
    for (;;) {
      const chunk = ordered ? ready.get(next) : arrived.shift();
      if (chunk) {
        if (ordered) ready.delete(next++);
        for (let i = 0; i < chunk.values.length; i++) {
          yield ordered ? chunk.values[i] : [chunk.first + i, chunk.values[i]];
        }
        consumed++;
        roomWake();
        continue;
      }
      if (finished) {
        if (failure !== undefined) throw failure;
        return;
      }
      await new Promise<void>((r) => (wake = r));
    }
  } finally {
    stop.abort(new Error(`${name} was stopped by its consumer`));
    roomWake();
    call?.clear();
    await zip.close();
    await run.catch(() => {});
  }
}
