// Option validation: checkStartOptions (createPool) and checkCallOptions (with(), mapWith()).
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { checkCallOptions, checkStartOptions, START_KEYS } from "../../src/options.ts";

type Case = [unknown, ErrorConstructor, RegExp];

function refuses(check: (o: unknown) => unknown, cases: Case[]): void {
  for (const [options, type, message] of cases) {
    assert.throws(() => check(options), (e: Error) => {
      assert.ok(e instanceof type, `${show(options)}: ${e.name}: ${e.message}`);
      assert.match(e.message, message, show(options));
      return true;
    });
  }
}
const show = (v: unknown) => {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

describe("options", () => {
  test("checkStartOptions() accepts every option at a valid value", () => {
    const start = (o: unknown) => checkStartOptions(o, ["server"]);
    start({ workers: 1 });
    start({
      workers: 3,
      seed: -2.5,
      modules: ["file:///a.ts", "https://example.org/b.js"],
      startTimeout: 1,
      callTimeout: Infinity,
      restore: false,
      adapter: "in-process",
      server: "nats://x", // an adapter's own key
    });
    assert.deepEqual([...START_KEYS].sort(), [
      "adapter",
      "callTimeout",
      "modules",
      "restore",
      "seed",
      "startTimeout",
      "workers",
    ]);
  });

  test("checkStartOptions() refuses each bad option naming it; null is not undefined", () => {
    refuses((o) => checkStartOptions(o, []), [
      [null, TypeError, /^'options' must be an object, got null$/],
      [[], TypeError, /^'options' must be an object/],
      [5, TypeError, /^'options' must be an object/],
      [{}, TypeError, /^'workers' is required$/],
      [
        { workers: null },
        TypeError,
        /^'workers' must be a number \(a positive integer\), got null$/,
      ],
      [{ workers: "2" }, TypeError, /^'workers' must be a number/],
      [{ workers: 0 }, RangeError, /^'workers' must be a positive integer, got 0$/],
      [{ workers: 1.5 }, RangeError, /^'workers' must be a positive integer, got 1\.5$/],
      [{ workers: NaN }, RangeError, /^'workers' must be a positive integer, got NaN$/],
      [{ workers: 1, seed: null }, TypeError, /^'seed' must be a number, got null$/],
      [{ workers: 1, seed: NaN }, RangeError, /^'seed' must be finite, got NaN$/],
      [
        { workers: 1, modules: null },
        TypeError,
        /^'modules' must be an array of module URLs, got null$/,
      ],
      [{ workers: 1, modules: ["x"] }, TypeError, /^'modules\[0\]' must be a module URL, got "x"$/],
      [
        { workers: 1, modules: ["file:///a.ts", 3] },
        TypeError,
        /^'modules\[1\]' must be a module URL, got 3$/,
      ],
      [
        { workers: 1, startTimeout: null },
        TypeError,
        /^'startTimeout' must be a number of milliseconds, got null$/,
      ],
      [
        { workers: 1, startTimeout: 0 },
        RangeError,
        /^'startTimeout' must be a positive number of milliseconds, got 0$/,
      ],
      [
        { workers: 1, callTimeout: -5 },
        RangeError,
        /^'callTimeout' must be a positive number of milliseconds, got -5$/,
      ],
      [{ workers: 1, callTimeout: NaN }, RangeError, /^'callTimeout' must be a positive number/],
      [{ workers: 1, restore: null }, TypeError, /^'restore' must be a boolean, got null$/],
      [{ workers: 1, restore: "yes" }, TypeError, /^'restore' must be a boolean, got "yes"$/],
    ]);
  });

  test("checkStartOptions() names an unknown key and lists the known ones, the adapter's too", () => {
    assert.throws(() => checkStartOptions({ workers: 1, wokers: 2 }, ["server"]), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.equal(
        e.message,
        "unknown option 'wokers' of createPool(); known options: " +
          [...START_KEYS, "server"].join(", "),
      );
      return true;
    });
    assert.throws(
      () => checkStartOptions({ workers: 1, server: "x" }, []),
      /unknown option 'server'/,
    );
  });

  test("checkCallOptions() accepts every option and returns the same object", () => {
    const options = {
      timeout: 10,
      signal: new AbortController().signal,
      retries: 0,
      chunkSize: 3,
      onProgress: () => {},
    };
    assert.equal(checkCallOptions(options), options);
    assert.deepEqual(checkCallOptions({}), {});
    assert.deepEqual(checkCallOptions({ timeout: undefined }), { timeout: undefined });
  });

  test("checkCallOptions() refuses each bad option naming it; null is not undefined", () => {
    refuses((o) => checkCallOptions(o), [
      [null, TypeError, /^'options' of with\(\) must be an object, got null$/],
      [[], TypeError, /^'options' of with\(\) must be an object/],
      [
        { timeout: null },
        TypeError,
        /^'options\.timeout' must be a number of milliseconds, got null$/,
      ],
      [
        { timeout: 0 },
        RangeError,
        /^'options\.timeout' must be a positive number of milliseconds, got 0$/,
      ],
      [{ signal: null }, TypeError, /^'options\.signal' must be an AbortSignal, got null$/],
      [{ signal: {} }, TypeError, /^'options\.signal' must be an AbortSignal/],
      [{ retries: null }, TypeError, /^'options\.retries' must be a number, got null$/],
      [{ retries: -1 }, RangeError, /^'options\.retries' must be a non-negative integer, got -1$/],
      [{ retries: 0.5 }, RangeError, /^'options\.retries' must be a non-negative integer/],
      [
        { chunkSize: null },
        TypeError,
        /^'options\.chunkSize' must be a number \(a positive integer\), got null$/,
      ],
      [{ chunkSize: 0 }, RangeError, /^'options\.chunkSize' must be a positive integer, got 0$/],
      [{ onProgress: null }, TypeError, /^'options\.onProgress' must be a function, got null$/],
      [{ onProgress: 1 }, TypeError, /^'options\.onProgress' must be a function/],
    ]);
  });

  test("checkCallOptions() names an unknown key with the known list and the method", () => {
    assert.throws(() => checkCallOptions({ timout: 5 }, "mapWith()"), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.equal(
        e.message,
        "unknown option 'timout' of mapWith(); known options: timeout, signal, retries, chunkSize, onProgress",
      );
      return true;
    });
    assert.throws(() => checkCallOptions(5, "mapWith()"), /^TypeError: 'options' of mapWith\(\)/);
  });
});
