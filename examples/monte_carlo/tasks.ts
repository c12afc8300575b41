/**
 * The Monte Carlo example's task. Workers import this module by URL, so it
 * only defines functions.
 *
 * @module
 */
import { defineTasks, rng, workerContext } from "../../mod.ts";

export const tasks = defineTasks(import.meta.url, {
  /**
   * One batch of `size` random points in the unit square: how many fall in
   * the quarter disc. The points come from `rng(itemSeed)`, so a batch's
   * result depends on the pool's seed and the batch's index alone, never on
   * which worker ran it.
   */
  quarterDisc(_batch: number, size: number): number {
    const next = rng(workerContext().itemSeed!);
    let hits = 0;
    for (let i = 0; i < size; i++) {
      const x = next(), y = next();
      if (x * x + y * y <= 1) hits++;
    }
    return hits;
  },
});
