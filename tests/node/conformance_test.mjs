// The conformance suite under `node --test`, against the built package (`npm run build`), imported
// by its published name as a user would: on the in-process adapter and on node-worker.
import { createPool } from "@cohort/core";
import { runConformance } from "@cohort/core/testing";
import { nodeWorker } from "@cohort/core/adapters/node-worker";

runConformance({
  name: "in-process",
  createPool: (options) => createPool({ ...options, adapter: "in-process" }),
});

runConformance({
  name: "node-worker",
  createPool: (options) => createPool({ ...options, adapter: nodeWorker }),
});
