/**
 * Rounds, medians and deadlines for the benchmarks. A case runs a few
 * warm-up rounds, then `rounds` measured ones; every figure is the median of
 * its rounds. A baseline and the case it is compared with are measured in the
 * same rounds, alternating which goes first, so drift on a noisy machine hits
 * both alike.
 *
 * @module
 */
import { deadline as cohortDeadline } from "../transport.ts";

/** How many rounds to run. */
export interface Rounds {
  /** Measured rounds. */
  rounds: number;
  /** Unmeasured rounds first (JIT, caches). */
  warmup: number;
}

/** The median of `xs` (mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Milliseconds that `fn` takes. */
export async function time(fn: () => Promise<unknown> | unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Runs `round` (which returns one measurement) for the warm-up rounds, then
 * the measured ones.
 *
 * @returns The median of the measured rounds.
 */
export async function medianOf(r: Rounds, round: () => Promise<number>): Promise<number> {
  for (let i = 0; i < r.warmup; i++) await round();
  const xs: number[] = [];
  for (let i = 0; i < r.rounds; i++) xs.push(await round());
  return median(xs);
}

/**
 * Measures several cases in the same rounds, rotating which goes first.
 *
 * @returns Each case's measurements, one per measured round, in the order given.
 */
export async function rounds(
  r: Rounds,
  cases: readonly (() => Promise<number>)[],
): Promise<number[][]> {
  const xs: number[][] = cases.map(() => []);
  for (let round = 0; round < r.warmup + r.rounds; round++) {
    for (let k = 0; k < cases.length; k++) {
      const c = (round + k) % cases.length;
      const x = await cases[c]();
      if (round >= r.warmup) xs[c].push(x);
    }
  }
  return xs;
}

/**
 * Measures several cases in the same rounds, rotating which goes first.
 *
 * @returns The median of each case, in the order given.
 */
export async function together(
  r: Rounds,
  cases: readonly (() => Promise<number>)[],
): Promise<number[]> {
  return (await rounds(r, cases)).map(median);
}

/** The median of the per-round ratios `subject[i] / baseline[i]`. */
export function ratioMedian(baseline: readonly number[], subject: readonly number[]): number {
  return median(subject.map((s, i) => s / baseline[i]));
}

/**
 * Measures a baseline and a subject in the same rounds, alternating which
 * runs first.
 *
 * @returns The medians `[baseline, subject]` and the median of the per-round
 *   ratios subject / baseline (robust to drift that hits a whole round).
 */
export async function paired(
  r: Rounds,
  baseline: () => Promise<number>,
  subject: () => Promise<number>,
): Promise<[number, number, number]> {
  const [b, s] = await rounds(r, [baseline, subject]);
  return [median(b), median(s), ratioMedian(b, s)];
}

/**
 * Per-call milliseconds of a baseline and a subject, `calls` of each per
 * round, interleaved in blocks of `block` calls so that a burst of load from
 * elsewhere hits both alike.
 *
 * @returns The medians `[baseline, subject]` over the measured rounds, and
 *   the median of the per-round ratios subject / baseline.
 */
export async function interleaved(
  r: Rounds,
  calls: number,
  block: number,
  baseline: () => Promise<unknown>,
  subject: () => Promise<unknown>,
): Promise<[number, number, number]> {
  const run = async (fn: () => Promise<unknown>): Promise<number> => {
    const start = performance.now();
    for (let i = 0; i < block; i++) await fn();
    return performance.now() - start;
  };
  const bs: number[] = [];
  const ss: number[] = [];
  for (let round = 0; round < r.warmup + r.rounds; round++) {
    let b = 0;
    let s = 0;
    for (let done = 0; done < calls; done += block) {
      const first = (round + done / block) % 2 === 0;
      if (first) b += await run(baseline);
      s += await run(subject);
      if (!first) b += await run(baseline);
    }
    if (round < r.warmup) continue;
    bs.push(b / calls);
    ss.push(s / calls);
  }
  return [median(bs), median(ss), ratioMedian(bs, ss)];
}

/**
 * Resolves as `promise` does, or rejects after `ms` milliseconds with an
 * error that says what did not finish (cohort's one deadline helper).
 */
export function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  return cohortDeadline(
    promise,
    ms,
    () => new Error(`${what} did not finish within ${ms / 1000} s`),
  );
}

/** Rounds a figure to 3 significant digits (JSON stays readable). */
export function round3(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(x))));
  return Number(x.toFixed(Math.min(digits, 6)));
}

/** Writes a progress line to stderr (stdout carries only results). */
export function progress(line: string): void {
  console.error(`[bench] ${line}`);
}
