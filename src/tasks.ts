/**
 * Tasks: functions that workers find by module URL and name, as pyMOR pickles
 * functions by reference.
 *
 * @module
 */

/**
 * Where a task lives: the module that defines it and its name there.
 *
 * @example Every task is a `TaskRef`
 * ```ts
 * import { defineTasks, type TaskRef } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, { noop(): void {} });
 * const ref: TaskRef = tasks.noop;
 * assert.equal(ref.module, import.meta.url);
 * assert.equal(ref.taskName, "noop");
 * ```
 */
export interface TaskRef {
  /** URL of the module that called `defineTasks` (its `import.meta.url`). */
  readonly module: string;
  /** The task's name in its `defineTasks` object. */
  readonly taskName: string;
}

/**
 * A function that workers can run. It stays callable locally.
 *
 * @typeParam A The task's parameter types.
 * @typeParam R The task's return type (a promise for async tasks).
 *
 * @example Take a task as a parameter
 * ```ts
 * import { createPool, defineTasks, type Pool, type Task } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, {
 *   square: (x: number): number => x * x,
 * });
 * async function onEveryWorker(pool: Pool, task: Task<[number], number>): Promise<number[]> {
 *   return await pool.apply(task, 3);
 * }
 * await using pool = await createPool({ adapter: "in-process", workers: 2 });
 * assert.deepEqual(await onEveryWorker(pool, tasks.square), [9, 9]);
 * ```
 */
export type Task<A extends unknown[] = unknown[], R = unknown> = ((...args: A) => R) & TaskRef;

/**
 * Any function, as `defineTasks` accepts them.
 *
 * @example Check task functions before defining them
 * ```ts
 * import { defineTasks, type TaskFunction } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * const functions = {
 *   negate: (x: number): number => -x,
 *   greet: async (name: string): Promise<string> => `hello ${name}`,
 * } satisfies Record<string, TaskFunction>;
 * export const tasks = defineTasks(import.meta.url, functions);
 * assert.equal(tasks.negate(2), -2);
 * assert.equal(await tasks.greet("pool"), "hello pool");
 * ```
 */
// deno-lint-ignore no-explicit-any
export type TaskFunction = (...args: any[]) => unknown;

/**
 * The tasks that `defineTasks` returns, one per function given. Annotating an
 * exported task set with it keeps the module free of slow types (JSR).
 *
 * @example
 * ```ts
 * import { defineTasks, type TaskSet } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * const functions = {
 *   add: (a: number, b: number): number => a + b,
 * };
 * export const tasks: TaskSet<typeof functions> = defineTasks(import.meta.url, functions);
 * assert.equal(tasks.add(1, 2), 3);
 * assert.equal(tasks.add.taskName, "add");
 * ```
 */
export type TaskSet<T extends Record<string, TaskFunction>> = {
  readonly [K in keyof T]: Task<Parameters<T[K]>, ReturnType<T[K]>>;
};

// Registry and marker live under global symbols, so that two copies of cohort
// in one thread (a bundle and a package, say) see the same tasks.
const TASK: symbol = Symbol.for("cohort.task");
const REGISTRY = Symbol.for("cohort.tasks");
const registry: Map<string, TaskFunction> =
  ((globalThis as Record<symbol, unknown>)[REGISTRY] ??= new Map()) as Map<string, TaskFunction>;

const key = (module: string, name: string): string => `${module}#${name}`;

/**
 * Defines tasks that pool workers can run. Call it at the top level of a
 * module with that module's `import.meta.url`; workers import the module by
 * that URL and look the task up by name. Keep other side effects out of the
 * module: every worker imports it.
 *
 * @param moduleUrl The defining module's `import.meta.url`.
 * @param functions The task functions, by name.
 * @returns One {@linkcode Task} per function, callable locally too.
 * @throws {TypeError} If `moduleUrl` is not a URL or a value is not a function.
 *
 * @example Define and call a task
 * ```ts
 * import { defineTasks } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, {
 *   add(a: number, b: number): number {
 *     return a + b;
 *   },
 * });
 * assert.equal(tasks.add(1, 2), 3);
 * assert.equal(tasks.add.taskName, "add");
 * ```
 */
export function defineTasks<T extends Record<string, TaskFunction>>(
  moduleUrl: string,
  functions: T,
): TaskSet<T> {
  if (typeof moduleUrl !== "string" || !URL.canParse(moduleUrl)) {
    throw new TypeError(
      `'moduleUrl' must be the defining module's import.meta.url, got ${String(moduleUrl)}`,
    );
  }
  if (functions === null || typeof functions !== "object") {
    throw new TypeError("'functions' must be an object of task functions");
  }
  const out: Record<string, Task> = {};
  for (const [name, fn] of Object.entries(functions)) {
    if (typeof fn !== "function") {
      throw new TypeError(`'functions.${name}' must be a function, got ${typeof fn}`);
    }
    const task = function (this: unknown, ...args: unknown[]) {
      return fn.apply(this, args);
    } as Task;
    Object.defineProperties(task, {
      name: { value: name },
      module: { value: moduleUrl, enumerable: true },
      taskName: { value: name, enumerable: true },
      [TASK]: { value: true },
    });
    registry.set(key(moduleUrl, name), fn);
    out[name] = task;
  }
  return Object.freeze(out) as TaskSet<T>;
}

/**
 * True for functions made by {@linkcode defineTasks}.
 *
 * @param value Anything.
 * @returns Whether `value` is a task that pool methods accept.
 *
 * @example
 * ```ts
 * import { defineTasks, isTask } from "@cohort/core";
 * import assert from "node:assert/strict";
 *
 * export const tasks = defineTasks(import.meta.url, { double: (x: number): number => 2 * x });
 * assert.ok(isTask(tasks.double));
 * assert.ok(!isTask((x: number) => 2 * x));
 * ```
 */
export function isTask(value: unknown): value is Task {
  return typeof value === "function" &&
    (value as unknown as Record<symbol, unknown>)[TASK] === true;
}

/**
 * True if module `url` called `defineTasks` in this thread already, so that
 * importing it again is not needed (and, for the module that is running now,
 * would never finish).
 */
export function definedHere(url: string): boolean {
  const prefix = `${url}#`;
  for (const k of registry.keys()) if (k.startsWith(prefix)) return true;
  return false;
}

/** Finds a task defined in this thread by module URL and name. */
export function lookupTask(module: string, name: string): TaskFunction | undefined {
  return registry.get(key(module, name));
}

/** Throws the TypeError for a pool method given something other than a task. */
export function assertTask(value: unknown, method: string): asserts value is Task {
  if (isTask(value)) return;
  const what = typeof value === "function"
    ? `a plain function${value.name ? ` (${value.name})` : ""}`
    : String(value);
  throw new TypeError(
    `'task' of ${method}() must be a task made by defineTasks(import.meta.url, { ... }), got ${what}: ` +
      "workers import tasks by module URL and name, so define the function in a module with " +
      "`export const tasks = defineTasks(import.meta.url, { myTask(...) { ... } })`",
  );
}
