/**
 * The codec: superjson for structure; typed arrays, ArrayBuffers and
 * DataViews out of band as binary parts (never as JSON number lists); remote
 * handles and pushed immutables as references.
 *
 * A value that is plain JSON skips superjson and goes through
 * `JSON.stringify` alone; everything else goes through a private superjson
 * instance that knows the registered classes.
 *
 * @module
 */
import type { SuperJSON } from "superjson";
import {
  classById,
  isBinary,
  isShared,
  registeredClasses,
  type ValueHooks,
  walkValue,
} from "./walk.ts";

/**
 * A binary part of an encoded value, carried beside the JSON text.
 *
 * @example The bytes of a part, e.g. to frame it for a byte-stream transport
 * ```ts
 * import type { BinaryPart } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * function bytesOf(part: BinaryPart): Uint8Array {
 *   return ArrayBuffer.isView(part)
 *     ? new Uint8Array(part.buffer, part.byteOffset, part.byteLength)
 *     : new Uint8Array(part);
 * }
 * assert.equal(bytesOf(new Float64Array(2)).length, 16);
 * assert.equal(bytesOf(new ArrayBuffer(3)).length, 3);
 * ```
 */
export type BinaryPart = ArrayBufferView | ArrayBuffer | SharedArrayBuffer;

/**
 * An encoded value: JSON text plus binary parts. Structured-cloneable.
 *
 * @example The size of an encoded value on the wire
 * ```ts
 * import type { Encoded } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * function wireBytes(value: Encoded): number {
 *   const text = new TextEncoder().encode(value.j).length;
 *   return value.b.reduce((n, part) => n + part.byteLength, text);
 * }
 * const encoded: Encoded = { s: 0, j: "[1,2]", b: [new Uint8Array(8)] };
 * assert.equal(wireBytes(encoded), 13);
 * ```
 */
export interface Encoded {
  /** 0: `j` is plain JSON; 1: `j` is a superjson `{ json, meta }` document. */
  s: 0 | 1;
  /** The JSON text. */
  j: string;
  /** Binary parts, referenced from the JSON by index. */
  b: BinaryPart[];
}

/** The result of {@linkcode encode}. */
export interface EncodeResult {
  /** The encoded value. */
  encoded: Encoded;
  /** Buffers the codec copied into and nobody else holds: safe to transfer. */
  fresh: ArrayBuffer[];
}

/** Options of {@linkcode decode}. */
export interface DecodeHooks {
  /** Resolves a reference to a stored remote value. */
  deref?(id: number): unknown;
}

interface EncodeState {
  refs: Map<object, number>;
  parts: BinaryPart[];
  fresh: ArrayBuffer[];
}
interface DecodeState {
  parts: BinaryPart[];
  deref: (id: number) => unknown;
}

let sj: SuperJSON | null = null;
let loading: Promise<void> | null = null;
// deno-lint-ignore no-explicit-any
const classes: [any, string][] = [];
let encoding: EncodeState | null = null;
let decoding: DecodeState | null = null;

/**
 * Loads superjson, once. Values beyond plain JSON cannot be encoded or
 * decoded before it resolves; the pool awaits it in `Pool.start`, a worker
 * starts it after announcing itself ready and awaits it before its first
 * request. Loading it lazily keeps its 12 module files off a worker's start.
 *
 * @returns A promise that resolves once the codec can encode anything.
 */
export function loadCodec(): Promise<void> {
  return loading ??= import("superjson").then(({ SuperJSON }) => {
    const s = new SuperJSON();
    s.allowErrorProps("stack");
    s.registerCustom<object, { i: number }>({
      isApplicable: (v): v is object => encoding !== null && encoding.refs.has(v as object),
      serialize: (v) => ({ i: encoding!.refs.get(v)! }),
      deserialize: (v) => decoding!.deref(v.i) as object,
    }, "cohort.ref");
    s.registerCustom<BinaryPart, number>({
      isApplicable: (v): v is BinaryPart => isBinary(v),
      serialize: (v) => addPart(encoding!, v),
      deserialize: (i) => decoding!.parts[i],
    }, "cohort.bin");
    for (const [cls, id] of classes) s.registerClass(cls, { identifier: id });
    sj = s;
  });
}

/**
 * True once {@linkcode loadCodec} has finished.
 *
 * @returns Whether values beyond plain JSON can be encoded now.
 */
export function codecLoaded(): boolean {
  return sj !== null;
}

function superjson(): SuperJSON {
  if (!sj) throw new Error("cohort: the codec is not loaded yet (await loadCodec())");
  return sj;
}

function addPart(state: EncodeState, v: BinaryPart): number {
  let part = v;
  if (ArrayBuffer.isView(v) && !isShared(v.buffer)) {
    const whole = v.byteOffset === 0 && v.byteLength === v.buffer.byteLength;
    if (!whole) {
      // A structured clone of a partial view would copy its whole buffer.
      const bytes = (v.buffer as ArrayBuffer).slice(v.byteOffset, v.byteOffset + v.byteLength);
      state.fresh.push(bytes);
      part = v instanceof DataView ? new DataView(bytes) : new (v.constructor as new (
        b: ArrayBuffer,
      ) => ArrayBufferView)(bytes);
    }
  }
  state.parts.push(part);
  return state.parts.length - 1;
}

/**
 * Encodes `value` for the wire.
 *
 * @param value The value to encode.
 * @param root The name of the value in error messages, e.g. `"args"`.
 * @param hooks How to treat remote handles and pushed immutables.
 * @returns The encoded value and the buffers that may be transferred.
 * @throws {TypeError} If the value holds something that cannot be sent; the
 *   message names where it sits, e.g. `args[1].model.solver`.
 */
export function encode(value: unknown, root: string, hooks: ValueHooks = {}): EncodeResult {
  const refs = new Map<object, number>();
  const special = walkValue(value, root, hooks, refs);
  if (!special) return { encoded: { s: 0, j: JSON.stringify(value) ?? "null", b: [] }, fresh: [] };
  const state: EncodeState = { refs, parts: [], fresh: [] };
  encoding = state;
  try {
    const doc = superjson().serialize(value as Parameters<SuperJSON["serialize"]>[0]);
    return { encoded: { s: 1, j: JSON.stringify(doc), b: state.parts }, fresh: state.fresh };
  } finally {
    encoding = null;
  }
}

/**
 * Decodes what {@linkcode encode} produced.
 *
 * @param encoded The encoded value.
 * @param hooks How to resolve references to remote values.
 * @returns The value.
 */
export function decode(encoded: Encoded, hooks: DecodeHooks = {}): unknown {
  if (encoded.s === 0) return JSON.parse(encoded.j);
  const previous = decoding;
  decoding = {
    parts: encoded.b,
    deref: hooks.deref ?? ((id) => {
      throw new Error(`unexpected reference to remote object ${id}`);
    }),
  };
  try {
    return superjson().deserialize(JSON.parse(encoded.j), { inPlace: true });
  } finally {
    decoding = previous;
  }
}

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
  const other = classById.get(id);
  if (other === cls) return;
  if (other) throw new TypeError(`'id' "${id}" is already registered for class ${other.name}`);
  classById.set(id, cls);
  registeredClasses.add(cls);
  classes.push([cls, id]);
  sj?.registerClass(cls as unknown as Parameters<SuperJSON["registerClass"]>[0], {
    identifier: id,
  });
}
