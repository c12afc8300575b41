import { test } from "node:test";
import assert from "node:assert/strict";
import { assembleOperator, buildModel, nodeCoordinates } from "../examples/thermal_block/model.ts";
import { sampleParameters } from "../examples/thermal_block/parameters.ts";
import { runDemo, type RunResult, sameNumbers } from "../examples/thermal_block/run.ts";
import { solveCg } from "../examples/thermal_block/solver.ts";

/** Max-norm nodal error for u = sin(πx) sin(πy), μ ≡ c, f = 2π²c sin(πx) sin(πy). */
function manufacturedError(grid: number, c: number): number {
  const model = buildModel({ grid, blocks: 2 });
  const h = 1 / grid;
  const exact = (k: number): number => {
    const [x, y] = nodeCoordinates(model, k);
    return Math.sin(Math.PI * x) * Math.sin(Math.PI * y);
  };
  const b = new Float64Array(model.size);
  for (let k = 0; k < model.size; k++) b[k] = h * h * 2 * Math.PI * Math.PI * c * exact(k);
  const a = assembleOperator(model, [c, c, c, c]);
  const { x } = solveCg(a, b, { rtol: 1e-13 });
  let error = 0;
  for (let k = 0; k < model.size; k++) error = Math.max(error, Math.abs(x[k] - exact(k)));
  return error;
}

test("solveCg() on the thermal block operator converges at second order in the max norm", () => {
  const errors = [16, 32, 64].map((grid) => manufacturedError(grid, 0.5));
  const orders = [Math.log2(errors[0] / errors[1]), Math.log2(errors[1] / errors[2])];
  for (const order of orders) assert.ok(Math.abs(order - 2) < 0.1, `observed order ${order}`);
  assert.ok(errors[2] < 1e-3, `error on grid 64: ${errors[2]}`);
});

const small = (() => {
  const model = buildModel({ grid: 20, blocks: 2 });
  return {
    model,
    training: sampleParameters(40, 4, 7),
    test: sampleParameters(12, 4, 8),
  };
})();

let inProcess: RunResult | undefined;

async function smallRun(adapter?: "in-process"): Promise<RunResult> {
  const { model, training, test } = small;
  return await runDemo(model, training, test, { workers: 2, adapter, tol: 1e-6, maxBasisSize: 12 });
}

test("weakGreedy() selects the same parameters with the same estimates on in-process and worker pools", async () => {
  inProcess ??= await smallRun("in-process");
  const workers = await smallRun();
  assert.notEqual(workers.adapter, "in-process");
  assert.ok(inProcess.greedy.selected.length >= 3, "the greedy should take several steps");
  assert.deepEqual(workers.greedy.selected, inProcess.greedy.selected);
  const bits = (r: RunResult): bigint[] =>
    r.greedy.steps.map((s) => new BigUint64Array(new Float64Array([s.maxEstimate]).buffer)[0]);
  assert.deepEqual(bits(workers), bits(inProcess));
  assert.ok(sameNumbers(workers, inProcess), "validation numbers differ between pools");
});

test("validate() finds every true error below its estimate (effectivity >= 1)", async () => {
  inProcess ??= await smallRun("in-process");
  const { points, minEffectivity } = inProcess.validation;
  assert.equal(points.length, small.test.length);
  for (const [i, p] of points.entries()) {
    assert.ok(p.error > 0 && p.error <= p.estimate, `point ${i}: error ${p.error} > ${p.estimate}`);
  }
  assert.ok(minEffectivity >= 1, `min effectivity ${minEffectivity}`);
});
