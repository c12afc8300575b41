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
import { onRegister } from "./classes.ts";
import { errorFromJSON, type ErrorJSON, errorToJSON } from "./error_json.ts";
import { escapeKeys, unescapeKeys } from "./escape.ts";
import { isBinary, isShared, type ValueHooks, type WalkResult, walkValue } from "./walk.ts";

/**
 * A binary part of an encoded value, carried beside the JSON text.
 *
 * @example The bytes of a part, e.g. to frame it for a byte-stream transport
 * ```ts
 * import type { BinaryPart } from "@cohort/core/transport";
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
 * import type { Encoded } from "@cohort/core/transport";
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
  /**
   * 0: `j` is plain JSON; 1: `j` is a superjson `{ json, meta }` document;
   * 2: the same, with keys superjson refuses (`constructor`, ...) escaped.
   */
  s: 0 | 1 | 2;
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
    // Its nested values (cause, errors, fields) are encoded in turn: superjson walks into errors.
    s.registerCustom<Error, Record<string, never>>({
      isApplicable: (v): v is Error => v instanceof Error,
      serialize: (e) => errorToJSON(e) as unknown as Record<string, never>,
      deserialize: (v) => errorFromJSON(v as unknown as ErrorJSON),
    }, "cohort.error");
    s.registerCustom<Date, string>({
      isApplicable: (v): v is Date => v instanceof Date && Number.isNaN(v.getTime()),
      serialize: () => "Invalid Date",
      deserialize: () => new Date(NaN),
    }, "cohort.invalid-date");
    onRegister((cls, id) =>
      s.registerClass(cls as unknown as Parameters<SuperJSON["registerClass"]>[0], {
        identifier: id,
      })
    );
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
 * @throws {RangeError} If the value is too deep or too large for JSON.
 */
export function encode(value: unknown, root: string, hooks: ValueHooks = {}): EncodeResult {
  // The two commonest values on the per-call path skip the walk: no arguments, no result.
  if (value === undefined) return { encoded: { s: 1, j: UNDEFINED_JSON, b: [] }, fresh: [] };
  if (Array.isArray(value) && value.length === 0) {
    return { encoded: { s: 0, j: "[]", b: [] }, fresh: [] };
  }
  return encodeWalked(value, walkValue(value, root, hooks), root);
}

/** What superjson makes of `undefined`, decoded without it. */
const UNDEFINED_JSON = '{"json":null,"meta":{"values":["undefined"],"v":1}}';

/**
 * Encodes a value (or a part of one) that {@linkcode walkValue} has walked
 * already, so that a value cut into chunks is walked once, not per chunk.
 *
 * @param value The value or part.
 * @param walk What the walk of the whole found.
 * @param root The name of the whole in error messages.
 * @returns The encoded value and the buffers that may be transferred.
 */
export function encodeWalked(value: unknown, walk: WalkResult, root: string): EncodeResult {
  try {
    if (!walk.special) {
      return { encoded: { s: 0, j: JSON.stringify(value) ?? "null", b: [] }, fresh: [] };
    }
    const state: EncodeState = { refs: walk.refs, parts: [], fresh: [] };
    const input = walk.escape ? escapeKeys(value, walk.refs, new Map()) : value;
    encoding = state;
    try {
      const doc = superjson().serialize(input as Parameters<SuperJSON["serialize"]>[0]);
      const s = walk.escape ? 2 : 1;
      return { encoded: { s, j: JSON.stringify(doc), b: state.parts }, fresh: state.fresh };
    } finally {
      encoding = null;
    }
  } catch (e) {
    if (e instanceof RangeError && /string length/i.test(e.message)) {
      const where = walk.longest
        ? `${walk.longest.path} (a plain array of ${walk.longest.length} items)`
        : root;
      throw new RangeError(
        `${where} is too large to encode as JSON; send numbers as a typed array ` +
          "(e.g. Float64Array), which travels as binary data",
        { cause: e },
      );
    }
    throw e;
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
  if (encoded.j === UNDEFINED_JSON) return undefined;
  const previous = decoding;
  decoding = {
    parts: encoded.b,
    deref: hooks.deref ?? ((id) => {
      throw new Error(`unexpected reference to remote object ${id}`);
    }),
  };
  try {
    const value = superjson().deserialize(JSON.parse(encoded.j), { inPlace: true });
    return encoded.s === 2 ? unescapeKeys(value, new Set()) : value;
  } catch (e) {
    throw unknownClass(e) ?? e;
  } finally {
    decoding = previous;
  }
}

/** superjson's error for a class id nobody registered here, said in cohort's terms. */
function unknownClass(e: unknown): Error | undefined {
  const id = /deserialize unknown class '([^']*)'/.exec((e as Error)?.message ?? "")?.[1];
  if (id === undefined) return undefined;
  return new TypeError(
    `class "${id}" is not registered in this thread: call registerClass(..., "${id}") in a ` +
      "module it imports (on a worker: a task module it has already run a task of, or one " +
      "named in createPool({ modules }))",
    { cause: e },
  );
}

export { registerClass } from "./classes.ts";
