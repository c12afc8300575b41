/**
 * One copy for every worker: the typed arrays of a pushed `immutable`, moved
 * into `SharedArrayBuffer`s that the workers of a thread transport view
 * instead of receiving a copy each.
 *
 * @module
 */
import type { BinaryPart, Encoded } from "./codec.ts";
import { isShared } from "./walk.ts";

/**
 * A copy of `encoded` whose typed-array and `DataView` parts live in
 * `SharedArrayBuffer`s: each part is copied once, here; sending the result to
 * any number of workers copies nothing more. `ArrayBuffer` parts stay as they
 * are (a worker must see the `ArrayBuffer` it was given, not a
 * `SharedArrayBuffer`); parts already shared are kept. Without
 * `SharedArrayBuffer` (a page without cross-origin isolation) `encoded` is
 * returned unchanged.
 *
 * @param encoded An encoded value.
 * @returns The same value with shared binary parts.
 *
 * @example
 * ```ts
 * import { shareParts } from "./share.ts";
 * import assert from "node:assert/strict";
 *
 * const shared = shareParts({ s: 1, j: "{}", b: [new Float64Array([1, 2])] });
 * const part = shared.b[0] as Float64Array;
 * assert.ok(part.buffer instanceof SharedArrayBuffer);
 * assert.deepEqual([...part], [1, 2]);
 * ```
 */
export function shareParts(encoded: Encoded): Encoded {
  if (typeof SharedArrayBuffer !== "function") return encoded;
  return { ...encoded, b: encoded.b.map(sharePart) };
}

function sharePart(part: BinaryPart): BinaryPart {
  if (!ArrayBuffer.isView(part) || isShared(part.buffer)) return part;
  const shared = new SharedArrayBuffer(part.byteLength);
  new Uint8Array(shared).set(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
  if (part instanceof DataView) return new DataView(shared);
  // The kind a structured clone would give (a Node `Buffer` arrives as a Uint8Array).
  const kind = (part as unknown as { [Symbol.toStringTag]: string })[Symbol.toStringTag];
  const Kind = (globalThis as unknown as Record<string, new (b: SharedArrayBuffer) => BinaryPart>)[
    kind
  ];
  return new Kind(shared);
}
