/**
 * The pool's handle registry: one entry per remote value, with its reference
 * count, the dedup of pushed immutables, the walk hooks that turn handles into
 * references, and what self-healing needs to put the value back on a
 * replacement worker (the encoded push once, or each worker's scatter chunk).
 *
 * @module
 */
import type { Encoded } from "./codec.ts";
import { RemovedObjectError, WorkerCrashedError } from "./errors.ts";
import { type HandleOwner, handleState, type RemoteEntry, RemoteObject } from "./remote_object.ts";
import type { ValueHooks } from "./walk.ts";

/** What a replacement worker gets back for one entry. */
export type RestoreData =
  /** The same encoded value on every worker (a push). */
  | { kind: "all"; value: Encoded }
  /** One encoded chunk per worker (a scatter). */
  | { kind: "each"; values: Encoded[] };

interface Record {
  entry: RemoteEntry;
  data?: RestoreData;
}

/** The registry of one pool's remote values. */
export class HandleRegistry {
  /** Hooks for the value walk: handles and pushed immutables become references. */
  readonly hooks: ValueHooks;
  #owner: HandleOwner;
  #records = new Map<number, Record>();
  #immutables = new WeakMap<object, { entry: RemoteEntry; stored: Promise<void> }>();
  #keep: boolean;

  /**
   * @param owner The pool, which deletes values on its workers.
   * @param keep Keep restore data (`createPool({ restore })`).
   */
  constructor(owner: HandleOwner, keep: boolean) {
    this.#owner = owner;
    this.#keep = keep;
    this.hooks = {
      handle: (h, path) => this.idOf(h, path),
      refOf: (v) => {
        const hit = this.#immutables.get(v);
        return hit && hit.entry.refs > 0 && !hit.entry.lost ? hit.entry.id : undefined;
      },
    };
  }

  /** The number of live remote values. */
  get size(): number {
    return this.#records.size;
  }

  /** Records a new remote value with one reference. */
  add(id: number, data: RestoreData): RemoteEntry {
    const entry: RemoteEntry = { id, refs: 1 };
    this.#records.set(id, { entry, data: this.#keep ? data : undefined });
    return entry;
  }

  /** Forgets an entry (its last handle went, or storing it failed). */
  drop(entry: RemoteEntry): void {
    entry.refs = 0;
    this.#records.delete(entry.id);
  }

  /** A new handle to `entry`, counted. */
  handle<T>(entry: RemoteEntry): RemoteObject<T> {
    return new RemoteObject<T>(this.#owner, entry);
  }

  /** The live entry of an immutable already pushed, with its store promise. */
  pushed(value: object): { entry: RemoteEntry; stored: Promise<void> } | undefined {
    const hit = this.#immutables.get(value);
    return hit && hit.entry.refs > 0 && !hit.entry.lost ? hit : undefined;
  }

  /** Remembers that immutable `value` is stored as `entry` (once `stored` resolves). */
  rememberImmutable(value: object, entry: RemoteEntry, stored: Promise<void>): void {
    this.#immutables.set(value, { entry, stored });
  }

  /**
   * Checks a handle passed to this pool and returns its remote id.
   *
   * @throws {TypeError} For a handle of another pool.
   * @throws {RemovedObjectError} For a removed handle.
   * @throws {WorkerCrashedError} For a value lost with a worker.
   */
  idOf(handle: RemoteObject<unknown>, path: string): number {
    const { owner, entry, removed } = handleState(handle);
    if (owner !== this.#owner) {
      throw new TypeError(`${path} is a handle from another pool and cannot be used here`);
    }
    if (removed) {
      throw new RemovedObjectError(`${path} is a removed remote object (remote id ${entry.id})`);
    }
    if (entry.lost) {
      throw new WorkerCrashedError(
        entry.lost.worker,
        `${path} refers to remote object ${entry.id}, whose data was lost when ` +
          `${entry.lost.message}; push it again`,
      );
    }
    return entry.id;
  }

  /** Marks every value lost with `worker` (when nothing can restore it). */
  lose(worker: number, message: string): void {
    for (const { entry, data } of this.#records.values()) {
      if (!data) entry.lost ??= { worker, message };
    }
  }

  /** Marks one value lost on `worker` (its restore failed). */
  loseOne(id: number, worker: number, message: string): void {
    const record = this.#records.get(id);
    if (record) record.entry.lost ??= { worker, message };
  }

  /** What to put back on a replacement for worker `worker`, oldest first. */
  restoreFor(worker: number): { id: number; value: Encoded }[] {
    const out: { id: number; value: Encoded }[] = [];
    for (const [id, { data, entry }] of this.#records) {
      if (!data || entry.lost) continue;
      out.push({ id, value: data.kind === "all" ? data.value : data.values[worker] });
    }
    return out;
  }
}
