/**
 * Types that carry task argument and result types through pool methods.
 *
 * @module
 */
import type { RemoteObject } from "./remote_object.ts";

/**
 * Values that `Arg` does not look inside for handles.
 *
 * @example Typed arrays are leaves, plain arrays are not
 * ```ts
 * import { type Arg, createPool, type Leaf } from "@cohort/core";
 *
 * await using pool = await createPool({ adapter: "in-process", workers: 1 });
 * const one = await pool.push(1);
 * const list: Arg<number[]> = [one, 2, 3]; // a handle may stand for an item of an array
 * const leaf: Leaf = new Float64Array([1, 2, 3]); // but not for an element of a leaf:
 * const whole: Arg<Float64Array> = await pool.push(new Float64Array([1, 2, 3])); // all or nothing
 * ```
 */
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
 *
 * @example Pass a model whose big part is already on the workers
 * ```ts
 * import { type Arg, createPool, defineTasks } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * interface Model {
 *   weights: Float64Array;
 *   bias: number;
 * }
 * export const tasks = defineTasks(import.meta.url, {
 *   predict: (m: Model, x: number): number => m.weights.reduce((s, w) => s + w * x, m.bias),
 * });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const model: Arg<Model> = { weights: await pool.push(new Float64Array([1, 2])), bias: 1 };
 * assert.deepEqual(await pool.apply(tasks.predict, model, 10), [31, 31]);
 * ```
 */
export type Arg<T> =
  | T
  | RemoteObject<T>
  | (T extends Leaf ? never : { [K in keyof T]: Arg<T[K]> });

/**
 * A task's argument list, each argument an {@linkcode Arg}.
 *
 * @example Build the arguments before the call
 * ```ts
 * import { type Args, createPool, defineTasks } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, {
 *   scale: (xs: number[], factor: number): number[] => xs.map((x) => x * factor),
 * });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const args: Args<[number[], number]> = [await pool.scatterList([1, 2, 3]), 10];
 * assert.deepEqual(await pool.apply(tasks.scale, ...args), [[10, 20], [30]]);
 * ```
 */
export type Args<A extends unknown[]> = { [K in keyof A]: Arg<A[K]> };

/**
 * Typed arrays whose elements are numbers.
 *
 * @example Map a task over a typed array
 * ```ts
 * import { createPool, defineTasks, type NumericArray } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, { double: (x: number): number => 2 * x });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const xs: NumericArray = new Float32Array([1, 2, 3]);
 * assert.deepEqual(await pool.map(tasks.double, [xs]), [2, 4, 6]);
 * ```
 */
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

/**
 * A sequence for `map()`: an array of arguments, or a typed array of numbers.
 *
 * @example
 * ```ts
 * import { createPool, defineTasks, type Sequence } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, { double: (x: number): number => 2 * x });
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * const sequences: Sequence<number>[] = [[1, 2, 3], new Int16Array([1, 2, 3])];
 * for (const xs of sequences) assert.deepEqual(await pool.map(tasks.double, [xs]), [2, 4, 6]);
 * ```
 */
export type Sequence<T> = readonly Arg<T>[] | (number extends T ? NumericArray : never);
