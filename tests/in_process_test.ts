import { test } from "node:test";
import assert from "node:assert/strict";
import { createPool } from "../mod.ts";
import { runConformance } from "../testing/conformance.ts";

runConformance({
  name: "in-process",
  createPool: (options) => createPool({ ...options, adapter: "in-process" }),
});

test('createPool({ adapter: "in-process" }) names its adapter and size', async () => {
  await using pool = await createPool({ adapter: "in-process", workers: 3 });
  assert.equal(pool.adapter, "in-process");
  assert.equal(pool.size, 3);
});
