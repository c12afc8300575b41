import { createPool } from "../mod.ts";
import { runConformance } from "./conformance.ts";

runConformance({
  name: "deno-worker",
  createPool: (options) => createPool({ ...options, adapter: "deno-worker" }),
});
