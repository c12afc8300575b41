// Pool refusals that never reach a transport: bad tasks, worker indices, lists, arrays and
// sequences are refused by the pool before anything is sent, so they run once, here, on an
// in-process pool, instead of in every adapter's conformance run.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { createPool, type Pool } from "../../mod.ts";
import { tasks } from "../../testing/conformance_tasks.ts";

const WORKERS = 4;

describe("pool refusals", { timeout: 30_000 }, () => {
  let pool: Pool;
  before(async () => {
    pool = await createPool({ adapter: "in-process", workers: WORKERS });
  });
  after(async () => {
    await pool?.close();
  });

  test("every pool method refuses bad arguments by rejecting, never by throwing", async () => {
    const calls: [() => Promise<unknown>, ErrorConstructor][] = [
      [() => pool.apply((() => 1) as never), TypeError],
      [() => pool.applyOnly(tasks.index, 9), RangeError],
      [() => pool.map(tasks.add, [] as never), TypeError],
      [() => pool.scatterList(5 as never), TypeError],
      [() => pool.scatterArray({} as never), TypeError],
      [() => pool.push(Symbol("x")), TypeError],
      [() => pool.with({ bogus: 1 } as never).apply(tasks.index), TypeError],
    ];
    // rejects() on the call's own result: a synchronous throw fails the test.
    for (const [call, type] of calls) await assert.rejects(call(), type);
    assert.deepEqual(await pool.apply(tasks.index), [0, 1, 2, 3], "the pool still works");
  });

  test("apply() refuses a plain function with a TypeError saying how to define a task", async () => {
    await assert.rejects(pool.apply(((a: number) => a) as never, 1), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /'task' of apply\(\)/);
      assert.match(e.message, /defineTasks\(import\.meta\.url/);
      return true;
    });
    await assert.rejects(pool.applyOnly((() => 1) as never, 0), /'task' of applyOnly\(\)/);
    await assert.rejects(pool.map((() => 1) as never, [[1]]), /'task' of map\(\)/);
  });

  test("applyOnly() rejects a worker index outside [0, size) with a RangeError naming 'worker'", async () => {
    for (const bad of [-1, WORKERS, 1.5, NaN, Infinity, "1", null]) {
      await assert.rejects(pool.applyOnly(tasks.index, bad as number), (e: Error) => {
        assert.ok(e instanceof RangeError, `${String(bad)} gave ${e.name}`);
        assert.match(e.message, /'worker' must be an integer in \[0, 4\)/);
        return true;
      });
    }
  });

  test("scatterList() rejects a non-array with a TypeError naming 'list'", async () => {
    await assert.rejects(pool.scatterList("abc" as never), /'list' must be an array/);
    await assert.rejects(pool.scatterList([1, () => 2]), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /^list\[1\] is a function/);
      return true;
    });
  });

  test("scatterArray() rejects bad arguments with errors naming them", async () => {
    await assert.rejects(pool.scatterArray({} as never), (e: Error) => {
      assert.ok(e instanceof TypeError);
      assert.match(e.message, /'array' must be a typed array or an array/);
      return true;
    });
    await assert.rejects(
      pool.scatterArray(new Float64Array(10), { rowLength: 3 }),
      (e: Error) => {
        assert.ok(e instanceof RangeError);
        assert.match(e.message, /not a multiple of 'options\.rowLength' \(3\)/);
        return true;
      },
    );
    for (const rowLength of [0, -1, 1.5]) {
      await assert.rejects(
        pool.scatterArray(new Float64Array(4), { rowLength }),
        (e: Error) => e instanceof RangeError && /'options\.rowLength'/.test(e.message),
      );
    }
    await assert.rejects(
      pool.scatterArray(new Float64Array(4), { copy: "no" as never }),
      (e: Error) => e instanceof TypeError && /'options\.copy'/.test(e.message),
    );
    for (const rowLength of ["2", null]) {
      await assert.rejects(
        pool.scatterArray(new Float64Array(4), { rowLength: rowLength as never }),
        (e: Error) =>
          e instanceof TypeError && /'options\.rowLength' must be a number/.test(e.message),
      );
    }
    await assert.rejects(
      pool.scatterArray(new Float64Array(4), { rowLenght: 2 } as never),
      /^TypeError: unknown option 'rowLenght' of scatterArray\(\); known options: copy, rowLength$/,
    );
    for (const handle of [{ removed: false }, null, 3]) {
      await assert.rejects(
        pool.pull(handle as never),
        /^TypeError: 'handle' must be a remote object handle, got /,
      );
    }
    // A typed array consumed by an earlier scatter: named, not an engine error.
    const consumed = new Float64Array([1, 2, 3, 4]);
    await pool.scatterArray(consumed, { copy: false });
    for (const copy of [true, false]) {
      await assert.rejects(
        pool.scatterArray(consumed, { copy }),
        /^TypeError: 'array' is a Float64Array whose buffer was detached/,
      );
    }
  });

  test("map() rejects sequences of unequal length with a RangeError", async () => {
    await assert.rejects(pool.map(tasks.add, [[1, 2, 3], [1, 2]]), (e: Error) => {
      assert.ok(e instanceof RangeError);
      assert.match(e.message, /'sequences' of map\(\) must have equal lengths/);
      assert.match(e.message, /sequences\[1\] has 2/);
      return true;
    });
  });

  test("map() rejects no sequences with a TypeError", async () => {
    await assert.rejects(
      pool.map(tasks.add, [] as never),
      (e: Error) => e instanceof TypeError && /'sequences' of map\(\) is empty/.test(e.message),
    );
    await assert.rejects(
      pool.map(tasks.add, undefined as never),
      (e: Error) => e instanceof TypeError && /'sequences' of map\(\)/.test(e.message),
    );
    await assert.rejects(
      pool.map(tasks.add, [5] as never),
      (e: Error) => e instanceof TypeError && /'sequences\[0\]'/.test(e.message),
    );
  });
});
