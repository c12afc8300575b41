/**
 * Knowing whether this thread is a cohort worker, so that a task module with
 * top-level pool code cannot start pools from inside workers.
 *
 * @module
 */

const WORKER = Symbol.for("cohort.worker");

/** Marks this thread as a cohort worker (worker entry modules call it first). */
export function markWorkerThread(): void {
  (globalThis as Record<symbol, unknown>)[WORKER] = true;
}

/** True inside a cohort worker thread or worker process. */
export function isWorkerThread(): boolean {
  return (globalThis as Record<symbol, unknown>)[WORKER] === true;
}

/** The message of the error `createPool()` rejects with inside a worker. */
export const INSIDE_WORKER: string =
  "createPool() was called inside a cohort worker: a module that workers import (a task " +
  "module) starts a pool at its top level. Move the tasks into a module of their own, or " +
  "guard the main code with `if (import.meta.main) { ... }`";
