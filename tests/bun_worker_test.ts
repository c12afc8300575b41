import { createPool } from "../mod.ts";
import { runConformance } from "./conformance.ts";

runConformance({
  name: "bun-worker",
  createPool: (options) => createPool({ ...options, adapter: "bun-worker" }),
});
