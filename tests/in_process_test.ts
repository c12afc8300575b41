import { createPool } from "../mod.ts";
import { runConformance } from "./conformance.ts";

runConformance({
  name: "in-process",
  createPool: (options) => createPool({ ...options, adapter: "in-process" }),
});
