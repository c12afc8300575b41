/**
 * The walk that every outgoing value takes, once, before it is encoded: it
 * refuses what cannot be sent (naming where it sits), resolves remote handles
 * and pushed immutables, and tells the codec what the value needs.
 *
 * @module
 */
import { isRegistered } from "./classes.ts";
import { describe } from "./describe.ts";
import { RemoteObject } from "./remote_object.ts";

/** How the walk treats handles and immutables; supplied by the pool. */
export interface ValueHooks {
  /** Checks a handle and returns its remote id; throws if it cannot be used. */
  handle?(handle: RemoteObject<unknown>, path: string): number;
  /** The remote id of an immutable already on the workers, if any. */
  refOf?(value: object): number | undefined;
}

/** What the walk found, for the codec. */
export interface WalkResult {
  /** Objects to send as references (handles, pushed immutables), and their ids. */
  refs: Map<object, number>;
  /** True if the value needs superjson (anything beyond plain JSON). */
  special: boolean;
  /** True if an object has a key superjson refuses (`constructor`, ...): escape them. */
  escape: boolean;
  /** The longest plain array seen, for the message when JSON runs out of room. */
  longest: { path: string; length: number } | null;
}

/** Values nested deeper than this are refused (JSON and superjson recurse). */
export const MAX_DEPTH = 1_000;
/** Keys superjson refuses; the codec escapes them so that they travel. */
export const RISKY_KEY: RegExp = /^~*(?:__proto__|constructor|prototype)$/;
const IDENT = /^[A-Za-z_$][\w$]*$/;
const BIG_ARRAY = 1_000_000;

/** True for a SharedArrayBuffer (false where the runtime has none). */
export function isShared(v: unknown): v is SharedArrayBuffer {
  return typeof SharedArrayBuffer !== "undefined" && v instanceof SharedArrayBuffer;
}

/** True for typed arrays, DataViews, ArrayBuffers and SharedArrayBuffers. */
export function isBinary(v: unknown): boolean {
  return typeof v === "object" && v !== null &&
    (ArrayBuffer.isView(v) || v instanceof ArrayBuffer || isShared(v));
}

/** True if `buffer` was transferred or otherwise detached. */
export function isDetached(buffer: ArrayBufferLike): boolean {
  const flag = (buffer as { detached?: boolean }).detached;
  if (flag !== undefined) return flag;
  if (buffer.byteLength !== 0 || isShared(buffer)) return false;
  try {
    new Uint8Array(buffer);
    return false;
  } catch {
    return true;
  }
}

type Key = string | number | { label: string };

function formatPath(root: string, keys: readonly Key[], offset = 0): string {
  let out = root;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    if (typeof k === "number") out += `[${i === 1 ? k + offset : k}]`;
    else if (typeof k === "object") out += k.label;
    else out += IDENT.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
  }
  return out;
}

/**
 * Walks `value`, refusing what cannot be sent.
 *
 * @param value The value.
 * @param root Its name in messages, e.g. `"args"`.
 * @param hooks Handle and immutable treatment.
 * @param offset Added to second-level indices in messages (a map chunk's first item).
 * @returns What the codec needs to know.
 * @throws {TypeError} Naming the path of the first value that cannot be sent.
 * @throws {RangeError} If the value is nested deeper than {@linkcode MAX_DEPTH}.
 */
export function walkValue(
  value: unknown,
  root: string,
  hooks: ValueHooks,
  offset = 0,
): WalkResult {
  const keys: Key[] = [];
  const seen = new Set<object>();
  const result: WalkResult = { refs: new Map(), special: false, escape: false, longest: null };
  const at = (): string => formatPath(root, keys, offset);
  const where = root === "result" ? "back to the pool" : "to a worker";
  const fail = (what: string): never => {
    throw new TypeError(`${at()} ${what} and cannot be sent ${where}`);
  };
  const child = (key: Key, v: unknown): void => {
    keys.push(key);
    visit(v);
    keys.pop();
  };

  const visit = (v: unknown): void => {
    switch (typeof v) {
      case "string":
      case "boolean":
        return;
      case "number":
        if (!Number.isFinite(v) || Object.is(v, -0)) result.special = true;
        return;
      case "undefined":
      case "bigint":
        result.special = true;
        return;
      case "function":
        return fail(`is ${describe(v)}`);
      case "symbol":
        return fail(`is ${describe(v)}`);
    }
    if (v === null) return;
    const o = v as object;
    if (seen.has(o)) {
      result.special = true; // shared reference or cycle: superjson restores identity
      return;
    }
    if (keys.length >= MAX_DEPTH) {
      throw new RangeError(
        `${formatPath(root, keys.slice(0, 1))} is nested more than ${MAX_DEPTH} levels deep ` +
          "and cannot be sent to a worker; flatten it (e.g. an array of nodes with indices)",
      );
    }
    seen.add(o);
    if (o instanceof RemoteObject) {
      if (!hooks.handle) return fail("is a remote object handle, which only a pool can send");
      result.refs.set(o, hooks.handle(o, at()));
      result.special = true;
      return;
    }
    const ref = hooks.refOf?.(o);
    if (ref !== undefined) {
      result.refs.set(o, ref);
      result.special = true;
      return;
    }
    if (Array.isArray(o)) {
      if (o.length >= BIG_ARRAY && o.length > (result.longest?.length ?? 0)) {
        result.longest = { path: at(), length: o.length };
      }
      for (let i = 0; i < o.length; i++) child(i, o[i]);
      return;
    }
    const proto = Object.getPrototypeOf(o);
    if (proto === Object.prototype || proto === null) return visitFields(o);
    result.special = true;
    if (isBinary(o)) {
      const buffer = ArrayBuffer.isView(o) ? o.buffer : o as ArrayBufferLike;
      if (isDetached(buffer)) {
        const kind = (o as object).constructor?.name ?? "buffer";
        return fail(
          `is ${/^[AEIOU]/.test(kind) ? "an" : "a"} ${kind} whose buffer was detached ` +
            "(transferred, or consumed by scatterArray with copy: false)",
        );
      }
      return;
    }
    if (o instanceof Date || o instanceof RegExp || o instanceof URL) return;
    if (o instanceof Map) {
      let i = 0;
      for (const [k, x] of o) {
        child({ label: `.<key ${i}>` }, k);
        const label = typeof k === "string" ? JSON.stringify(k) : `<key ${i}>`;
        child({ label: `.get(${label})` }, x);
        i++;
      }
      return;
    }
    if (o instanceof Set) {
      let i = 0;
      for (const x of o) child({ label: `.<item ${i++}>` }, x);
      return;
    }
    if (o instanceof Error) {
      // What error_json.ts carries: the cause, an AggregateError's errors, own fields.
      if ("cause" in o) child("cause", o.cause);
      const errors = (o as { errors?: unknown }).errors;
      if (Array.isArray(errors)) errors.forEach((x, i) => child(`errors[${i}]`, x));
      for (const k of Object.keys(o)) {
        if (k !== "cause" && k !== "errors") child(k, (o as unknown as Record<string, unknown>)[k]);
      }
      return;
    }
    if (isRegistered(o.constructor)) return visitFields(o);
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
      if (RISKY_KEY.test(k)) result.escape = true;
      child(k, (o as Record<string, unknown>)[k]);
    }
  };

  visit(value);
  return result;
}
