import { test } from "node:test";
import assert from "node:assert/strict";
import { createPool } from "../mod.ts";
import { runConformance } from "../testing/conformance.ts";

runConformance({
  name: "deno-worker",
  createPool: (options) => createPool({ ...options, adapter: "deno-worker" }),
});

test("createPool() without an adapter runs on deno-worker under Deno", async () => {
  await using pool = await createPool({ workers: 2 });
  assert.equal(pool.adapter, "deno-worker");
  assert.equal(pool.size, 2);
});
