// `node bench/node_bench.mjs [--json] [--quick]`: the Node line of the bench, on the built package
// (dist/, rebuilt first without type-checking). In the same run and the same rounds (interleaved, the order
// rotated every round):
// - map: cohort's `map(inc)` over 100,000 numbers on node-worker against piscina and tinypool
//   (one `run` per item, all submitted at once), 2 threads each; the ratio is the peer's time over
//   cohort's, per round, and the figure is the median of those ratios;
// - apply: cohort's `apply(noop)` on 2 workers against a raw worker_threads broadcast-and-gather
//   (one postMessage to each worker, one answer back from each), per call.
// Prints a markdown table, or with --json one line of JSON, to stdout; progress goes to stderr.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { Worker } from "node:worker_threads";

const root = new URL("..", import.meta.url);
const built = spawnSync(process.execPath, [
  new URL("scripts/build.mjs", root).pathname,
  "--no-check",
], {
  stdio: ["ignore", "ignore", "inherit"],
});
if (built.status !== 0 || !existsSync(new URL("dist/mod.js", root))) {
  throw new Error("bench/node_bench.mjs: the build (node scripts/build.mjs) failed");
}
const { createPool } = await import("@cohort/core");
const { nodeWorker } = await import("@cohort/core/adapters/node-worker");
const { tasks } = await import("./node_tasks.mjs");
const { Piscina } = await import("piscina");
const { Tinypool } = await import("tinypool");

const json = process.argv.includes("--json");
const quick = process.argv.includes("--quick");
const WORKERS = 2;
const MAP_ITEMS = 100_000;
const MAP_ROUNDS = quick ? 3 : 7;
const APPLY_ROUNDS = quick ? 41 : 101;
const CALLS = 200; // apply calls per side per round, in blocks
const BLOCK = 20;
const INC = new URL("./node_inc_worker.mjs", import.meta.url).href;

const progress = (line) => console.error(`[bench node] ${line}`);
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const time = async (fn) => {
  const start = performance.now();
  await fn();
  return performance.now() - start;
};

/** Plain worker_threads workers answering each message: the raw apply baseline. */
async function rawWorkers(n) {
  const url = new URL("./node_echo_worker.mjs", import.meta.url);
  const workers = Array.from({ length: n }, () => new Worker(url));
  await Promise.all(workers.map((w) => new Promise((resolve) => w.once("message", resolve))));
  let waiting = 0;
  let done = () => {};
  for (const w of workers) w.on("message", () => --waiting === 0 && done());
  let id = 0;
  return {
    roundtrip() {
      const promise = new Promise((resolve) => (done = resolve));
      waiting = workers.length;
      id++;
      for (const w of workers) w.postMessage({ id });
      return promise;
    },
    terminate: () => Promise.all(workers.map((w) => w.terminate())),
  };
}

const pool = await createPool({
  adapter: nodeWorker,
  workers: WORKERS,
  modules: [tasks.noop.module],
});
const piscina = new Piscina({ filename: INC, minThreads: WORKERS, maxThreads: WORKERS });
const tinypool = new Tinypool({ filename: INC, minThreads: WORKERS, maxThreads: WORKERS });
const raw = await rawWorkers(WORKERS);
const items = Array.from({ length: MAP_ITEMS }, (_, i) => i);

try {
  // map: cohort, piscina and tinypool over the same items, each round in a rotated order.
  const subjects = [
    ["cohort", () => pool.map(tasks.inc, [items])],
    ["piscina", () => Promise.all(items.map((x) => piscina.run(x)))],
    ["tinypool", () => Promise.all(items.map((x) => tinypool.run(x)))],
  ];
  for (const [, run] of subjects) await run(); // warm-up: threads started, JIT
  const ms = { cohort: [], piscina: [], tinypool: [] };
  for (let round = 0; round < MAP_ROUNDS; round++) {
    for (let k = 0; k < subjects.length; k++) {
      const [name, run] = subjects[(round + k) % subjects.length];
      ms[name].push(await time(run));
    }
    progress(
      `map round ${round + 1}/${MAP_ROUNDS}: ` +
        Object.entries(ms).map(([n, xs]) => `${n} ${xs.at(-1).toFixed(0)} ms`).join(", "),
    );
  }
  const ratio = (peer) => median(ms[peer].map((x, i) => x / ms.cohort[i]));
  const rate = (name) => MAP_ITEMS / (median(ms[name]) / 1000);

  // apply: blocks of cohort apply(noop) and raw round trips, alternating which goes first.
  const block = (fn) =>
    time(async () => {
      for (let i = 0; i < BLOCK; i++) await fn();
    });
  const applyRatios = [];
  const applyUs = [];
  const rawUs = [];
  for (let round = -1; round < APPLY_ROUNDS; round++) {
    let a = 0;
    let b = 0;
    for (let done = 0; done < CALLS; done += BLOCK) {
      const rawFirst = (round + done / BLOCK) % 2 === 0;
      if (rawFirst) b += await block(() => raw.roundtrip());
      a += await block(() => pool.apply(tasks.noop));
      if (!rawFirst) b += await block(() => raw.roundtrip());
    }
    if (round < 0) continue; // warm-up round
    applyUs.push((a / CALLS) * 1000);
    rawUs.push((b / CALLS) * 1000);
    applyRatios.push(a / b);
  }
  progress(`apply: ${APPLY_ROUNDS} rounds of ${CALLS} calls each side`);

  const result = {
    runtime: `node ${process.version}`,
    workers: WORKERS,
    map: {
      items: MAP_ITEMS,
      rounds: MAP_ROUNDS,
      itemsPerSecond: {
        cohort: Math.round(rate("cohort")),
        piscina: Math.round(rate("piscina")),
        tinypool: Math.round(rate("tinypool")),
      },
      cohortSpeedup: {
        piscina: +ratio("piscina").toFixed(2),
        tinypool: +ratio("tinypool").toFixed(2),
      },
    },
    apply: {
      rounds: APPLY_ROUNDS,
      cohortUs: +median(applyUs).toFixed(1),
      rawPostMessageUs: +median(rawUs).toFixed(1),
      ratio: +median(applyRatios).toFixed(2),
    },
  };
  if (json) console.log(JSON.stringify(result));
  else {
    const m = result.map;
    const a = result.apply;
    console.log(`### ${result.runtime}: cohort on \`node-worker\`, ${WORKERS} workers\n`);
    console.log("| case | cohort | baseline | ratio (median of per-round ratios) |");
    console.log("| --- | --- | --- | --- |");
    console.log(
      `| map(inc), ${MAP_ITEMS} items vs piscina | ${m.itemsPerSecond.cohort} items/s | ` +
        `${m.itemsPerSecond.piscina} items/s | cohort ${m.cohortSpeedup.piscina}× faster |`,
    );
    console.log(
      `| map(inc), ${MAP_ITEMS} items vs tinypool | ${m.itemsPerSecond.cohort} items/s | ` +
        `${m.itemsPerSecond.tinypool} items/s | cohort ${m.cohortSpeedup.tinypool}× faster |`,
    );
    console.log(
      `| apply(noop) vs raw postMessage broadcast | ${a.cohortUs} µs/call | ` +
        `${a.rawPostMessageUs} µs/call | ${a.ratio}× the raw time |`,
    );
  }
} finally {
  await pool.close();
  await piscina.destroy();
  await tinypool.destroy();
  await raw.terminate();
}
