/**
 * Type tests: task argument and result types flow through apply, applyOnly
 * and map. `deno check` (run by `npm test` over every file) fails if any
 * `@ts-expect-error` line compiles, i.e. if a wrong argument type is accepted.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { createPool, type Pool, type RemoteObject } from "../mod.ts";
import { typed } from "./fixtures/typed_tasks.ts";

/** Compile-time equality of two types. */
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
const expectType = <T extends true>(_: T): void => {};

async function typeChecks(pool: Pool): Promise<void> {
  // Right argument types infer the result types.
  const sums = await pool.apply(typed.add, 1, 2);
  expectType<Equal<typeof sums, number[]>>(true);
  const one = await pool.applyOnly(typed.label, 0, "ab", 2);
  expectType<Equal<typeof one, string>>(true);
  const mapped = await pool.map(typed.add, [[1, 2], [3, 4]]);
  expectType<Equal<typeof mapped, number[]>>(true);
  const withExtra = await pool.map(typed.label, [["a", "b"]], 3);
  expectType<Equal<typeof withExtra, string[]>>(true);
  const awaited = await pool.apply(typed.later, 1);
  expectType<Equal<typeof awaited, { x: number }[]>>(true);
  const balanced = await pool.mapWith({ chunkSize: 2 })(typed.add, [[1]], 2);
  expectType<Equal<typeof balanced, number[]>>(true);

  // Views, streams and pull carry the same types.
  const viewed = await pool.with({ timeout: 1_000, retries: 1 }).apply(typed.add, 1, 2);
  expectType<Equal<typeof viewed, number[]>>(true);
  for await (const y of pool.imap(typed.label, [["a", "b"]], 2)) {
    expectType<Equal<typeof y, string>>(true);
  }
  function* naturals(): Generator<number> {
    for (let i = 0; i < 3; i++) yield i;
  }
  for await (const pair of pool.with({ chunkSize: 2 }).imapUnordered(typed.add, [naturals()], 1)) {
    expectType<Equal<typeof pair, [number, number]>>(true);
  }
  const box: { data: Float64Array } = { data: new Float64Array(1) };
  const copies = await pool.pull(await pool.push(box));
  expectType<Equal<typeof copies, { data: Float64Array }[]>>(true);

  // A handle stands where its value type is expected, at any depth.
  const model: RemoteObject<{ data: Float64Array }> = await pool.push({
    data: new Float64Array(2),
  });
  const norms = await pool.apply(typed.norm, model);
  expectType<Equal<typeof norms, number[]>>(true);
  await pool.map(typed.add, [[1, 2]], await pool.push(5));

  // Wrong argument types are compile errors.
  // @ts-expect-error: "1" is not a number
  await pool.apply(typed.add, "1", 2).catch(() => {});
  // @ts-expect-error: missing argument
  await pool.apply(typed.add, 1).catch(() => {});
  // @ts-expect-error: wrong argument type on one worker
  await pool.applyOnly(typed.label, 0, 5, 2).catch(() => {});
  // @ts-expect-error: worker index must be a number
  await pool.applyOnly(typed.add, "0", 1, 2).catch(() => {});
  // @ts-expect-error: sequence items must be numbers
  await pool.map(typed.add, [["1", "2"], [3, 4]]).catch(() => {});
  // @ts-expect-error: extra argument must be a number
  await pool.map(typed.label, [["a"]], "3").catch(() => {});
  // @ts-expect-error: a handle to a string is not a model
  await pool.apply(typed.norm, await pool.push("text")).catch(() => {});
  // @ts-expect-error: plain functions are not tasks
  await pool.apply((a: number) => a, 1).catch(() => {});
  // @ts-expect-error: a view checks arguments as the pool does
  await pool.with({ timeout: 5 }).applyOnly(typed.add, 0, "1", 2).catch(() => {});
  // @ts-expect-error: stream items must be numbers
  pool.imap(typed.add, [["1"]], 2);
  // @ts-expect-error: an async stream of strings is not a stream of numbers
  pool.imapUnordered(typed.add, [(async function* () {
    yield "x";
  })()], 2);
  // @ts-expect-error: unknown call option
  pool.with({ timout: 5 });
}

test("task types flow through apply(), applyOnly(), map(), with(), imap*() and pull() (checked by deno check)", async () => {
  await using pool = await createPool({ adapter: "in-process", workers: 2 });
  await typeChecks(pool);
  assert.deepEqual(await pool.apply(typed.add, 1, 2), [3, 3]);
  assert.deepEqual(await pool.map(typed.label, [["a", "b"]], 2), ["aa", "bb"]);
});
