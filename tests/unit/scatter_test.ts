// scatterChunks(): whole rows per worker, the array kind kept, copy: false consuming the source.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { scatterChunks } from "../../src/scatter.ts";

const values = (chunks: { value: unknown }[]) =>
  chunks.map((c) => Array.from(c.value as ArrayLike<unknown>));

describe("scatter", () => {
  test("rows: chunks of whole rows, as chunkRanges splits the rows", () => {
    const source = Float32Array.from({ length: 7 * 3 }, (_, i) => i);
    const chunks = scatterChunks(source, 4, { rowLength: 3 }, "array");
    assert.deepEqual(chunks.map((c) => (c.value as Float32Array).length), [6, 6, 6, 3]);
    assert.ok(chunks.every((c) => c.value instanceof Float32Array));
    assert.deepEqual(values(chunks).flat(), Array.from(source));
    assert.ok(chunks.every((c) => c.transfer.length === 0), "copy: true transfers nothing");
    assert.equal(source.length, 21, "the source is intact");
  });

  test("a plain array is sliced like a list; an empty one gives empty chunks", () => {
    const chunks = scatterChunks(["a", "b", "c", "d", "e", "f"], 4, { rowLength: 2 }, "array");
    assert.deepEqual(values(chunks), [["a", "b"], ["c", "d"], ["e", "f"], []]);
    assert.deepEqual(values(scatterChunks([], 3, {}, "array")), [[], [], []]);
  });

  test("copy: false detaches the source and transfers one fresh buffer per chunk", () => {
    const source = Float64Array.from({ length: 10 }, (_, i) => i + 1);
    const chunks = scatterChunks(source, 4, { copy: false }, "array");
    assert.equal(source.byteLength, 0, "the source is detached");
    assert.equal(source.length, 0);
    assert.deepEqual(values(chunks), [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
    for (const c of chunks) {
      const v = c.value as Float64Array;
      assert.ok(v instanceof Float64Array);
      assert.deepEqual(c.transfer, [v.buffer], "the chunk's own buffer is transferable");
      assert.equal(v.byteOffset, 0);
      assert.equal(v.buffer.byteLength, v.byteLength, "no more memory than the chunk");
    }
  });

  test("copy: false on a view with an offset takes only the view's rows", () => {
    const buffer = new Int32Array([-1, 1, 2, 3, 4, -1]).buffer;
    const view = new Int32Array(buffer, 4, 4);
    const chunks = scatterChunks(view, 2, { copy: false }, "array");
    assert.deepEqual(values(chunks), [[1, 2], [3, 4]]);
    assert.equal(buffer.byteLength, 0, "the whole source buffer is detached");
  });

  test("a SharedArrayBuffer view is shared, never copied or detached", {
    skip: typeof SharedArrayBuffer === "undefined" ? "no SharedArrayBuffer" : false,
  }, () => {
    const shared = new Float64Array(new SharedArrayBuffer(32)).fill(2);
    const chunks = scatterChunks(shared, 2, { copy: false }, "array");
    assert.equal(shared.length, 4);
    assert.ok(chunks.every((c) => (c.value as Float64Array).buffer === shared.buffer));
  });

  test("bad arguments are refused with errors naming them", () => {
    const refuses = (f: () => unknown, type: ErrorConstructor, message: RegExp) =>
      assert.throws(f, (e: Error) => {
        assert.ok(e instanceof type, `${e.name}: ${e.message}`);
        assert.match(e.message, message);
        return true;
      });
    refuses(
      () => scatterChunks({}, 2, {}, "array"),
      TypeError,
      /^'array' must be a typed array or an array, got Object$/,
    );
    refuses(() => scatterChunks(null, 2, {}, "array"), TypeError, /got null$/);
    refuses(
      () => scatterChunks(new DataView(new ArrayBuffer(4)), 2, {}, "array"),
      TypeError,
      /got DataView/,
    );
    refuses(
      () => scatterChunks(new Float64Array(10), 2, { rowLength: 3 }, "array"),
      RangeError,
      /^'array' has 10 elements, which is not a multiple of 'options\.rowLength' \(3\)$/,
    );
    for (const rowLength of [0, -1, 1.5, NaN]) {
      refuses(
        () => scatterChunks(new Float64Array(4), 2, { rowLength }, "array"),
        RangeError,
        /^'options\.rowLength' must be a positive integer/,
      );
    }
    refuses(
      () => scatterChunks([1], 2, { copy: "no" as never }, "array"),
      TypeError,
      /^'options\.copy' must be a boolean, got "no"$/,
    );
    refuses(
      () => scatterChunks([1], 2, null as never, "array"),
      TypeError,
      /^'options' must be an object/,
    );
  });
});
