/**
 * Binary parts on the wire: each part's kind (which typed array, `DataView`,
 * `ArrayBuffer` or `SharedArrayBuffer`), its bytes, and a fresh part of a
 * kind to receive bytes into.
 *
 * @module
 */
import type { BinaryPart } from "../../src/codec.ts";

const VIEWS = [
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "Float16Array",
  "Float32Array",
  "Float64Array",
  "BigInt64Array",
  "BigUint64Array",
  "DataView",
];
const KINDS = new Set([...VIEWS, "ArrayBuffer", "SharedArrayBuffer"]);
/** The kind of a binary part: its `Symbol.toStringTag`, e.g. `"Float64Array"`. */
export function kindOf(part: BinaryPart): string {
  const kind = Object.prototype.toString.call(part).slice(8, -1);
  if (!KINDS.has(kind)) throw new TypeError(`cannot frame a binary part of kind ${kind}`);
  return kind;
}

/** The bytes of a binary part, without a copy. */
export function bytesOf(part: BinaryPart): Uint8Array {
  return ArrayBuffer.isView(part)
    ? new Uint8Array(part.buffer, part.byteOffset, part.byteLength)
    : new Uint8Array(part);
}

type ViewConstructor = (new (b: ArrayBufferLike) => ArrayBufferView) & {
  BYTES_PER_ELEMENT?: number;
};

/** A fresh part of `kind` with room for `length` bytes, and those bytes to fill. */
export function allocatePart(
  kind: string,
  length: number,
): { part: BinaryPart; bytes: Uint8Array } {
  if (kind === "SharedArrayBuffer") {
    const shared = new SharedArrayBuffer(length);
    return { part: shared, bytes: new Uint8Array(shared) };
  }
  const buffer = new ArrayBuffer(length);
  const bytes = new Uint8Array(buffer);
  if (kind === "ArrayBuffer") return { part: buffer, bytes };
  if (!VIEWS.includes(kind)) throw new TypeError(`unknown binary part kind ${kind}`);
  const View = (globalThis as unknown as Record<string, ViewConstructor>)[kind];
  if (typeof View !== "function") {
    throw new TypeError(`this runtime has no ${kind} to receive a binary part into`);
  }
  if (length % (View.BYTES_PER_ELEMENT ?? 1) !== 0) {
    throw new TypeError(`${length} bytes are not a whole number of ${kind} elements`);
  }
  return { part: new View(buffer), bytes };
}
