/**
 * Keys superjson refuses (`constructor`, `prototype`, `__proto__`) travel
 * with a `~` in front (and `~constructor` as `~~constructor`), in a copy of
 * the objects that hold them; the receiver puts them back as own properties,
 * never as a prototype.
 *
 * @module
 */
import { isBinary, RISKY_KEY } from "./walk.ts";

/** A copy of `v` with risky keys escaped (handles and refs kept as they are). */
export function escapeKeys(
  v: unknown,
  refs: Map<object, number>,
  copies: Map<object, unknown>,
): unknown {
  if (typeof v !== "object" || v === null || isBinary(v) || refs.has(v)) return v;
  if (copies.has(v)) return copies.get(v);
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    copies.set(v, out);
    for (const x of v) out.push(escapeKeys(x, refs, copies));
    return out;
  }
  if (v instanceof Map) {
    const out = new Map();
    copies.set(v, out);
    for (const [k, x] of v) out.set(escapeKeys(k, refs, copies), escapeKeys(x, refs, copies));
    return out;
  }
  if (v instanceof Set) {
    const out = new Set();
    copies.set(v, out);
    for (const x of v) out.add(escapeKeys(x, refs, copies));
    return out;
  }
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null && !isOwnFieldsClass(v)) {
    return v;
  }
  const out = Object.create(proto);
  copies.set(v, out);
  for (const k of Object.keys(v)) {
    const key = RISKY_KEY.test(k) ? `~${k}` : k;
    out[key] = escapeKeys((v as Record<string, unknown>)[k], refs, copies);
  }
  return out;
}

function isOwnFieldsClass(v: object): boolean {
  return !(v instanceof Date || v instanceof RegExp || v instanceof URL || v instanceof Error);
}

export function unescapeKeys(v: unknown, seen: Set<object>): unknown {
  if (typeof v !== "object" || v === null || isBinary(v) || seen.has(v)) return v;
  seen.add(v);
  if (Array.isArray(v)) {
    for (const x of v) unescapeKeys(x, seen);
  } else if (v instanceof Map) {
    for (const [k, x] of v) {
      unescapeKeys(k, seen);
      unescapeKeys(x, seen);
    }
  } else if (v instanceof Set) {
    for (const x of v) unescapeKeys(x, seen);
  } else {
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      unescapeKeys(o[k], seen);
      if (k.startsWith("~") && RISKY_KEY.test(k)) {
        const value = o[k];
        delete o[k];
        Object.defineProperty(o, k.slice(1), {
          value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
  }
  return v;
}
