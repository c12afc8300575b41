import { test } from "node:test";
import assert from "node:assert/strict";
import { createPool } from "../mod.ts";
import { runConformance } from "../testing/conformance.ts";

runConformance({
  name: "bun-worker",
  createPool: (options) => createPool({ ...options, adapter: "bun-worker" }),
});

test("createPool() without an adapter runs on bun-worker under Bun", async () => {
  await using pool = await createPool({ workers: 2 });
  assert.equal(pool.adapter, "bun-worker");
  assert.equal(pool.size, 2);
});
