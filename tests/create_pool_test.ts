import { test } from "node:test";
import assert from "node:assert/strict";
import { createPool, defineTasks } from "../mod.ts";

test("createPool() rejects bad options with errors naming them", async () => {
  const cases: [unknown, ErrorConstructor, RegExp][] = [
    [{ workers: 0 }, RangeError, /'workers' must be a positive integer, got 0/],
    [{ workers: 2.5 }, RangeError, /'workers' must be a positive integer/],
    [{ workers: "2" }, TypeError, /'workers' must be a number/],
    [{ adapter: "carrier-pigeon" }, TypeError, /'adapter' must be one of "in-process"/],
    [{ adapter: { name: "x" } }, TypeError, /'adapter' object must have a name and a connect/],
    [{ seed: NaN }, RangeError, /'seed' must be finite, got NaN/],
    [{ seed: "1" }, TypeError, /'seed' must be a number, got "1"/],
    [{ modules: ["not a url"] }, TypeError, /'modules\[0\]' must be a module URL, got "not a url"/],
    [{ modules: "x" }, TypeError, /'modules' must be an array of module URLs/],
    [5, TypeError, /'options' must be an object/],
  ];
  for (const [options, type, message] of cases) {
    // One call per case, with the options as given: a refusal is a rejection (a synchronous
    // throw fails the test here), and no case starts a pool it would have to close.
    const given = typeof options === "object" ? { adapter: "in-process", ...options } : options;
    await assert.rejects(createPool(given as never), (e: Error) => {
      assert.ok(e instanceof type, `${JSON.stringify(options)} gave ${e.name}`);
      assert.match(e.message, message);
      return true;
    });
  }
});

test("createPool({ modules }) fails with the module and the reason when one cannot be imported", async () => {
  const missing = new URL("./fixtures/no_such_module.ts", import.meta.url).href;
  await assert.rejects(
    createPool({ adapter: "in-process", workers: 2, modules: [missing] }),
    (e: Error) => {
      assert.match(e.message, /worker \d failed to start: cannot import task module/);
      assert.ok(e.message.includes(missing));
      return true;
    },
  );
});

test("defineTasks() rejects a bad module URL or a non-function", () => {
  assert.throws(
    () => defineTasks("nope", {}),
    /'moduleUrl' must be the defining module's import\.meta\.url/,
  );
  assert.throws(
    () => defineTasks(import.meta.url, { x: 5 as never }),
    /'functions\.x' must be a function/,
  );
});
