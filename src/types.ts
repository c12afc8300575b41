/**
 * Types that carry task argument and result types through pool methods.
 *
 * @module
 */
import type { RemoteObject } from "./remote_object.ts";

/** Values that `Arg` does not look inside for handles. */
export type Leaf =
  | string
  | number
  | boolean
  | bigint
  | symbol
  | null
  | undefined
  | Date
  | RegExp
  | URL
  | Error
  | ArrayBuffer
  | ArrayBufferView
  | ReadonlyMap<unknown, unknown>
  | ReadonlySet<unknown>
  // deno-lint-ignore no-explicit-any
  | ((...args: any[]) => unknown);

/**
 * What may stand where a task expects a `T`: the value, a handle to a remote
 * `T`, or (for objects and arrays) the same shape with handles inside.
 */
export type Arg<T> =
  | T
  | RemoteObject<T>
  | (T extends Leaf ? never : { [K in keyof T]: Arg<T[K]> });

/** A task's argument list, each argument an {@linkcode Arg}. */
export type Args<A extends unknown[]> = { [K in keyof A]: Arg<A[K]> };

/** Typed arrays whose elements are numbers. */
export type NumericArray =
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | Float32Array
  | Float64Array;

/** A sequence for `map()`: an array of arguments, or a typed array of numbers. */
export type Sequence<T> = readonly Arg<T>[] | (number extends T ? NumericArray : never);
