/**
 * Errors as values (an `Error` in a task's arguments or result, not one a
 * task throws): they keep their built-in class (`TypeError`, `RangeError`,
 * ..., `AggregateError` with its `errors`), `name`, `message`, `stack`,
 * `cause` and own enumerable fields such as `code`. The codec's superjson
 * instance uses this form in place of superjson's own, which makes every
 * error a plain `Error` and drops its fields.
 *
 * @module
 */

/** The built-in error classes, by name. */
const KINDS: Record<string, new (message?: string, options?: ErrorOptions) => Error> = {
  EvalError,
  RangeError,
  ReferenceError,
  SyntaxError,
  TypeError,
  URIError,
};

/** An error as superjson carries it (its nested values are encoded in turn). */
export interface ErrorJSON {
  /** The nearest built-in class: `"TypeError"`, ..., `"AggregateError"` or `"Error"`. */
  kind: string;
  name: string;
  message: string;
  stack?: string;
  cause?: unknown;
  /** `AggregateError`'s errors. */
  errors?: unknown[];
  /** Own enumerable fields other than the above. */
  fields?: Record<string, unknown>;
}

const OWN = new Set(["name", "message", "stack", "cause", "errors"]);

/**
 * The JSON form of `e`.
 *
 * @example
 * ```ts
 * import { errorFromJSON, errorToJSON } from "./error_json.ts";
 * import assert from "node:assert/strict";
 *
 * const back = errorFromJSON(errorToJSON(Object.assign(new RangeError("too big"), { code: 7 })));
 * assert.ok(back instanceof RangeError);
 * assert.equal(back.message, "too big");
 * assert.equal((back as RangeError & { code: number }).code, 7);
 * ```
 */
export function errorToJSON(e: Error): ErrorJSON {
  const out: ErrorJSON = { kind: kindOf(e), name: e.name, message: e.message };
  if (typeof e.stack === "string") out.stack = e.stack;
  if ("cause" in e) out.cause = e.cause;
  if (typeof AggregateError === "function" && e instanceof AggregateError) {
    out.errors = [...e.errors];
  }
  for (const key of Object.keys(e)) {
    if (!OWN.has(key)) (out.fields ??= {})[key] = (e as unknown as Record<string, unknown>)[key];
  }
  return out;
}

/** The error `json` describes (see {@linkcode errorToJSON}). */
export function errorFromJSON(json: ErrorJSON): Error {
  const options = "cause" in json ? { cause: json.cause } : undefined;
  const e = json.kind === "AggregateError" && typeof AggregateError === "function"
    ? new AggregateError(json.errors ?? [], json.message, options)
    : new (KINDS[json.kind] ?? Error)(json.message, options);
  if (e.name !== json.name) e.name = json.name;
  if (json.stack !== undefined) e.stack = json.stack;
  if (json.fields) Object.assign(e, json.fields);
  return e;
}

function kindOf(e: Error): string {
  if (typeof AggregateError === "function" && e instanceof AggregateError) return "AggregateError";
  for (const [name, C] of Object.entries(KINDS)) if (e instanceof C) return name;
  return "Error";
}
