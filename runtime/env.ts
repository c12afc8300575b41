/**
 * Reading environment variables in Deno, Bun or Node without failing where
 * access is not granted.
 *
 * @module
 */

declare const Deno: { env: { get(name: string): string | undefined } } | undefined;
declare const process: { env: Record<string, string | undefined> } | undefined;

/**
 * Returns the environment variable `name`, or `undefined` if it is unset or
 * cannot be read (Deno without `--allow-env`).
 *
 * @param name The variable's name.
 * @returns Its value, if set and readable.
 */
export function readEnv(name: string): string | undefined {
  try {
    if (typeof Deno !== "undefined") return Deno.env.get(name);
    if (typeof process !== "undefined") return process.env[name];
  } catch {
    // Not permitted: behave as unset.
  }
  return undefined;
}

/** A runtime cohort knows. */
export type Runtime = "deno" | "bun" | "node" | "browser" | "other";

/** The runtime this code runs on. */
export function runtimeName(): Runtime {
  if ("Bun" in globalThis) return "bun";
  if (typeof Deno !== "undefined") return "deno";
  const g = globalThis as { process?: { versions?: { node?: string } }; document?: unknown };
  if (typeof g.process?.versions?.node === "string") return "node";
  if (typeof g.document !== "undefined" || "WorkerGlobalScope" in globalThis) return "browser";
  return "other";
}

/**
 * The machine's logical cores: `navigator.hardwareConcurrency`, or on Node.js
 * 20 (which has no `navigator`) `os.availableParallelism()`; at least 1.
 */
export function logicalCores(): number {
  const fromNavigator = globalThis.navigator?.hardwareConcurrency;
  if (typeof fromNavigator === "number" && fromNavigator > 0) return fromNavigator;
  try {
    const g = globalThis as {
      process?: { getBuiltinModule?(name: string): { availableParallelism?(): number } };
    };
    const os = g.process?.getBuiltinModule?.("node:os");
    const n = os?.availableParallelism?.();
    if (typeof n === "number" && n > 0) return n;
  } catch {
    // not Node.js
  }
  return 1;
}
