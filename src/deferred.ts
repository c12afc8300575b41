/**
 * `Promise.withResolvers()`, written out: Node.js 20 lacks it.
 *
 * @module
 */

/** A promise with its resolve and reject functions. */
export interface Deferred<T> {
  /** The promise. */
  promise: Promise<T>;
  /** Resolves it. */
  resolve(value: T | PromiseLike<T>): void;
  /** Rejects it. */
  reject(reason?: unknown): void;
}

/** Makes a promise and hands out its resolve and reject functions. */
export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T | PromiseLike<T>) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}
