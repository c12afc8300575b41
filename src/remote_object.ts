/**
 * Handles to data kept on the workers of a pool.
 *
 * @module
 */

/**
 * The pool-side record of one remote value, shared by all handles to it.
 *
 * @example Two handles share one entry
 * ```ts
 * import { RemoteObject } from "@cohort/core";
 * import type { HandleOwner, RemoteEntry } from "@cohort/core/transport";
 * import assert from "node:assert/strict";
 *
 * const entry: RemoteEntry = { id: 1, refs: 2 };
 * const owner: HandleOwner = {
 *   release(e: RemoteEntry): Promise<void> {
 *     e.refs--;
 *     return Promise.resolve();
 *   },
 * };
 * const [a, b] = [new RemoteObject(owner, entry), new RemoteObject(owner, entry)];
 * await a.remove();
 * assert.equal(entry.refs, 1);
 * await b.remove();
 * assert.equal(entry.refs, 0); // a pool would now delete the value on its workers
 * ```
 */
export interface RemoteEntry {
  /** The id under which every worker stores the value. */
  readonly id: number;
  /** Live handles to this value; the workers drop it when this reaches 0. */
  refs: number;
  /** Set when a worker holding part of the value died: which, and how. */
  lost?: { worker: number; message: string };
}

/**
 * What a handle needs from the pool that made it. Every `Pool` is one; a
 * stand-in lets a unit test make handles without a pool.
 *
 * @example A stand-in owner that records releases
 * ```ts
 * import { RemoteObject } from "@cohort/core";
 * import type { HandleOwner } from "@cohort/core/transport";
 * import assert from "node:assert/strict";
 *
 * const released: number[] = [];
 * const owner: HandleOwner = {
 *   release(entry): Promise<void> {
 *     released.push(entry.id);
 *     return Promise.resolve();
 *   },
 * };
 * const handle = new RemoteObject<number[]>(owner, { id: 7, refs: 1 });
 * await handle.remove();
 * await handle.remove(); // idempotent: released once
 * assert.deepEqual(released, [7]);
 * ```
 */
export interface HandleOwner {
  /** Drops one handle's reference to its entry. */
  release(entry: RemoteEntry): Promise<void>;
}

let stateOf: (handle: RemoteObject<unknown>) => {
  owner: HandleOwner;
  entry: RemoteEntry;
  removed: boolean;
};

/**
 * A handle to a value stored on every worker of a pool, made by
 * `pool.push()`, `pool.scatterList()` or `pool.scatterArray()`. Pass it
 * anywhere inside task arguments and each worker gets its own local copy.
 * Handles are never removed by garbage collection: call `remove()` or use
 * `await using`.
 *
 * @typeParam T The type of the value on each worker.
 *
 * @example
 * ```ts
 * import { createPool } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const handle = await pool.push({ a: 1 });
 * assert.equal(handle.removed, false);
 * await handle.remove();
 * assert.equal(handle.removed, true);
 * ```
 */
export class RemoteObject<T = unknown> {
  /** Phantom field carrying the value type; never set. */
  declare readonly valueType?: T;
  #owner: HandleOwner;
  #entry: RemoteEntry;
  #removed = false;

  /**
   * Handles are made by pools; there is no reason to call this yourself.
   *
   * @param owner The pool that holds the value.
   * @param entry The pool's record of the value.
   */
  constructor(owner: HandleOwner, entry: RemoteEntry) {
    this.#owner = owner;
    this.#entry = entry;
  }

  /** True once `remove()` has been called on this handle. */
  get removed(): boolean {
    return this.#removed;
  }

  /**
   * Drops this handle. The value is deleted on every worker once no handle
   * refers to it (several handles can share one immutable). Idempotent.
   *
   * @returns A promise that settles once the workers were told.
   */
  remove(): Promise<void> {
    if (this.#removed) return Promise.resolve();
    this.#removed = true;
    return this.#owner.release(this.#entry);
  }

  /** Calls `remove()`, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.remove();
  }

  static {
    stateOf = (handle) => ({
      owner: handle.#owner,
      entry: handle.#entry,
      removed: handle.#removed,
    });
  }
}

/** Pool-side state of a handle, for the handle registry (not exported from `mod.ts`). */
export function handleState(handle: RemoteObject<unknown>): {
  owner: HandleOwner;
  entry: RemoteEntry;
  removed: boolean;
} {
  return stateOf(handle);
}
