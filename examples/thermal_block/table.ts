/**
 * The demo's final table: greedy steps, validation and timings.
 *
 * @module
 */

import type { RunResult } from "./run.ts";

/**
 * Formats the results of a run, compared with an in-process baseline when given.
 *
 * @param run The run on the chosen pool.
 * @param training The training set (to show the selected parameters).
 * @param tol The greedy tolerance.
 * @param baseline The same computation on the in-process pool.
 * @param identical Whether both runs computed bitwise identical numbers.
 * @returns The table as text.
 */
export function formatTable(
  run: RunResult,
  training: number[][],
  tol: number,
  baseline?: RunResult,
  identical?: boolean,
): string {
  const { greedy, validation: v } = run;
  const lines = [
    "greedy steps",
    "   N  max estimate  selected μ (training index)",
    ...greedy.steps.map((s, n) => {
      const chosen = greedy.selected[n];
      const mu = chosen === undefined
        ? "(stop)"
        : `(${training[chosen].map((x) => x.toFixed(3)).join(", ")})  #${chosen}`;
      return `  ${String(s.dim).padStart(2)}  ${sci(s.maxEstimate).padEnd(12)}  ${mu}`;
    }),
    "",
  ];
  const reason = {
    "tolerance": `estimate ≤ tol ${tol}`,
    "max-size": "size limit",
    "dependent-snapshot": "snapshot already in span",
  }[greedy.reason];
  const last = greedy.steps[greedy.steps.length - 1];
  const rows: [string, string][] = [
    ["basis size", `${greedy.rom.dim} (${reason})`],
    ["largest estimate (training)", sci(last.maxEstimate)],
    [
      `validation max error (${v.points.length} μ)`,
      `${sci(v.maxError)}  (max estimate ${sci(v.maxEstimate)})`,
    ],
    ["effectivity mean / min", `${v.meanEffectivity.toFixed(2)} / ${v.minEffectivity.toFixed(2)}`],
    ["full solve (CG)", `${v.fullMs.toFixed(2)} ms`],
    [
      "reduced solve + estimate",
      `${(v.reducedMs * 1000).toFixed(1)} µs  (${(v.fullMs / v.reducedMs).toFixed(0)}× faster)`,
    ],
    [`wall time ${run.adapter}×${run.workers}`, seconds(run.wallMs, run.startMs)],
  ];
  if (baseline) {
    rows.push(
      [
        `wall time ${baseline.adapter}×${baseline.workers}`,
        seconds(baseline.wallMs, baseline.startMs),
      ],
      ["speedup", `${(baseline.wallMs / run.wallMs).toFixed(2)}×`],
      ["results identical", identical ? "yes, bitwise" : "NO: the runs differ"],
    );
  }
  const width = Math.max(...rows.map(([k]) => k.length));
  return [...lines, ...rows.map(([k, value]) => `${k.padEnd(width)}  ${value}`)].join("\n");
}

function sci(x: number): string {
  return x.toExponential(2);
}

function seconds(wallMs: number, startMs: number): string {
  return `${(wallMs / 1000).toFixed(2)} s  (+ ${(startMs / 1000).toFixed(2)} s pool start)`;
}
