/// <reference lib="dom" />
/**
 * The thermal-block demo page: reads the form, runs the weak greedy and a validation on a pool
 * of Web Workers, draws the error decay as it goes, and fills the results table. With
 * "compare" checked it runs the same computation on one worker for the speedup.
 *
 * The page's state is in `#demo[data-state]` (`idle`, `running`, `done`, `error`), so that a
 * test can wait for it. Form fields can be preset by query parameters (`?grid=20&run`).
 *
 * @module
 */

import { createPool, immutable } from "../../mod.ts";
import { webWorker } from "../../adapters/web_worker/browser.ts";
import { type GreedyResult, weakGreedy } from "../thermal_block/greedy.ts";
import { buildModel, type ThermalBlockModel } from "../thermal_block/model.ts";
import { sampleParameters } from "../thermal_block/parameters.ts";
import { errorDecaySvg } from "../thermal_block/plot.ts";
import { validate, type ValidationSummary } from "../thermal_block/validation.ts";

interface Params {
  grid: number;
  blocks: number;
  train: number;
  test: number;
  tol: number;
  workers: number;
  compare: boolean;
}

interface Run {
  workers: number;
  greedy: GreedyResult;
  validation: ValidationSummary;
  startMs: number;
  greedyMs: number;
  wallMs: number;
}

const $ = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const main = $<HTMLElement>("demo");
const form = $<HTMLFormElement>("params");
const progress = $<HTMLProgressElement>("progress");
const status = $<HTMLParagraphElement>("status");
const plot = $<HTMLDivElement>("plot");
const cores = Math.max(1, navigator.hardwareConcurrency || 1);

$<HTMLInputElement>("workers").placeholder = String(cores);
$<HTMLElement>("env").textContent = `${cores} logical cores · cross-origin isolated: ` +
  `${globalThis.crossOriginIsolated ? "yes" : "no"} · ${navigator.userAgent}`;

function readParams(): Params {
  const num = (id: string): number => Number($<HTMLInputElement>(id).value);
  const workers = $<HTMLInputElement>("workers").value;
  const p: Params = {
    grid: num("grid"),
    blocks: num("blocks"),
    train: num("train"),
    test: num("test"),
    tol: num("tol"),
    workers: workers === "" ? cores : Number(workers),
    compare: $<HTMLInputElement>("compare").checked,
  };
  for (const key of ["grid", "blocks", "train", "test", "workers"] as const) {
    if (!Number.isInteger(p[key]) || p[key] < 1) {
      throw new RangeError(`${key} must be a positive integer`);
    }
  }
  if (p.grid < 4) throw new RangeError("grid must be at least 4");
  if (!(p.tol > 0)) throw new RangeError("tolerance must be a positive number");
  return p;
}

function show(fraction: number, text: string): void {
  progress.value = Math.min(Math.max(fraction, 0), 1);
  status.textContent = text;
}

function drawPlot(estimates: number[], p: Params, validationMaxError?: number): void {
  plot.innerHTML = errorDecaySvg({
    maxEstimates: estimates,
    tol: p.tol,
    validationMaxError,
    title: `Thermal block ${p.blocks}×${p.blocks}, grid ${p.grid}: greedy error decay`,
  });
  const last = estimates[estimates.length - 1];
  plot.setAttribute(
    "aria-label",
    `Error decay: ${estimates.length} greedy steps, largest estimate from ` +
      `${estimates[0].toExponential(2)} down to ${last.toExponential(2)}`,
  );
}

/** One run on a new pool of `workers` web workers; `live` draws the plot as it goes. */
async function runOnce(
  model: ThermalBlockModel,
  training: number[][],
  test: number[][],
  p: Params,
  workers: number,
  live: boolean,
): Promise<Run> {
  const tag = `${workers} worker${workers === 1 ? "" : "s"}`;
  show(0, `${tag}: starting workers…`);
  let t0 = performance.now();
  const pool = await createPool({ adapter: webWorker, workers });
  const startMs = performance.now() - t0;
  try {
    t0 = performance.now();
    const remoteModel = await pool.push(immutable(model));
    const estimates: number[] = [];
    const maxBasisSize = 50;
    const greedy = await weakGreedy(pool, model, remoteModel, training, {
      tol: p.tol,
      maxBasisSize,
      onStep(step) {
        estimates.push(step.maxEstimate);
        // On a log scale from the first estimate down to the tolerance, as the Deno demo.
        const span = Math.log(estimates[0] / p.tol);
        const f = span > 0 ? Math.log(estimates[0] / step.maxEstimate) / span : 1;
        show(
          0.9 * Math.max(f, step.dim / maxBasisSize),
          `${tag}: greedy N=${step.dim}, max estimate ${step.maxEstimate.toExponential(2)}`,
        );
        if (live) drawPlot(estimates, p);
      },
    });
    const greedyMs = performance.now() - t0;
    const validation = await validate(
      pool,
      remoteModel,
      greedy.rom,
      greedy.basis,
      test,
      (done, total) => show(0.9 + 0.1 * done / total, `${tag}: validation ${done}/${total}`),
    );
    await remoteModel.remove();
    const wallMs = performance.now() - t0;
    if (live) drawPlot(estimates, p, validation.maxError);
    return { workers: pool.size, greedy, validation, startMs, greedyMs, wallMs };
  } finally {
    await pool.close();
  }
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const sci = (x: number): string => x.toExponential(2);

function sameNumbers(a: Run, b: Run): boolean {
  const flat = (r: Run): number[] => [
    ...r.greedy.selected,
    ...r.greedy.steps.flatMap((s) => [s.dim, s.maxEstimate]),
    ...r.validation.points.flatMap((q) => [q.error, q.estimate]),
  ];
  const x = flat(a), y = flat(b);
  return x.length === y.length && x.every((v, i) => Object.is(v, y[i]));
}

function fillTable(run: Run, p: Params, model: ThermalBlockModel, baseline?: Run): void {
  const { greedy, validation: v } = run;
  const last = greedy.steps[greedy.steps.length - 1];
  const reason = {
    "tolerance": `estimate ≤ tol ${p.tol}`,
    "max-size": "size limit",
    "dependent-snapshot": "snapshot already in span",
  }[greedy.reason];
  const rows: [string, string, string][] = [
    ["model", "Model", `${p.grid}×${p.grid} grid, ${model.size} unknowns, ${p.blocks ** 2} blocks`],
    ["basis-size", "Basis size", `${greedy.rom.dim} (${reason})`],
    ["max-estimate", "Largest estimate (training)", sci(last.maxEstimate)],
    ["max-error", `Validation max error (${v.points.length} μ)`, sci(v.maxError)],
    ["validation-max-estimate", "Validation max estimate", sci(v.maxEstimate)],
    [
      "effectivity",
      "Effectivity mean / min",
      `${v.meanEffectivity.toFixed(2)} / ${v.minEffectivity.toFixed(2)}`,
    ],
    ["full-solve", "Full solve (CG)", `${v.fullMs.toFixed(2)} ms`],
    ["reduced-solve", "Reduced solve + estimate", `${(v.reducedMs * 1000).toFixed(1)} µs`],
    ["greedy-time", `Greedy, ${run.workers} workers`, seconds(run.greedyMs)],
    [
      "wall-time",
      `Wall time, ${run.workers} workers`,
      `${seconds(run.wallMs)} (+ ${seconds(run.startMs)} start)`,
    ],
  ];
  if (baseline) {
    rows.push(
      ["baseline-time", "Wall time, 1 worker", seconds(baseline.wallMs)],
      ["speedup", "Speedup over one worker", `${(baseline.wallMs / run.wallMs).toFixed(2)}×`],
      ["identical", "Results identical", sameNumbers(run, baseline) ? "yes, bitwise" : "no"],
    );
  }
  const body = $<HTMLTableSectionElement>("results-body");
  body.replaceChildren(...rows.map(([key, label, value]) => {
    const tr = document.createElement("tr");
    tr.dataset.key = key;
    const th = document.createElement("th");
    th.scope = "row";
    th.textContent = label;
    const td = document.createElement("td");
    td.textContent = value;
    tr.append(th, td);
    return tr;
  }));
  $<HTMLTableElement>("results").hidden = false;
}

async function run(): Promise<void> {
  const button = $<HTMLButtonElement>("run");
  const error = $<HTMLParagraphElement>("error");
  error.textContent = "";
  button.disabled = true;
  main.dataset.state = "running";
  try {
    const p = readParams();
    show(0, "building the model…");
    const model = buildModel({ grid: p.grid, blocks: p.blocks });
    const parts = model.parts.length;
    const training = sampleParameters(p.train, parts, 1);
    const test = sampleParameters(p.test, parts, 1 + 0x9e3779b9);
    const result = await runOnce(model, training, test, p, p.workers, true);
    const baseline = p.compare && p.workers > 1
      ? await runOnce(model, training, test, p, 1, false)
      : undefined;
    fillTable(result, p, model, baseline);
    const speed = baseline ? `, ${(baseline.wallMs / result.wallMs).toFixed(2)}× one worker` : "";
    show(1, `Done: basis size ${result.greedy.rom.dim} in ${seconds(result.wallMs)}${speed}.`);
    main.dataset.state = "done";
  } catch (e) {
    error.textContent = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    show(0, "Stopped by an error.");
    main.dataset.state = "error";
  } finally {
    button.disabled = false;
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  void run();
});

const query = new URLSearchParams(location.search);
for (const [key, value] of query) {
  const input = form.elements.namedItem(key);
  if (!(input instanceof HTMLInputElement)) continue;
  if (input.type === "checkbox") input.checked = value !== "0" && value !== "false";
  else input.value = value;
}
if (query.has("run")) void run();
