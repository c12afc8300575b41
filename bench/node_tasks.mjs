// The cohort tasks of the Node bench (node_bench.mjs), from the built package as a Node user writes them.
import { defineTasks } from "@cohort/core";

export const tasks = defineTasks(import.meta.url, {
  noop() {},
  inc: (x) => x + 1,
});
