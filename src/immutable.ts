/**
 * Immutable values: deep-frozen and marked so that pushing them twice sends
 * them once.
 *
 * @module
 */

import { isBinary } from "./walk.ts";

const marked = new WeakSet<object>();

/**
 * Deep-freezes `value` where it can be frozen and marks it immutable. Typed
 * arrays, ArrayBuffers and DataViews cannot be frozen: they are marked, and you
 * promise not to change them. Maps and Sets are marked and their contents
 * frozen. Pushing a marked value that is already on the workers sends nothing
 * and returns a new handle to the same remote copy; an immutable passed
 * directly as a task argument goes as a reference when it is on the workers.
 *
 * @param value An object (primitives are returned as they are).
 * @returns The same value, frozen and marked.
 *
 * @example
 * ```ts
 * import { immutable, isImmutable } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * const model = immutable({ matrix: new Float64Array(4), name: "A" });
 * assert.ok(Object.isFrozen(model));
 * assert.ok(isImmutable(model) && isImmutable(model.matrix));
 * ```
 */
export function immutable<T>(value: T): T {
  freeze(value, new Set());
  return value;
}

/**
 * True if `value` was marked by {@linkcode immutable}.
 *
 * @param value Anything.
 * @returns Whether the value is marked immutable.
 *
 * @example
 * ```ts
 * import { immutable, isImmutable } from "@cohort/core";
 * import assert from "node:assert/strict";
 * assert.equal(isImmutable({}), false);
 * assert.equal(isImmutable(immutable({})), true);
 * ```
 */
export function isImmutable(value: unknown): boolean {
  return typeof value === "object" && value !== null && marked.has(value);
}

function freeze(value: unknown, seen: Set<object>): void {
  if (typeof value !== "object" || value === null || seen.has(value)) return;
  seen.add(value);
  marked.add(value);
  if (isBinary(value)) return;
  if (value instanceof Map) {
    for (const [k, v] of value) {
      freeze(k, seen);
      freeze(v, seen);
    }
  } else if (value instanceof Set) {
    for (const v of value) freeze(v, seen);
  } else {
    for (const k of Reflect.ownKeys(value)) {
      freeze((value as Record<PropertyKey, unknown>)[k], seen);
    }
  }
  Object.freeze(value);
}
