/**
 * The benchmark suite for one runtime: `deno run -A bench/main.ts` or
 * `bun bench/main.ts` (`npm run bench` runs both). Prints a markdown table,
 * or with `--json` one line of JSON, or with `--both` the table and then the
 * JSON; `--quick` runs fewer rounds.
 *
 * @module
 */
import { loadavg } from "node:os";
import { env } from "node:process";
import {
  applyCase,
  closeFixture,
  cpuCase,
  type Fixture,
  imbalancedCase,
  MAP_ITEMS,
  mapCase,
  mapVersusCase,
  openFixture,
  pickAdapter,
  pushCase,
  repushCase,
  type Setup,
  startupCase,
} from "./cohort_cases.ts";
import { natsCase } from "./nats_case.ts";
import {
  PEER_WARM_ITEMS,
  type PeerName,
  type PeerPool,
  peerRate,
  runAll,
  startPeer,
} from "./peers.ts";
import { pushImmutableCase } from "./push_cases.ts";
import { deadline, progress, round3, type Rounds } from "./stats.ts";
import { ordered, type Results, table } from "./table.ts";

declare const Deno: { args: string[]; version: { deno: string }; exit(code: number): never };
declare const Bun: { version: string };
declare const process: { argv: string[]; exit(code: number): never };

const isDeno = typeof Deno !== "undefined" && !("Bun" in globalThis);
const runtime = isDeno ? "deno" : "bun";
const args = isDeno ? Deno.args : process.argv.slice(2);
const json = args.includes("--json");
const quick = args.includes("--quick");
/** `--both`: the table, then the JSON line in a fenced block (for docs/performance.md). */
const both = args.includes("--both");

const r = (rounds: number, warmup: number): Rounds => ({ rounds, warmup });
const ROUNDS = quick
  ? {
    startup: r(3, 1),
    apply: r(101, 8),
    push: r(15, 3),
    repush: r(5, 2),
    pushImmutable: r(5, 1),
    map: r(3, 2),
    cpu: r(3, 1),
    imbalanced: r(3, 1),
    peers: r(1, 0),
  }
  : {
    startup: r(9, 2),
    apply: r(151, 10),
    push: r(45, 5),
    repush: r(15, 4),
    pushImmutable: r(11, 2),
    map: r(9, 3),
    cpu: r(7, 1),
    imbalanced: r(7, 1),
    peers: r(3, 1),
  };
/** A peer that answers nothing for this long has stalled. */
const STALL_MS = 5_000;
/** How long the NATS case may take. */
const NATS_LIMIT_MS = quick ? 30_000 : 60_000;

const out: Results = {
  runtime,
  runtime_version: isDeno ? Deno.version.deno : Bun.version,
  quick,
  load_avg_before: round3(loadavg()[0]),
  // Set by bench/run.mjs unless --default-alloc: allocators keep freed memory.
  alloc_tuned: env.GLIBC_TUNABLES !== undefined || env.MIMALLOC_PURGE_DELAY !== undefined,
};

/** Runs one case; on failure sets its keys to null and `<reason>_reason`. */
async function attempt(
  keys: string[],
  reason: string,
  body: () => Promise<Record<string, number | null>>,
): Promise<void> {
  progress(`${runtime}: ${reason}`);
  try {
    const figures = await body();
    for (const k of keys) out[k] = figures[k] === null ? null : round3(figures[k] as number);
  } catch (e) {
    for (const k of keys) out[k] = null;
    out[`${reason}_reason`] = (e as Error)?.message ?? String(e);
  }
}

const setup: Setup = await pickAdapter(runtime);
out.adapter = setup.adapter;
if (setup.reason) out.adapter_reason = setup.reason;

await attempt(["startup_ms", "raw_spawn_ms", "startup_ratio"], "startup", async () => {
  const [raw, startup, ratio] = await startupCase(setup, ROUNDS.startup);
  return { startup_ms: startup, raw_spawn_ms: raw, startup_ratio: ratio };
});

let fixture: Fixture | null = null;
try {
  fixture = await openFixture(setup);
} catch (e) {
  progress(`${runtime}: cannot open the pools: ${(e as Error)?.message ?? e}`);
}
const f = (): Fixture => {
  if (!fixture) throw new Error("the pools could not be started");
  return fixture;
};

await attempt(["apply_us", "raw_roundtrip_us", "apply_ratio"], "apply", async () => {
  // Interleaved blocks; the ratio is the median of the per-round ratios.
  const [raw, apply, ratio] = await applyCase(f(), ROUNDS.apply);
  return { apply_us: apply, raw_roundtrip_us: raw, apply_ratio: ratio };
});
await attempt(["push_8mib_ms", "raw_clone_8mib_ms", "push_ratio"], "push", async () => {
  const [raw, push, ratio] = await pushCase(f(), ROUNDS.push);
  return { push_8mib_ms: push, raw_clone_8mib_ms: raw, push_ratio: ratio };
});
await attempt(["repush_immutable_ms", "repush_ratio"], "repush", async () => {
  const ms = await repushCase(f(), ROUNDS.repush);
  const apply = out.apply_us as number | null;
  if (apply === null) throw new Error("no apply_us to compare with");
  return { repush_immutable_ms: ms, repush_ratio: (ms * 1000) / apply };
});
await attempt(
  ["push_immutable_8_workers_ms", "clone_64mib_ms", "push_immutable_8_workers_ratio"],
  "push_immutable",
  async () => {
    const p = await pushImmutableCase(setup.adapter, ROUNDS.pushImmutable);
    out.push_immutable_rss_mib = round3(p.rssPerWorkerMib);
    return {
      push_immutable_8_workers_ms: p.pushMs,
      clone_64mib_ms: p.cloneMs,
      push_immutable_8_workers_ratio: p.ratio,
    };
  },
);
// map against piscina in the same rounds (ABAB); map alone if piscina cannot run.
await attempt(["map_items_per_s", "piscina_tasks_per_s", "map_vs_piscina"], "map", async () => {
  let piscina: PeerPool | null = null;
  const items = Array.from({ length: MAP_ITEMS }, (_, i) => i);
  try {
    piscina = await startPeer("piscina");
    await runAll("piscina", piscina, items.slice(0, PEER_WARM_ITEMS), STALL_MS);
  } catch (e) {
    out.piscina_reason = (e as Error)?.message ?? String(e);
    const rate = await mapCase(f(), ROUNDS.map);
    return { map_items_per_s: rate, piscina_tasks_per_s: null, map_vs_piscina: null };
  }
  try {
    const run = (xs: readonly number[]) => runAll("piscina", piscina!, xs, STALL_MS);
    const [cohort, peer, speedup] = await mapVersusCase(f(), ROUNDS.map, run);
    return { map_items_per_s: cohort, piscina_tasks_per_s: peer, map_vs_piscina: speedup };
  } finally {
    await deadline(piscina.destroy(), 5_000, "piscina.destroy()").catch(() => {});
  }
});
const serialOnly = setup.adapter === "in-process"
  ? () => {
    throw new Error("the in-process stand-in runs in one thread: no parallel speedup to measure");
  }
  : () => {};
await attempt(["cpu_speedup", "cpu_serial_ms", "cpu_parallel_ms"], "cpu", async () => {
  serialOnly();
  const [serial, parallel] = await cpuCase(f(), ROUNDS.cpu); // medians of each
  return { cpu_speedup: serial / parallel, cpu_serial_ms: serial, cpu_parallel_ms: parallel };
});
await attempt(
  [
    "imbalanced_speedup",
    "imbalanced_contiguous_speedup",
    "imbalanced_serial_ms",
    "imbalanced_parallel_ms",
  ],
  "imbalanced",
  async () => {
    serialOnly();
    const [serial, balanced, contiguous] = await imbalancedCase(f(), ROUNDS.imbalanced);
    return {
      imbalanced_speedup: serial / balanced,
      imbalanced_contiguous_speedup: serial / contiguous,
      imbalanced_serial_ms: serial,
      imbalanced_parallel_ms: balanced,
    };
  },
);
if (fixture) await closeFixture(fixture);

// The peers run last: a peer that stalls may leave threads behind.
const items = Array.from({ length: MAP_ITEMS }, (_, i) => i);
for (const peer of ["poolifier", "tinypool"] as PeerName[]) {
  await attempt([`${peer}_tasks_per_s`], peer, async () => ({
    [`${peer}_tasks_per_s`]: await peerRate(peer, items, ROUNDS.peers, STALL_MS),
  }));
}
if (out.map_vs_piscina === null && !out.piscina_reason && out.map_reason) {
  out.map_vs_piscina_reason = out.map_reason;
}

progress(`${runtime}: nats`);
Object.assign(out, await natsCase(NATS_LIMIT_MS));

out.load_avg_after = round3(loadavg()[0]);
if (json) console.log(JSON.stringify(ordered(out)));
else if (both) console.log(`${table(out)}\n\n\`\`\`json\n${JSON.stringify(ordered(out))}\n\`\`\``);
else console.log(table(out));
// Stalled peers may hold threads open; the results are out, so end here.
if (isDeno) Deno.exit(0);
else process.exit(0);
