/**
 * What a pool and its views (`pool.with(...)`) share: the workers, the handle
 * registry, the seeds, and storing and releasing remote values.
 *
 * @module
 */
import { type BinaryPart, decode, type Encoded } from "./codec.ts";
import { workerSeed } from "./context.ts";
import { PoolClosedError } from "./errors.ts";
import type { StartOptions } from "./options.ts";
import { HandleRegistry, type RestoreData } from "./registry.ts";
import type { HandleOwner, RemoteEntry } from "./remote_object.ts";
import type { ToWorker } from "./transport.ts";
import { isShared } from "./walk.ts";
import { gather } from "./calls.ts";
import { Workers } from "./workers.ts";

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
  async stats(): Promise<{ pendingCalls: number; remoteObjects: number; workerObjects: number[] }> {
    this.checkOpen();
    const pendingCalls = this.workers.pendingCount;
    const answers = await gather(
      Array.from(
        { length: this.size },
        (_, i) => this.workers.request(i, { message: { type: "stats" } }),
      ),
    );
    return {
      pendingCalls,
      remoteObjects: this.registry.size,
      workerObjects: answers.map((a) => (decode(a) as { objects: number }).objects),
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
