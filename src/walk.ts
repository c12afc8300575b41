/**
 * The walk that every outgoing value takes before it is encoded: it refuses
 * what cannot be sent (naming where it sits), resolves remote handles and
 * pushed immutables, and tells whether plain JSON is enough.
 *
 * @module
 */
import { RemoteObject } from "./remote_object.ts";

/** How the walk treats handles and immutables; supplied by the pool. */
export interface ValueHooks {
  /** Checks a handle and returns its remote id; throws if it cannot be used. */
  handle?(handle: RemoteObject<unknown>, path: string): number;
  /** The remote id of an immutable already on the workers, if any. */
  refOf?(value: object): number | undefined;
}

// deno-lint-ignore no-explicit-any
type Ctor = abstract new (...args: any[]) => unknown;

/** Classes registered with `registerClass`, by id and as a set. */
export const classById: Map<string, Ctor> = new Map();
/** The registered classes. */
export const registeredClasses: Set<unknown> = new Set();

/** True for a SharedArrayBuffer (false where the runtime has none). */
export function isShared(v: unknown): v is SharedArrayBuffer {
  return typeof SharedArrayBuffer !== "undefined" && v instanceof SharedArrayBuffer;
}

/** True for typed arrays, DataViews, ArrayBuffers and SharedArrayBuffers. */
export function isBinary(v: unknown): boolean {
  return typeof v === "object" && v !== null &&
    (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || isShared(v));
}

const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * Walks `value`, refusing what cannot be sent.
 *
 * @param value The value.
 * @param root Its name in messages, e.g. `"args"`.
 * @param hooks Handle and immutable treatment.
 * @param refs Filled with the objects to send as references, and their ids.
 * @returns True if the value needs superjson (anything beyond plain JSON).
 * @throws {TypeError} Naming the path of the first value that cannot be sent.
 */
export function walkValue(
  value: unknown,
  root: string,
  hooks: ValueHooks,
  refs: Map<object, number>,
): boolean {
  const path: string[] = [root];
  const seen = new Set<object>();
  let special = false;
  const at = (): string => path.join("");
  const fail = (what: string): never => {
    throw new TypeError(`${at()} ${what} and cannot be sent to a worker`);
  };

  const visit = (v: unknown): void => {
    switch (typeof v) {
      case "string":
      case "boolean":
        return;
      case "number":
        if (!Number.isFinite(v) || Object.is(v, -0)) special = true;
        return;
      case "undefined":
      case "bigint":
        special = true;
        return;
      case "function":
        return fail(`is a function${v.name ? ` (${v.name})` : ""}`);
      case "symbol":
        return fail(`is a symbol (${String(v.description)})`);
    }
    if (v === null) return;
    const o = v as object;
    if (seen.has(o)) {
      special = true; // shared reference or cycle: superjson restores identity
      return;
    }
    seen.add(o);
    if (o instanceof RemoteObject) {
      if (!hooks.handle) return fail("is a remote object handle, which only a pool can send");
      refs.set(o, hooks.handle(o, at()));
      special = true;
      return;
    }
    const ref = hooks.refOf?.(o);
    if (ref !== undefined) {
      refs.set(o, ref);
      special = true;
      return;
    }
    if (Array.isArray(o)) {
      for (let i = 0; i < o.length; i++) {
        path.push(`[${i}]`);
        visit(o[i]);
        path.pop();
      }
      return;
    }
    const proto = Object.getPrototypeOf(o);
    if (proto === Object.prototype || proto === null) return visitFields(o);
    special = true;
    if (isBinary(o) || o instanceof Date || o instanceof RegExp || o instanceof URL) return;
    if (o instanceof Map) {
      let i = 0;
      for (const [k, x] of o) {
        path.push(`.<key ${i}>`);
        visit(k);
        path.pop();
        path.push(`.get(${typeof k === "string" ? JSON.stringify(k) : `<key ${i}>`})`);
        visit(x);
        path.pop();
        i++;
      }
      return;
    }
    if (o instanceof Set) {
      let i = 0;
      for (const x of o) {
        path.push(`.<item ${i++}>`);
        visit(x);
        path.pop();
      }
      return;
    }
    if (o instanceof Error) {
      if ("cause" in o) {
        path.push(".cause");
        visit(o.cause);
        path.pop();
      }
      return;
    }
    if (registeredClasses.has(o.constructor)) return visitFields(o);
    if (o instanceof Promise) return fail("is a Promise (await it first)");
    if (o instanceof WeakMap || o instanceof WeakSet || o instanceof WeakRef) {
      return fail(`is a ${o.constructor.name}`);
    }
    const name = typeof o.constructor === "function" && o.constructor.name
      ? o.constructor.name
      : "anonymous";
    return fail(
      `is an instance of the unregistered class ${name}; ` +
        `register it with registerClass(${name}, "some.id") in a module workers import`,
    );
  };

  const visitFields = (o: object): void => {
    for (const k of Object.keys(o)) {
      path.push(IDENT.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`);
      visit((o as Record<string, unknown>)[k]);
      path.pop();
    }
  };

  visit(value);
  return special;
}
