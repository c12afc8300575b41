/**
 * How a worker finds its tasks: imports task modules by URL (once per
 * thread, within the allowed prefixes), looks tasks up by name, and keeps
 * what it found so that a task is called without awaiting its module again.
 *
 * @module
 */
import { definedHere, lookupTask } from "./tasks.ts";

/** A task as a worker calls it. */
export type TaskFunction = (...args: unknown[]) => unknown;

/** Imports of task modules in this thread, shared by the worker runtimes in it. */
const modules = new Map<string, Promise<unknown>>();
/** How long an in-process worker waits on importing the module that runs the pool. */
const SELF_IMPORT_GRACE_MS = 100;

/**
 * One worker's task lookup.
 *
 * @example
 * ```ts
 * import { TaskLoader } from "./task_loader.ts";
 * import assert from "node:assert/strict";
 *
 * const loader = new TaskLoader(["https://tasks.example/"]);
 * await assert.rejects(loader.task("file:///elsewhere.ts", "step"), /is not allowed on this worker/);
 * assert.equal(loader.known("file:///elsewhere.ts", "step"), undefined);
 * ```
 */
export class TaskLoader {
  #allow: readonly string[];
  #known = new Map<string, Map<string, TaskFunction>>();

  /** @param allow Module URL prefixes tasks may come from (empty: any). */
  constructor(allow: readonly string[]) {
    this.#allow = allow;
  }

  /** The task `name` of `module`, if it was found before (no await). */
  known(module: string, name: string): TaskFunction | undefined {
    return this.#known.get(module)?.get(name);
  }

  /** Imports `module` (once per thread) and returns its task `name`. */
  async task(module: string, name: string): Promise<TaskFunction> {
    await this.import(module);
    const fn = lookupTask(module, name);
    if (!fn) {
      throw new Error(
        `task module ${module} defines no task "${name}" ` +
          "(define it with defineTasks(import.meta.url, { ... }) at the module's top level)",
      );
    }
    let names = this.#known.get(module);
    if (!names) this.#known.set(module, names = new Map());
    names.set(name, fn);
    return fn;
  }

  /** Imports `url`, once per thread; rejects for a URL outside the allowed prefixes. */
  import(url: string): Promise<unknown> {
    if (this.#allow.length > 0 && !this.#allow.some((p) => url.startsWith(p))) {
      return Promise.reject(
        new Error(
          `task module ${url} is not allowed on this worker (allowed prefixes: ${
            this.#allow.join(", ")
          })`,
        ),
      );
    }
    let p = modules.get(url);
    if (!p && definedHere(url)) {
      // Its tasks are defined in this thread (in-process workers). If it is the
      // module that runs the pool, importing it waits on itself for ever: after a
      // grace period without an answer, go on with the tasks already defined.
      const imported = import(url).catch((e) => {
        throw new Error(`cannot import task module ${url}: ${e?.message ?? e}`, { cause: e });
      });
      let timer: ReturnType<typeof setTimeout> | undefined;
      const grace = new Promise((resolve) => (timer = setTimeout(resolve, SELF_IMPORT_GRACE_MS)));
      p = Promise.race([imported, grace]).finally(() => clearTimeout(timer));
      imported.catch(() => {});
      modules.set(url, p);
    }
    if (!p) {
      p = import(url).catch((e) => {
        modules.delete(url);
        throw new Error(`cannot import task module ${url}: ${e?.message ?? e}`, { cause: e });
      });
      modules.set(url, p);
    }
    return p;
  }
}
