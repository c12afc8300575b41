// The node-worker adapter from source under `deno test` and `bun test` (both implement
// node:worker_threads); under Node, tests/node/ runs it from the built package.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createPool } from "../mod.ts";
import { runConformance } from "../testing/conformance.ts";
import { nodeWorker } from "../adapters/node_worker/node.ts";

runConformance({
  name: "node-worker",
  createPool: (options) => createPool({ ...options, adapter: nodeWorker }),
});

test("createPool({ adapter: nodeWorker }) runs on worker threads", async () => {
  await using pool = await createPool({ adapter: nodeWorker, workers: 2 });
  assert.equal(pool.adapter, "node-worker");
  assert.equal(pool.size, 2);
});
