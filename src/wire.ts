/**
 * A compact form of the two hottest messages for transports that post
 * structured clones (web workers, Node worker threads): a `call` to a worker
 * and its `ok` answer travel as flat tagged arrays, without the nested
 * `Encoded` object and its empty parts list. Structured clone pays for every
 * nested object on both ends (Bun: about 1 µs a message each way, a fifth of
 * what cohort added to a raw round trip). Every other message travels as is.
 *
 * The tag (the array's first element) keeps a task's own `postMessage` of an
 * array from being taken for an answer.
 *
 * @module
 */
import type { Encoded } from "./codec.ts";
import type { FromWorker, ToWorker } from "./messages.ts";

const CALL = "cohort:call";
const OK = "cohort:ok";

/** A `call` as posted: tag, id, module, task, then the arguments' `s`, `j` and (if any) `b`. */
type PackedCall =
  | [typeof CALL, number, string, string, Encoded["s"], string]
  | [typeof CALL, number, string, string, Encoded["s"], string, Encoded["b"]];
/** An `ok` as posted: tag, id, then the value's `s`, `j` and (if any) `b`. */
type PackedOk =
  | [typeof OK, number, Encoded["s"], string]
  | [typeof OK, number, Encoded["s"], string, Encoded["b"]];

/**
 * The form of `message` to post to a worker: a `call` as a flat tagged
 * array, anything else as it is. The worker side undoes it with
 * {@linkcode unpackToWorker}.
 *
 * @example A transport over a `MessagePort`-like channel
 * ```ts
 * import { packToWorker, unpackToWorker } from "@cohort/core/transport";
 * import type { ToWorker } from "@cohort/core/transport";
 * import assert from "node:assert/strict";
 *
 * const call: ToWorker = {
 *   type: "call",
 *   id: 1,
 *   module: "file:///tasks.ts",
 *   task: "step",
 *   args: { s: 0, j: "[2]", b: [] },
 * };
 * const posted = structuredClone(packToWorker(call)); // what postMessage would carry
 * assert.ok(Array.isArray(posted));
 * assert.deepEqual(unpackToWorker(posted), call);
 * ```
 */
export function packToWorker(message: ToWorker): unknown {
  if (message.type !== "call") return message;
  const { s, j, b } = message.args;
  return b.length === 0
    ? [CALL, message.id, message.module, message.task, s, j]
    : [CALL, message.id, message.module, message.task, s, j, b];
}

/**
 * The message a worker received in the form {@linkcode packToWorker} made
 * (anything that is not a packed `call` is returned as it is).
 *
 * @example
 * ```ts
 * import { unpackToWorker } from "@cohort/core/transport";
 * import assert from "node:assert/strict";
 *
 * const message = unpackToWorker(["cohort:call", 4, "file:///t.ts", "noop", 0, "[]"]);
 * assert.deepEqual(message, {
 *   type: "call",
 *   id: 4,
 *   module: "file:///t.ts",
 *   task: "noop",
 *   args: { s: 0, j: "[]", b: [] },
 * });
 * assert.deepEqual(unpackToWorker({ type: "stats", id: 5 }), { type: "stats", id: 5 });
 * ```
 */
export function unpackToWorker(data: unknown): ToWorker {
  if (!Array.isArray(data) || data[0] !== CALL) return data as ToWorker;
  const d = data as PackedCall; // indexed, not destructured: no iterator per message
  return {
    type: "call",
    id: d[1],
    module: d[2],
    task: d[3],
    args: { s: d[4], j: d[5], b: d[6] ?? [] },
  };
}

/**
 * The form of `message` for a worker to post to the pool: an `ok` as a
 * flat tagged array, anything else as it is.
 *
 * @example
 * ```ts
 * import { packFromWorker } from "@cohort/core/transport";
 * import assert from "node:assert/strict";
 *
 * const ok = packFromWorker({ type: "ok", id: 9, value: { s: 0, j: "42", b: [] } });
 * assert.deepEqual(ok, ["cohort:ok", 9, 0, "42"]);
 * ```
 */
export function packFromWorker(message: FromWorker): unknown {
  if (message.type !== "ok") return message;
  const { s, j, b } = message.value;
  return b.length === 0 ? [OK, message.id, s, j] : [OK, message.id, s, j, b];
}

/**
 * The message the pool received in the form {@linkcode packFromWorker} made,
 * or `undefined` for an array that is not one of ours (a task's own post).
 *
 * @example
 * ```ts
 * import { unpackFromWorker } from "@cohort/core/transport";
 * import assert from "node:assert/strict";
 *
 * assert.deepEqual(unpackFromWorker(["cohort:ok", 9, 0, "42"]), {
 *   type: "ok",
 *   id: 9,
 *   value: { s: 0, j: "42", b: [] },
 * });
 * assert.equal(unpackFromWorker([1, 2, 3]), undefined); // a task posted it: not an answer
 * ```
 */
export function unpackFromWorker(data: unknown): FromWorker | undefined {
  if (!Array.isArray(data)) return data as FromWorker;
  if (data[0] !== OK) return undefined;
  const d = data as PackedOk;
  return { type: "ok", id: d[1], value: { s: d[2], j: d[3], b: d[4] ?? [] } };
}
