// Chunk arithmetic: pyMOR's split (chunkRanges) and load-balancing chunks (fixedChunks).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { chunkRanges, fixedChunks, type Range } from "../../src/chunks.ts";

const sizes = (ranges: Range[]) => ranges.map((r) => r.end - r.start);

/** The ranges tile [0, n) in order, without gaps or overlap. */
function assertTiles(ranges: Range[], n: number): void {
  let at = 0;
  for (const r of ranges) {
    assert.equal(r.start, Math.min(at, n), JSON.stringify(ranges));
    assert.ok(r.end >= r.start);
    at = r.end;
  }
  assert.equal(at, n);
}

describe("chunks", () => {
  test("chunkRanges() splits into size chunks of ceil(n / size) items", () => {
    assert.deepEqual(sizes(chunkRanges(0, 4)), [0, 0, 0, 0]);
    assert.deepEqual(sizes(chunkRanges(1, 4)), [1, 0, 0, 0]);
    assert.deepEqual(sizes(chunkRanges(2, 4)), [1, 1, 0, 0]);
    assert.deepEqual(sizes(chunkRanges(5, 4)), [2, 2, 1, 0]);
    assert.deepEqual(sizes(chunkRanges(10, 4)), [3, 3, 3, 1]);
    assert.deepEqual(sizes(chunkRanges(13, 4)), [4, 4, 4, 1]);
    assert.deepEqual(chunkRanges(5, 4), [
      { start: 0, end: 2 },
      { start: 2, end: 4 },
      { start: 4, end: 5 },
      { start: 5, end: 5 },
    ]);
  });

  test("chunkRanges() gives exactly `parts` ranges tiling [0, n) for every n and parts", () => {
    for (let parts = 1; parts <= 9; parts++) {
      for (let n = 0; n <= 40; n++) {
        const ranges = chunkRanges(n, parts);
        assert.equal(ranges.length, parts);
        assertTiles(ranges, n);
        const per = Math.ceil(n / parts);
        assert.ok(sizes(ranges).every((s) => s <= per), `${n} on ${parts}`);
      }
    }
  });

  test("fixedChunks() cuts chunks of chunkSize, the last one shorter, none empty", () => {
    assert.deepEqual(fixedChunks(0, 3), []);
    assert.deepEqual(sizes(fixedChunks(7, 3)), [3, 3, 1]);
    assert.deepEqual(sizes(fixedChunks(6, 3)), [3, 3]);
    assert.deepEqual(sizes(fixedChunks(2, 5)), [2]);
    assert.deepEqual(fixedChunks(5, 2), [
      { start: 0, end: 2 },
      { start: 2, end: 4 },
      { start: 4, end: 5 },
    ]);
    for (let size = 1; size <= 7; size++) {
      for (let n = 0; n <= 30; n++) {
        const ranges = fixedChunks(n, size);
        assert.equal(ranges.length, Math.ceil(n / size));
        assertTiles(ranges, n);
        assert.ok(sizes(ranges).every((s) => s > 0 && s <= size));
      }
    }
  });
});
