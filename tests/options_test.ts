// createPool() options: every one checked for type and range, unknown keys named with the
// known ones, null is not undefined, and an adapter of another runtime is refused.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createPool } from "../mod.ts";

const here = "Bun" in globalThis ? "bun" : "deno";

test("createPool() refuses every bad option with an error naming it", async () => {
  const cases: [Record<string, unknown>, ErrorConstructor, RegExp][] = [
    [{ workers: null }, TypeError, /'workers' must be a number \(a positive integer\), got null/],
    [{ workers: -1 }, RangeError, /'workers' must be a positive integer, got -1/],
    [{ workers: Infinity }, RangeError, /'workers' must be a positive integer, got Infinity/],
    [{ adapter: null }, TypeError, /'adapter' must be one of "in-process", .* got null/],
    [{ seed: null }, TypeError, /'seed' must be a number, got null/],
    [{ seed: Infinity }, RangeError, /'seed' must be finite/],
    [{ modules: null }, TypeError, /'modules' must be an array of module URLs, got null/],
    [{ startTimeout: Infinity, workers: 1 }, null as never, /./], // Infinity: no limit (valid)
    [
      { startTimeout: -1 },
      RangeError,
      /'startTimeout' must be a positive number of milliseconds, got -1/,
    ],
    [
      { startTimeout: "abc" },
      TypeError,
      /'startTimeout' must be a number of milliseconds, got "abc"/,
    ],
    [{ startTimeout: NaN }, RangeError, /'startTimeout' must be a positive number/],
    [{ callTimeout: 0 }, RangeError, /'callTimeout' must be a positive number of milliseconds/],
    [{ callTimeout: null }, TypeError, /'callTimeout' must be a number of milliseconds, got null/],
    [{ restore: "yes" }, TypeError, /'restore' must be a boolean, got "yes"/],
    [
      { wrokers: 2 },
      TypeError,
      /unknown option 'wrokers' of createPool\(\); known options: workers, seed/,
    ],
    [{ servers: "nats://127.0.0.1:1" }, TypeError, /unknown option 'servers'/],
  ];
  for (const [options, type, message] of cases) {
    const attempt = createPool({ adapter: "in-process", workers: 2, ...options } as never);
    if (type === null) {
      await (await attempt).close(); // valid
      continue;
    }
    await assert.rejects(attempt, (e: Error) => {
      assert.ok(e instanceof type, `${JSON.stringify(options)} gave ${e}`);
      assert.match(e.message, message);
      return true;
    });
  }
});

test("createPool() refuses an adapter that belongs to another runtime", async () => {
  const other = here === "bun" ? "deno-worker" : "bun-worker";
  const right = here === "bun" ? "bun-worker" : "deno-worker";
  await assert.rejects(createPool({ adapter: other, workers: 1 }), (e: Error) => {
    assert.ok(e instanceof TypeError);
    assert.match(e.message, new RegExp(`'adapter' "${other}" runs under .*, but this is ${here}`));
    assert.ok(e.message.includes(`use "${right}"`), e.message);
    return true;
  });
  await assert.rejects(createPool({ adapter: "node-worker", workers: 1 }), /runs under node/);
});

test("createPool() with adapter: undefined picks this runtime's default", async () => {
  await using pool = await createPool({ adapter: undefined, workers: 1 });
  assert.equal(pool.adapter, `${here}-worker`);
});
