/**
 * The one registry of classes whose instances may cross to workers
 * (`registerClass`), read by the value walk and the codec.
 *
 * @module
 */

// deno-lint-ignore no-explicit-any
type Ctor = abstract new (...args: any[]) => unknown;

// The registry lives under a global symbol, so that two copies of cohort in one
// thread (a task module's and the worker's) know the same classes.
const shared = ((globalThis as Record<symbol, unknown>)[Symbol.for("cohort.classes")] ??= {
  byId: new Map(),
  byClass: new Map(),
  listeners: [],
}) as {
  byId: Map<string, Ctor>;
  byClass: Map<unknown, string>;
  listeners: ((cls: Ctor, id: string) => void)[];
};
const { byId, byClass, listeners } = shared;

/**
 * Registers a class so that its instances cross to workers and back as
 * instances (own enumerable fields are copied; `#private` fields are not).
 * Register in a module that workers import too, e.g. the task module, with
 * the same id on both sides.
 *
 * @param cls The class.
 * @param id A name unique among registered classes.
 * @throws {TypeError} If `cls` is not a class or `id` is empty or taken by
 *   another class.
 *
 * @example
 * ```ts
 * import { registerClass } from "@cohort/core";
 *
 * export class Interval {
 *   constructor(public lo = 0, public hi = 0) {}
 *   get width(): number {
 *     return this.hi - this.lo;
 *   }
 * }
 * registerClass(Interval, "example.Interval");
 * ```
 */
export function registerClass(
  // deno-lint-ignore no-explicit-any
  cls: abstract new (...args: any[]) => unknown,
  id: string,
): void {
  if (typeof cls !== "function" || !cls.prototype) {
    throw new TypeError(`'cls' must be a class, got ${String(cls)}`);
  }
  if (typeof id !== "string" || id.length === 0) {
    throw new TypeError(`'id' must be a non-empty string, got ${String(id)}`);
  }
  const other = byId.get(id);
  if (other === cls) return;
  if (other) throw new TypeError(`'id' "${id}" is already registered for class ${other.name}`);
  byId.set(id, cls);
  byClass.set(cls, id);
  for (const listener of listeners) listener(cls, id);
}

/** True if `cls` was registered. */
export function isRegistered(cls: unknown): boolean {
  return byClass.has(cls);
}

/**
 * Calls `listener` for every registered class, now and on each later
 * registration (the codec's superjson instance follows the registry so).
 */
export function onRegister(listener: (cls: Ctor, id: string) => void): void {
  for (const [id, cls] of byId) listener(cls, id);
  listeners.push(listener);
}
