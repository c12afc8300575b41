/**
 * The results of one runtime's run: the JSON key order and the markdown
 * table, with each figure's baseline, ratio and target.
 *
 * @module
 */

/** One runtime's results: numbers, `null` where a case could not run, and reasons. */
export type Results = Record<string, string | number | boolean | null>;

/** The keys of issue 4, in the order the JSON line lists them. */
export const KEYS: readonly string[] = [
  "runtime",
  "runtime_version",
  "quick",
  "adapter",
  "apply_us",
  "raw_roundtrip_us",
  "apply_ratio",
  "map_items_per_s",
  "piscina_tasks_per_s",
  "map_vs_piscina",
  "push_8mib_ms",
  "raw_clone_8mib_ms",
  "push_ratio",
  "repush_immutable_ms",
  "repush_ratio",
  "push_immutable_8_workers_ms",
  "clone_64mib_ms",
  "push_immutable_8_workers_ratio",
  "push_immutable_rss_mib",
  "cpu_speedup",
  "imbalanced_speedup",
  "startup_ms",
  "raw_spawn_ms",
  "startup_ratio",
  "tinypool_tasks_per_s",
  "poolifier_tasks_per_s",
  "nats_apply_us",
  "raw_request_us",
  "nats_apply_ratio",
];

/** The targets of issue 4: `max` (at most) or `min` (at least). */
export const TARGETS: Readonly<Record<string, { max?: number; min?: number }>> = {
  apply_ratio: { max: 1.2 },
  map_vs_piscina: { min: 100 },
  push_ratio: { max: 1.3 },
  repush_ratio: { max: 2 },
  push_immutable_8_workers_ratio: { max: 1.5 },
  push_immutable_rss_mib: { max: 5 },
  cpu_speedup: { min: 1.8 },
  imbalanced_speedup: { min: 1.6 },
  startup_ratio: { max: 1.5 },
};

/** The results with the keys first, in order, then the reasons. */
export function ordered(out: Results): Results {
  const sorted: Results = {};
  for (const k of KEYS) sorted[k] = k in out ? out[k] : null;
  for (const k of Object.keys(out)) if (!(k in sorted)) sorted[k] = out[k];
  return sorted;
}

/** The targets missed (or not measured) in `out`. */
export function missed(out: Results): string[] {
  return Object.keys(TARGETS).filter((k) => !meets(k, out[k]));
}

function meets(key: string, value: unknown): boolean {
  const t = TARGETS[key];
  if (typeof value !== "number") return false;
  return (t.max === undefined || value <= t.max) && (t.min === undefined || value >= t.min);
}

const num = (x: unknown, unit = ""): string => {
  if (typeof x !== "number") return "n/a";
  const s = x >= 1e6
    ? `${(x / 1e6).toFixed(2)} M`
    : x >= 1e4
    ? `${(x / 1e3).toFixed(1)} k`
    : x >= 100
    ? x.toFixed(0)
    : x >= 10
    ? x.toFixed(1)
    : x >= 0.01 || x === 0
    ? x.toFixed(x >= 1 ? 2 : 3)
    : x.toPrecision(2);
  return `${s}${unit}`;
};

const target = (key: string): string => {
  const t = TARGETS[key];
  if (!t) return "";
  return t.max !== undefined ? `≤ ${t.max}` : `≥ ${t.min}`;
};

/**
 * The markdown table of one runtime's results.
 *
 * @param out The results.
 * @returns A heading, the table and the reasons for anything missing.
 */
export function table(out: Results): string {
  const row = (
    what: string,
    cohort: string,
    baseline: string,
    ratioKey: string,
    ratio: unknown = out[ratioKey],
  ): string => {
    const verdict = TARGETS[ratioKey] ? (meets(ratioKey, ratio) ? "met" : "**missed**") : "";
    const r = typeof ratio !== "number"
      ? "n/a"
      : ratio >= 100
      ? ratio.toFixed(0)
      : ratio >= 10
      ? ratio.toFixed(1)
      : ratio < 0.01
      ? ratio.toPrecision(2)
      : ratio.toFixed(2);
    return `| ${what} | ${cohort} | ${baseline} | ${r} | ${target(ratioKey)} | ${verdict} |`;
  };
  const cohortRate = out.map_items_per_s as number | null;
  const vs = (key: string): number | null =>
    typeof out[key] === "number" && typeof cohortRate === "number"
      ? cohortRate / (out[key] as number)
      : null;
  const lines = [
    `### ${out.runtime} ${out.runtime_version}: cohort on \`${out.adapter}\`, 2 workers` +
    (out.quick ? " (quick)" : ""),
    "",
    `Load average (1 min) before/after: ${out.load_avg_before} / ${out.load_avg_after}.`,
    "",
    "| case | cohort | baseline (same run) | ratio | target | |",
    "| --- | --- | --- | --- | --- | --- |",
    row(
      "apply() of a no-op",
      num(out.apply_us, " µs"),
      `raw postMessage broadcast + gather: ${num(out.raw_roundtrip_us, " µs")}`,
      "apply_ratio",
    ),
    row(
      "map() of `x + 1` over 100,000 numbers",
      num(out.map_items_per_s, " items/s"),
      `piscina.run per item: ${num(out.piscina_tasks_per_s, " tasks/s")}`,
      "map_vs_piscina",
    ),
    row(
      "push() of an 8 MiB Float64Array",
      num(out.push_8mib_ms, " ms"),
      `raw structured clone to each Worker + ack: ${num(out.raw_clone_8mib_ms, " ms")}`,
      "push_ratio",
    ),
    row(
      "push() of an already pushed 8 MiB immutable",
      num(
        typeof out.repush_immutable_ms === "number" ? out.repush_immutable_ms * 1000 : null,
        " µs",
      ),
      `apply() of a no-op: ${num(out.apply_us, " µs")}`,
      "repush_ratio",
    ),
    row(
      "push() of a 64 MiB immutable to 8 workers",
      num(out.push_immutable_8_workers_ms, " ms"),
      `one structured clone of it: ${num(out.clone_64mib_ms, " ms")}`,
      "push_immutable_8_workers_ratio",
    ),
    row(
      "RSS per extra worker for that push",
      num(out.push_immutable_rss_mib, " MiB"),
      "64 MiB per worker for a copy each",
      "push_immutable_rss_mib",
      typeof out.push_immutable_rss_mib === "number" ? out.push_immutable_rss_mib : null,
    ),
    row(
      "CPU-bound map(), 48 equal items (speedup)",
      num(out.cpu_parallel_ms, " ms"),
      `in-process pool, one thread: ${num(out.cpu_serial_ms, " ms")}`,
      "cpu_speedup",
    ),
    row(
      "CPU-bound mapWith({ chunkSize: 2 }), costs 1:20 (speedup)",
      num(out.imbalanced_parallel_ms, " ms"),
      `in-process pool, one thread: ${num(out.imbalanced_serial_ms, " ms")}`,
      "imbalanced_speedup",
    ),
    row(
      "the same with map()'s default split (speedup)",
      "one chunk per worker",
      "in-process pool, one thread",
      "imbalanced_contiguous_speedup",
    ),
    row(
      "start-up of a pool of 2",
      num(out.startup_ms, " ms"),
      `2 plain Workers ready: ${num(out.raw_spawn_ms, " ms")}`,
      "startup_ratio",
    ),
    row(
      "same map() vs tinypool",
      num(out.map_items_per_s, " items/s"),
      `tinypool.run per item: ${num(out.tinypool_tasks_per_s, " tasks/s")}`,
      "map_vs_tinypool",
      vs("tinypool_tasks_per_s"),
    ),
    row(
      "same map() vs poolifier-web-worker",
      num(out.map_items_per_s, " items/s"),
      `poolifier execute per item: ${num(out.poolifier_tasks_per_s, " tasks/s")}`,
      "map_vs_poolifier",
      vs("poolifier_tasks_per_s"),
    ),
    row(
      "apply() of a no-op over NATS",
      num(out.nats_apply_us, " µs"),
      `raw NATS request: ${num(out.raw_request_us, " µs")}`,
      "nats_apply_ratio",
    ),
  ];
  const reasons = Object.keys(out).filter((k) => k.endsWith("_reason"));
  if (reasons.length > 0) {
    lines.push("");
    for (const k of reasons) lines.push(`- ${k.replace(/_reason$/, "")}: ${out[k]}`);
  }
  return lines.join("\n");
}
