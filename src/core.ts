/**
 * What a pool and its views (`pool.with(...)`) share: the workers, the handle
 * registry, the seeds, and storing and releasing remote values.
 *
 * @module
 */
import { type BinaryPart, decode, type Encoded, loadCodec } from "./codec.ts";
import { workerSeed } from "./context.ts";
import { PoolClosedError } from "./errors.ts";
import { checkStartOptions, type StartOptions } from "./options.ts";
import { INSIDE_WORKER, isWorkerThread } from "./guard.ts";
import { HandleRegistry, type RestoreData } from "./registry.ts";
import type { HandleOwner, RemoteEntry } from "./remote_object.ts";
import type { Adapter, ToWorker } from "./transport.ts";
import { isShared } from "./walk.ts";
import { gather } from "./calls.ts";
import { Workers } from "./workers.ts";

/**
 * Counts a test or a user can watch for leaks, from {@linkcode Pool.stats}.
 *
 * @example
 * ```ts
 * import { createPool, type PoolStats } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const handle = await pool.push([1, 2, 3]);
 * const stats: PoolStats = await pool.stats();
 * assert.deepEqual(stats, { pendingCalls: 0, remoteObjects: 1, workerObjects: [1, 1] });
 * await handle.remove();
 * assert.deepEqual((await pool.stats()).workerObjects, [0, 0]);
 * ```
 */
export interface PoolStats {
  /** Requests sent to workers and not answered yet (before this call). */
  pendingCalls: number;
  /** Remote values the pool holds at least one live handle to. */
  remoteObjects: number;
  /** Number of stored values on each worker, in worker order (0 for one dead for good). */
  workerObjects: number[];
}

/** The state behind a pool and all its views. */
export class PoolCore implements HandleOwner {
  /** The adapter's name. */
  readonly adapter: string;
  /** The number of workers. */
  readonly size: number;
  /** The workers. */
  readonly workers: Workers;
  /** The remote values. */
  readonly registry: HandleRegistry;
  /** True if replaced workers get the pool's data back. */
  readonly restore: boolean;
  /** The pool's seed. */
  readonly seed: number;

  /** @param adapter The adapter's name. @param options Validated start options. */
  constructor(adapter: string, options: StartOptions) {
    this.adapter = adapter;
    this.size = options.workers;
    this.restore = options.restore ?? true;
    this.seed = Math.trunc(options.seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
    this.registry = new HandleRegistry(this, this.restore);
    const modules = [...(options.modules ?? [])];
    this.workers = new Workers(this.size, {
      init: (index): ToWorker => ({
        type: "init",
        index,
        size: this.size,
        seed: workerSeed(this.seed, index),
        poolSeed: this.seed,
        modules,
      }),
      restore: (index) => this.registry.restoreFor(index),
      restoreFailed: (id, worker, message) => this.registry.loseOne(id, worker, message),
      lost: (index, message) => this.registry.lose(index, message),
    });
  }

  /** Validates options, connects the adapter and starts every worker. */
  static async start(adapter: Adapter, options: StartOptions): Promise<PoolCore> {
    if (isWorkerThread()) throw new TypeError(INSIDE_WORKER);
    checkStartOptions(options, adapter?.optionKeys ?? []);
    await loadCodec();
    const core = new PoolCore(adapter.name, options);
    try {
      const transport = await adapter.connect({
        workers: core.size,
        options: options as unknown as Record<string, unknown>,
        events: {
          message: (worker, message) => core.workers.onMessage(worker, message),
          exit: (worker, reason) => core.workers.onExit(worker, reason),
        },
      });
      await core.workers.start(transport, options.startTimeout ?? 60_000);
    } catch (e) {
      await core.workers.close();
      throw e;
    }
    return core;
  }

  /** Throws `PoolClosedError` after `close()`. */
  checkOpen(): void {
    if (this.workers.closed) throw new PoolClosedError();
  }

  /** The workers a store goes to: all, or (with restore) the ones not dead for good. */
  targets(): number[] {
    const all = Array.from({ length: this.size }, (_, i) => i);
    return this.restore ? all.filter((i) => !this.workers.isDead(i)) : all;
  }

  /** Records a value being stored; `data` is kept for restores when enabled. */
  entry(data: RestoreData): RemoteEntry {
    return this.registry.add(this.workers.nextId(), data);
  }

  /** Waits for the puts of `entry`; on failure forgets it and deletes it where it landed. */
  async store(entry: RemoteEntry, puts: Promise<Encoded>[]): Promise<void> {
    try {
      await gather(puts);
    } catch (e) {
      this.registry.drop(entry);
      this.#delete(entry.id).catch(() => {});
      throw e;
    }
  }

  /** Drops one handle's reference; the last one deletes the value on every worker. */
  async release(entry: RemoteEntry): Promise<void> {
    entry.refs--;
    if (entry.refs > 0 || this.workers.closed) return;
    this.registry.drop(entry);
    await this.#delete(entry.id);
  }

  async #delete(id: number): Promise<void> {
    const requests = this.workers.live().map((i) =>
      this.workers.request(i, { message: { type: "delete", objects: [id] } })
    );
    await Promise.allSettled(requests);
  }

  /** Counts for leak checks. */
  async stats(): Promise<PoolStats> {
    this.checkOpen();
    const pendingCalls = this.workers.pendingCount;
    // A worker dead for good holds nothing: 0, without asking it.
    const live = Array.from({ length: this.size }, (_, i) => !this.workers.isDead(i));
    const answers = await gather(
      live.flatMap((up, i) => up ? [this.workers.request(i, { message: { type: "stats" } })] : []),
    );
    const counts = answers.map((a) => (decode(a) as { objects: number }).objects);
    return {
      pendingCalls,
      remoteObjects: this.registry.size,
      workerObjects: live.map((up) => up ? counts.shift()! : 0),
    };
  }
}

/** A copy of an encoded value's binary parts (kept for restores of mutable values). */
export function snapshot(encoded: Encoded): Encoded {
  return { ...encoded, b: encoded.b.map(copyPart) };
}

function copyPart(part: BinaryPart): BinaryPart {
  if (isShared(part)) return part;
  if (part instanceof ArrayBuffer) return part.slice(0);
  if (isShared(part.buffer)) return part;
  const bytes = (part.buffer as ArrayBuffer).slice(
    part.byteOffset,
    part.byteOffset + part.byteLength,
  );
  if (part instanceof DataView) return new DataView(bytes);
  return new (part.constructor as new (b: ArrayBuffer) => ArrayBufferView)(bytes);
}
