/**
 * Monte Carlo estimate of π with a live running mean, stopping at a target
 * standard error: `imap` over an endless generator of batches, each seeded by
 * `itemSeed`, so the numbers are the same on 1 worker or 16.
 *
 * ```sh
 * deno run -A examples/monte_carlo/main.ts --workers 4 --target 1e-4
 * deno run -A examples/monte_carlo/main.ts --items 1000000 --batch 1   # memory stays flat
 * ```
 *
 * @module
 */
import process from "node:process";
import { parseArgs } from "node:util";
import { createPool } from "../../mod.ts";
import { tasks } from "./tasks.ts";

const { values } = parseArgs({
  args: process.argv.slice(2),
  options: {
    workers: { type: "string" },
    seed: { type: "string", default: "2026" },
    batch: { type: "string", default: "20000" },
    target: { type: "string", default: "2e-4" },
    items: { type: "string" },
    chunk: { type: "string", default: "8" },
  },
});
const batch = Number(values.batch);
const target = Number(values.target);
const limit = values.items === undefined ? Infinity : Number(values.items);

/** Batch indices 0, 1, 2, ... for ever: imap reads only as many as it needs. */
function* batches(): Generator<number> {
  for (let i = 0;; i++) yield i;
}

const mib = () => process.memoryUsage().rss / 2 ** 20;
await using pool = await createPool({
  workers: values.workers === undefined ? undefined : Number(values.workers),
  seed: Number(values.seed),
});
const stream = pool.with({ chunkSize: Number(values.chunk) });
let n = 0, sum = 0, sumSquares = 0;
const rssBefore = mib();
let estimate = NaN, error = Infinity;
const started = performance.now();
for await (const hits of stream.imap(tasks.quarterDisc, [batches()], batch)) {
  const p = 4 * hits / batch; // one batch's estimate of π
  n++;
  sum += p;
  sumSquares += p * p;
  estimate = sum / n;
  error = n > 1 ? Math.sqrt((sumSquares / n - estimate * estimate) / (n - 1)) : Infinity;
  if (n % 50 === 0 && process.stderr.isTTY) {
    process.stderr.write(`\r${n} batches: π ≈ ${estimate.toFixed(6)} ± ${error.toExponential(2)}`);
  }
  if (n >= limit || (values.items === undefined && error < target)) break;
}
if (process.stderr.isTTY) process.stderr.write("\r\x1b[2K");
const seconds = (performance.now() - started) / 1000;
console.log(`workers ${pool.size}, seed ${values.seed}, ${batch} points per batch`);
console.log(`batches ${n}, π ≈ ${estimate.toFixed(10)} ± ${error.toExponential(3)}`);
console.log(`|π̂ − π| = ${Math.abs(estimate - Math.PI).toExponential(3)}`);
console.error(
  `(${seconds.toFixed(2)} s; RSS ${rssBefore.toFixed(0)} MiB before, ${
    mib().toFixed(0)
  } MiB after)`,
);
