/**
 * Tasks for the worker runtime unit test: the runtime imports this module by URL.
 *
 * @module
 */
import { defineTasks } from "../../src/tasks.ts";
import { workerContext } from "../../src/context.ts";

/** The tasks. */
export const tasks = defineTasks(import.meta.url, {
  add(a: number, b: number): number {
    return a + b;
  },
  context(): unknown {
    return { ...workerContext() };
  },
  item(x: number, extra: string): unknown {
    const { item, itemSeed, index } = workerContext();
    return { x, extra, item, itemSeed, index };
  },
  failOnTwo(x: number): number {
    if (x === 2) throw new RangeError("two is bad");
    return x;
  },
  async slow(ms: number): Promise<number> {
    await new Promise((r) => setTimeout(r, ms));
    return ms;
  },
  read(store: { a: number }): number {
    return store.a;
  },
  nothing(): void {},
});

/** Tasks for the map engine test. */
export const mapTasks = defineTasks(import.meta.url, {
  /** Sleeps `ms` and returns the index of the worker that ran the item. */
  async napWhere(ms: number): Promise<number> {
    await new Promise((r) => setTimeout(r, ms));
    return workerContext().index;
  },
});
