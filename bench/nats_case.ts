/**
 * The NATS figures, from `bench/nats_apply.ts` (the NATS adapter's own
 * benchmark) when that file is there. It is imported by a computed URL so
 * that the suite type-checks and runs without it.
 *
 * @module
 */
import { deadline } from "./stats.ts";

/** What `benchNatsApply()` resolves to. */
export interface NatsFigures {
  nats_apply_us: number;
  raw_request_us: number;
  nats_apply_ratio: number;
}

type Figures = { [K in keyof NatsFigures]: number | null };

const NONE: Figures = { nats_apply_us: null, raw_request_us: null, nats_apply_ratio: null };

/**
 * Runs `benchNatsApply()` from `bench/nats_apply.ts`, or says why not.
 *
 * @param limitMs How long it may take.
 * @returns Its figures, or nulls and `nats_reason`.
 */
export async function natsCase(limitMs: number): Promise<Figures & { nats_reason?: string }> {
  const url = new URL("./nats_apply.ts", import.meta.url).href;
  let mod: { benchNatsApply?: () => Promise<NatsFigures | null> };
  try {
    mod = await import(url);
  } catch (e) {
    const message = (e as Error)?.message ?? String(e);
    const missing = /not found|cannot find|no such file|ENOENT/i.test(message);
    return {
      ...NONE,
      nats_reason: missing
        ? "bench/nats_apply.ts is not there"
        : `importing bench/nats_apply.ts failed: ${message}`,
    };
  }
  if (typeof mod.benchNatsApply !== "function") {
    return { ...NONE, nats_reason: "bench/nats_apply.ts exports no benchNatsApply()" };
  }
  // Its notes go to stderr: stdout carries only the results.
  const log = console.log;
  console.log = console.error;
  try {
    const figures = await deadline(mod.benchNatsApply(), limitMs, "benchNatsApply()");
    if (figures === null) {
      return {
        ...NONE,
        nats_reason: "benchNatsApply() returned null (no nats-server or client here)",
      };
    }
    return {
      nats_apply_us: figures.nats_apply_us,
      raw_request_us: figures.raw_request_us,
      nats_apply_ratio: figures.nats_apply_ratio,
    };
  } catch (e) {
    return { ...NONE, nats_reason: `benchNatsApply() failed: ${(e as Error)?.message ?? e}` };
  } finally {
    console.log = log;
  }
}
