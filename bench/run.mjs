// `npm run bench [-- --json|--both] [--quick] [--runtime=deno|bun|node] [--default-alloc]`: runs
// bench/main.ts under Deno, then under Bun, then bench/node_bench.mjs under Node (one at a time:
// the machine has 2 cores), passing
// --json, --both and --quick through. Each runtime prints one markdown table, or with --json one line
// of JSON, to stdout; progress goes to stderr.
//
// Allocators: unless --default-alloc is given, each runtime's allocator is told to keep freed
// memory (Deno: glibc, Bun: mimalloc). Otherwise an 8 MiB message sometimes lands on memory
// just given back to the OS and pays for page faults (25-100 ms instead of 3 ms on a shared
// VM), at random on the baseline's side or on cohort's. The setting applies to both alike.
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const only = args.find((a) => a.startsWith("--runtime="))?.slice("--runtime=".length);
const tuned = !args.includes("--default-alloc");
const pass = args.filter((a) => !a.startsWith("--runtime=") && a !== "--default-alloc");
const json = pass.includes("--json");
const limitMs = (pass.includes("--quick") ? 3 : 15) * 60_000;
const KEEP_FREED = {
  deno: {
    GLIBC_TUNABLES: "glibc.malloc.trim_threshold=4294967296:glibc.malloc.mmap_threshold=33554432",
  },
  bun: { MIMALLOC_PURGE_DELAY: "-1" },
};
const runtimes = [
  ["deno", "node_modules/.bin/deno", ["run", "-A", "--v8-flags=--expose-gc", "bench/main.ts"]],
  ["bun", "node_modules/.bin/bun", ["bench/main.ts"]],
  // Node: cohort on node-worker (the built package) against piscina and tinypool, raw postMessage.
  ["node", process.execPath, ["bench/node_bench.mjs"]],
].filter(([name]) => !only || name === only);

function run([name, bin, base]) {
  return new Promise((resolve) => {
    const child = spawn(bin, [...base, ...pass], {
      cwd: root,
      env: { ...process.env, ...(tuned ? KEEP_FREED[name] : {}) },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let printed = false;
    child.stdout.on("data", (chunk) => {
      printed = true;
      process.stdout.write(chunk);
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), limitMs);
    const fail = (why) => {
      if (json) console.log(JSON.stringify({ runtime: name, error: why }));
      else console.log(`### ${name}\n\nthe suite failed: ${why}`);
      resolve(false);
    };
    child.on("error", (e) => (clearTimeout(timer), fail(`cannot start ${bin}: ${e.message}`)));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && printed) resolve(true);
      else fail(signal ? `killed by ${signal} (limit ${limitMs / 1000} s)` : `exit code ${code}`);
    });
  });
}

let ok = true;
for (const [i, r] of runtimes.entries()) {
  if (i > 0 && !json) console.log();
  ok = (await run(r)) && ok;
}
process.exitCode = ok ? 0 : 1;
