// Tasks: defineTasks, isTask, the registry workers look tasks up in, and a second copy of the
// module (a bundle beside a package) seeing the same tasks.
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { assertTask, definedHere, defineTasks, isTask, lookupTask } from "../../src/tasks.ts";

const here = import.meta.url;
const tasks = defineTasks(here, {
  add(a: number, b: number): number {
    return a + b;
  },
  self(this: unknown): unknown {
    return this;
  },
});

describe("tasks", () => {
  test("a task stays callable locally and carries its module and name", () => {
    assert.equal(tasks.add(2, 3), 5);
    assert.equal(tasks.add.taskName, "add");
    assert.equal(tasks.add.name, "add");
    assert.equal(tasks.add.module, here);
    assert.deepEqual(Object.keys(tasks.add).sort(), ["module", "taskName"]);
    assert.ok(Object.isFrozen(tasks));
    const target = { m: tasks.self };
    assert.equal(target.m(), target, "`this` is passed through");
  });

  test("isTask() tells tasks from plain functions and other values", () => {
    assert.equal(isTask(tasks.add), true);
    assert.equal(isTask((a: number) => a), false);
    assert.equal(isTask({ taskName: "add", module: here }), false);
    assert.equal(isTask(null), false);
    const forged = Object.assign(() => 1, { taskName: "add", module: here });
    assert.equal(isTask(forged), false, "looking like a task is not enough");
  });

  test("lookupTask() and definedHere() find the original functions by module and name", () => {
    assert.equal(lookupTask(here, "add")?.(1, 2), 3);
    assert.equal(lookupTask(here, "nope"), undefined);
    assert.equal(lookupTask("file:///elsewhere.ts", "add"), undefined);
    assert.equal(definedHere(here), true);
    assert.equal(definedHere("file:///elsewhere.ts"), false);
    assert.equal(definedHere(here.slice(0, -3)), false, "a prefix of the URL is another module");
  });

  test('the registry lives on globalThis under Symbol.for("cohort.tasks")', () => {
    const registry = (globalThis as Record<symbol, unknown>)[Symbol.for("cohort.tasks")];
    assert.ok(registry instanceof Map);
    assert.equal(typeof registry.get(`${here}#add`), "function");
    assert.equal(registry.get(`${here}#add`)(4, 5), 9);
  });

  test("a second copy of the tasks module sees the first one's tasks and marks", async () => {
    // A byte-for-byte copy at another path is another module instance (tasks.ts imports nothing).
    const dir = await mkdtemp(join(tmpdir(), "cohort-tasks-"));
    const path = join(dir, "tasks.ts");
    await copyFile(new URL("../../src/tasks.ts", import.meta.url), path);
    const copy = (await import(pathToFileURL(path).href)) as typeof import("../../src/tasks.ts");
    await rm(dir, { recursive: true });
    assert.notEqual(copy.defineTasks, defineTasks, "really a second module instance");
    assert.equal(copy.isTask(tasks.add), true);
    assert.equal(copy.lookupTask(here, "add")?.(1, 1), 2);
    const later = copy.defineTasks(`${here}?other`, { mul: (a: number, b: number) => a * b });
    assert.equal(isTask(later.mul), true, "and the first copy sees the second's");
    assert.equal(lookupTask(`${here}?other`, "mul")?.(3, 4), 12);
  });

  test("defineTasks() refuses a bad module URL or a non-function", () => {
    assert.throws(() => defineTasks("nope", {}), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.equal(
        e.message,
        "'moduleUrl' must be the defining module's import.meta.url, got nope",
      );
      return true;
    });
    assert.throws(
      () => defineTasks(here, null as never),
      /^TypeError: 'functions' must be an object of task functions$/,
    );
    assert.throws(
      () => defineTasks(here, { x: 5 as never }),
      /^TypeError: 'functions\.x' must be a function, got number$/,
    );
  });

  test("assertTask() explains how to define a task", () => {
    assert.doesNotThrow(() => assertTask(tasks.add, "apply"));
    assert.throws(() => assertTask(function solve() {}, "apply"), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /^'task' of apply\(\) must be a task made by defineTasks/);
      assert.match(e.message, /got a plain function \(solve\)/);
      assert.match(e.message, /export const tasks = defineTasks\(import\.meta\.url/);
      return true;
    });
    assert.throws(() => assertTask(undefined, "map"), /'task' of map\(\) .* got undefined/);
  });
});
