/**
 * The conformance suite every transport passes: one named test per sentence
 * of the contract that a transport can hold. Run it from a test file with a
 * pool factory; it registers `node:test` cases, so it runs under `deno test`
 * and `bun test` alike.
 *
 * @example
 * ```ts ignore
 * import { runConformance } from "@cohort/core/testing";
 * import { createPool } from "@cohort/core";
 *
 * runConformance({
 *   name: "my-transport",
 *   createPool: (options) => createPool({ ...options, adapter: myAdapter }),
 * });
 * ```
 *
 * @module
 */
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import {
  chunkRanges,
  defineTasks,
  immutable,
  type Pool,
  PoolClosedError,
  RemoteError,
  RemovedObjectError,
  workerContext,
} from "../mod.ts";
import { tasks, Unregistered, Vec } from "./conformance_tasks.ts";

/**
 * Options of {@linkcode runConformance}.
 *
 * @example
 * ```ts ignore
 * import { createPool } from "@cohort/core";
 * import { type ConformanceOptions, runConformance } from "@cohort/core/testing";
 * import { myAdapter } from "../tests/my_adapter.ts";
 *
 * const options: ConformanceOptions = {
 *   name: "my-transport",
 *   createPool: (options) => createPool({ ...options, adapter: myAdapter }),
 *   skip: { "apply() carries 16 MiB typed arrays both ways": "frames are limited to 1 MiB" },
 *   timeout: 10_000,
 * };
 * runConformance(options);
 * ```
 */
export interface ConformanceOptions {
  /** The adapter's name, shown in test names. */
  name: string;
  /** Makes a pool on the transport under test. */
  createPool(options: { workers: number; seed?: number }): Promise<Pool>;
  /** Tests to skip, by test name, with the reason. */
  skip?: Record<string, string>;
  /** Milliseconds before a test counts as hung (default 60,000). */
  timeout?: number;
}

const WORKERS = 4;

/** `tasks.echo` is generic, so its results come back `unknown`: this restores the type. */
const echoed = <T>(results: unknown): T => results as T;
const MiB = 1024 * 1024;

/**
 * Registers the conformance tests for one transport.
 *
 * @param options The pool factory, the adapter's name and optional skips.
 *
 * @example A test file for a custom transport, run by `deno test` or `bun test`
 * ```ts ignore
 * // my_transport_test.ts
 * import { createPool } from "@cohort/core";
 * import { runConformance } from "@cohort/core/testing";
 * import { myAdapter } from "../tests/my_adapter.ts";
 *
 * runConformance({
 *   name: "my-transport",
 *   createPool: (options) => createPool({ ...options, adapter: myAdapter }),
 * });
 * ```
 */
export function runConformance(options: ConformanceOptions): void {
  const { name, skip = {}, timeout = 60_000 } = options;
  let pool: Pool;
  const fresh = async (workers = WORKERS, seed?: number): Promise<Pool> =>
    await options.createPool(seed === undefined ? { workers } : { workers, seed });

  const it = (title: string, fn: () => Promise<void>): void => {
    if (skip[title]) {
      test.skip(`${title} (skipped: ${skip[title]})`, () => {});
      return;
    }
    test(title, async () => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const hung = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${title}: hung for ${timeout} ms`)), timeout);
      });
      try {
        await Promise.race([fn(), hung]);
      } finally {
        clearTimeout(timer);
      }
    });
  };

  describe(`conformance: ${name}`, () => {
    before(async () => {
      pool = await fresh();
    });
    after(async () => {
      await pool?.close();
    });

    // --- Public API shape ---
    it("createPool() resolves a pool of the requested size", async () => {
      assert.equal(pool.size, WORKERS);
      assert.deepEqual(await pool.apply(tasks.index), [0, 1, 2, 3]);
    });

    it("every pool method returns a promise and refusals reject it", async () => {
      const calls = [
        () => pool.apply((() => 1) as never),
        () => pool.applyOnly(tasks.index, 9),
        () => pool.map(tasks.add, [] as never),
        () => pool.scatterList(5 as never),
        () => pool.scatterArray({} as never),
        () => pool.push(Symbol("x")),
      ];
      for (const call of calls) {
        const p = call();
        assert.ok(p instanceof Promise);
        await assert.rejects(p);
      }
    });

    // --- Tasks ---
    it("defineTasks() tasks stay callable locally", () => {
      assert.equal(tasks.add(2, 3), 5);
      assert.equal(tasks.add.taskName, "add");
      assert.equal(
        tasks.add.module,
        new URL("./conformance_tasks.ts", import.meta.url).href,
      );
      return Promise.resolve();
    });

    it("apply() refuses a plain function with a TypeError saying how to define a task", async () => {
      await assert.rejects(pool.apply(((a: number) => a) as never, 1), (e: Error) => {
        assert.ok(e instanceof TypeError);
        assert.match(e.message, /'task' of apply\(\)/);
        assert.match(e.message, /defineTasks\(import\.meta\.url/);
        return true;
      });
      await assert.rejects(pool.applyOnly((() => 1) as never, 0), /'task' of applyOnly\(\)/);
      await assert.rejects(pool.map((() => 1) as never, [[1]]), /'task' of map\(\)/);
    });

    it("apply() runs calls on one worker in FIFO order, awaiting async tasks", async () => {
      await pool.apply(tasks.takeLog);
      const calls: Promise<number>[] = [];
      for (let i = 0; i < 30; i++) {
        calls.push(
          i % 3 === 0 ? pool.applyOnly(tasks.logSlowly, 1, i, 2) : pool.applyOnly(tasks.log, 1, i),
        );
      }
      const lengths = await Promise.all(calls);
      assert.deepEqual(lengths, Array.from({ length: 30 }, (_, i) => i + 1));
      assert.deepEqual(await pool.applyOnly(tasks.takeLog, 1), [...Array(30).keys()]);
    });

    // --- apply / applyOnly ---
    it("apply() returns results in worker order", async () => {
      // Worker 0 finishes last, yet comes first.
      const order = await pool.apply(tasks.asyncIndex, 0);
      assert.deepEqual(order, [0, 1, 2, 3]);
      assert.deepEqual(await pool.apply(tasks.add, 40, 2), [42, 42, 42, 42]);
    });

    it("applyOnly() runs on the given worker only", async () => {
      await pool.apply(tasks.takeLog);
      for (let w = 0; w < WORKERS; w++) {
        assert.equal(await pool.applyOnly(tasks.index, w), w);
        assert.equal(await pool.applyOnly(tasks.log, w, `on ${w}`), 1);
      }
      assert.deepEqual(await pool.apply(tasks.takeLog), [["on 0"], ["on 1"], ["on 2"], ["on 3"]]);
      assert.equal(await pool.applyOnly(tasks.add, 2, 1, 2), 3);
    });

    it("applyOnly() rejects a worker index outside [0, size) with a RangeError naming 'worker'", async () => {
      for (const bad of [-1, WORKERS, 1.5, NaN, Infinity, "1", null]) {
        await assert.rejects(pool.applyOnly(tasks.index, bad as number), (e: Error) => {
          assert.ok(e instanceof RangeError, `${String(bad)} gave ${e.name}`);
          assert.match(e.message, /'worker' must be an integer in \[0, 4\)/);
          return true;
        });
      }
    });

    // --- Chunks and scatter ---
    it("chunkRanges() splits into size chunks of ceil(n / size) items", () => {
      const sizes = (n: number) => chunkRanges(n, 4).map((r) => r.end - r.start);
      assert.deepEqual(sizes(0), [0, 0, 0, 0]);
      assert.deepEqual(sizes(1), [1, 0, 0, 0]);
      assert.deepEqual(sizes(2), [1, 1, 0, 0]);
      assert.deepEqual(sizes(5), [2, 2, 1, 0]);
      assert.deepEqual(sizes(10), [3, 3, 3, 1]);
      assert.deepEqual(sizes(13), [4, 4, 4, 1]);
      return Promise.resolve();
    });

    it("scatterList() gives worker i chunk i (0, 1, 2, 5, 10, 13 items on 4 workers)", async () => {
      const expected: Record<number, number[]> = {
        0: [0, 0, 0, 0],
        1: [1, 0, 0, 0],
        2: [1, 1, 0, 0],
        5: [2, 2, 1, 0],
        10: [3, 3, 3, 1],
        13: [4, 4, 4, 1],
      };
      for (const [n, sizes] of Object.entries(expected)) {
        const list = Array.from({ length: Number(n) }, (_, i) => ({ i }));
        await using handle = await pool.scatterList(list);
        assert.deepEqual(await pool.apply(tasks.length, handle), sizes, `${n} items`);
        const chunks = echoed<{ i: number }[][]>(await pool.apply(tasks.echo, handle));
        assert.deepEqual(chunks.flat(), list);
      }
    });

    it("scatterList() rejects a non-array with a TypeError naming 'list'", async () => {
      await assert.rejects(pool.scatterList("abc" as never), /'list' must be an array/);
      await assert.rejects(pool.scatterList([1, () => 2]), (e: Error) => {
        assert.ok(e instanceof TypeError);
        assert.match(e.message, /^list\[1\] is a function/);
        return true;
      });
    });

    it("scatterArray() cuts whole rows of rowLength and keeps the array kind", async () => {
      const rows = 7;
      const source = Float32Array.from({ length: rows * 3 }, (_, i) => i);
      await using handle = await pool.scatterArray(source, { rowLength: 3 });
      const parts = echoed<Float32Array[]>(await pool.apply(tasks.echo, handle));
      assert.deepEqual(parts.map((p) => p.length), [6, 6, 6, 3]);
      for (const p of parts) assert.ok(p instanceof Float32Array);
      assert.deepEqual(Array.from(parts.flatMap((p) => [...p])), Array.from(source));
      assert.equal(source.length, 21, "copy: true leaves the source intact");
      assert.deepEqual(
        await pool.apply(tasks.sum, handle),
        parts.map((p) => p.reduce((s, x) => s + x, 0)),
      );
    });

    it("scatterArray() with copy: false consumes the source and delivers the rows", async () => {
      const source = Float64Array.from({ length: 10 }, (_, i) => i + 1);
      await using handle = await pool.scatterArray(source, { copy: false });
      assert.equal(source.byteLength, 0, "the source buffer is detached");
      const parts = echoed<Float64Array[]>(await pool.apply(tasks.echo, handle));
      assert.deepEqual(parts.map((p) => Array.from(p)), [[1, 2, 3], [4, 5, 6], [7, 8, 9], [10]]);
      assert.ok(parts.every((p) => p instanceof Float64Array));
    });

    it("scatterArray() splits a plain array like scatterList", async () => {
      await using handle = await pool.scatterArray(["a", "b", "c", "d", "e", "f"], {
        rowLength: 2,
      });
      assert.deepEqual(await pool.apply(tasks.echo, handle), [
        ["a", "b"],
        ["c", "d"],
        ["e", "f"],
        [],
      ]);
    });

    it("scatterArray() rejects bad arguments with errors naming them", async () => {
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
    });

    // --- map ---
    it("map() returns results in input order", async () => {
      const xs = Array.from({ length: 13 }, (_, i) => i);
      const ys = xs.map((x) => 100 * x);
      assert.deepEqual(await pool.map(tasks.add, [xs, ys]), xs.map((x) => 101 * x));
      assert.deepEqual(await pool.map(tasks.add, [[1, 2, 3], [10, 20, 30]]), [11, 22, 33]);
    });

    it("map() passes extra arguments after the sequence items", async () => {
      assert.deepEqual(await pool.map(tasks.add, [[1, 2, 3]], 100), [101, 102, 103]);
      assert.deepEqual(await pool.map(tasks.add3, [[1, 2], [10, 20]], 1000), [1011, 1022]);
    });

    it("map() splits into one contiguous chunk per worker by default", async () => {
      const where = await pool.map(tasks.failOn, [Array(5).fill([])], "");
      // failOn returns the worker index: 5 items on 4 workers are 2, 2, 1, 0.
      assert.deepEqual(where, [0, 0, 1, 1, 2]);
    });

    it("map() accepts typed arrays as sequences", async () => {
      const xs = Float64Array.from([1, 2, 3, 4, 5]);
      assert.deepEqual(await pool.map(tasks.add, [xs], 0.5), [1.5, 2.5, 3.5, 4.5, 5.5]);
    });

    it("map() rejects sequences of unequal length with a RangeError", async () => {
      await assert.rejects(pool.map(tasks.add, [[1, 2, 3], [1, 2]]), (e: Error) => {
        assert.ok(e instanceof RangeError);
        assert.match(e.message, /'sequences' of map\(\) must have equal lengths/);
        assert.match(e.message, /sequences\[1\] has 2/);
        return true;
      });
    });

    it("map() rejects no sequences with a TypeError", async () => {
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

    it("map() of empty sequences returns [] without contacting workers", async () => {
      let busyDone = false;
      const busy = pool.apply(tasks.sleep, 300).then(() => (busyDone = true));
      assert.deepEqual(await pool.map(tasks.add, [[], []]), []);
      assert.equal(busyDone, false, "map([]) did not wait behind the busy workers");
      await busy;
    });

    it("mapWith({ chunkSize }) balances small chunks and keeps input order", async () => {
      const xs = Array.from({ length: 50 }, (_, i) => i);
      const progress: number[] = [];
      const out = await pool.mapWith({ chunkSize: 3, onProgress: (done) => progress.push(done) })(
        tasks.add,
        [xs],
        1,
      );
      assert.deepEqual(out, xs.map((x) => x + 1));
      assert.equal(progress.at(-1), 50);
      assert.equal(progress.length, 17);
      assert.ok(progress.every((d, i) => i === 0 || d > progress[i - 1]));
    });

    it("mapWith({ signal }) rejects with the abort reason", async () => {
      const controller = new AbortController();
      const run = pool.mapWith({ chunkSize: 1, signal: controller.signal })(
        tasks.sleep,
        [Array(40).fill(20)],
      );
      setTimeout(() => controller.abort(new Error("stop now")), 30);
      await assert.rejects(run, /stop now/);
      const already = AbortSignal.abort(new Error("before start"));
      await assert.rejects(pool.mapWith({ signal: already })(tasks.add, [[1]], 1), /before start/);
      await assert.rejects(pool.mapWith({ chunkSize: 0 })(tasks.add, [[1]], 1), RangeError);
      await assert.rejects(pool.with({ timeout: -1 }).apply(tasks.add, 1, 1), /'options.timeout'/);
      assert.deepEqual(await pool.map(tasks.add, [[1]], 1), [2], "the pool still works");
    });

    it("map() reports a failing item as a RemoteError and stays usable", async () => {
      await assert.rejects(pool.map(tasks.failItem, [[0, 1, 2, 3, 4]]), (e: Error) => {
        assert.ok(e instanceof RemoteError);
        assert.equal(e.workerIndex, 1);
        assert.match(e.message, /item three/);
        return true;
      });
      assert.deepEqual(await pool.map(tasks.failItem, [[0, 1, 2]]), [0, 1, 2]);
    });

    // --- Values ---
    it("apply() round-trips every kind of value SPEC lists", async () => {
      const value = {
        json: { s: "text", n: 1.5, b: true, nil: null, list: [1, "two", [3]] },
        undef: undefined,
        big: 2n ** 70n,
        date: new Date("2024-05-06T07:08:09.010Z"),
        re: /a+b/gi,
        map: new Map<unknown, unknown>([["k", 1], [2, { x: [1] }]]),
        set: new Set([1, "a", 3]),
        error: new RangeError("bad range"),
        url: new URL("https://example.org/a?b=c"),
        f64: new Float64Array([1.5, -2, Infinity]),
        f32: new Float32Array([0.5]),
        i8: new Int8Array([-1, 2]),
        u8: new Uint8Array([255]),
        u8c: new Uint8ClampedArray([9]),
        i16: new Int16Array([-3]),
        u16: new Uint16Array([3]),
        i32: new Int32Array([-4]),
        u32: new Uint32Array([4]),
        b64: new BigInt64Array([-5n]),
        bu64: new BigUint64Array([5n]),
        buffer: new Uint8Array([1, 2, 3]).buffer,
        view: new DataView(new Uint8Array([7, 8, 9, 10]).buffer, 1, 2),
        special: [NaN, Infinity, -Infinity, -0],
        vec: new Vec(3, 4),
      };
      const [back] = echoed<(typeof value)[]>(await pool.apply(tasks.echo, value));
      assert.deepEqual(back.json, value.json);
      assert.ok("undef" in back && back.undef === undefined);
      assert.equal(back.big, 2n ** 70n);
      assert.ok(back.date instanceof Date && back.date.getTime() === value.date.getTime());
      assert.ok(back.re instanceof RegExp && back.re.source === "a+b" && back.re.flags === "gi");
      assert.deepEqual(back.map, value.map);
      assert.deepEqual(back.set, value.set);
      assert.ok(back.error instanceof Error);
      assert.equal(back.error.name, "RangeError");
      assert.equal(back.error.message, "bad range");
      assert.ok(back.url instanceof URL && back.url.href === value.url.href);
      for (
        const k of [
          "f64",
          "f32",
          "i8",
          "u8",
          "u8c",
          "i16",
          "u16",
          "i32",
          "u32",
          "b64",
          "bu64",
        ] as const
      ) {
        assert.equal(back[k].constructor, value[k].constructor, k);
        assert.deepEqual(back[k], value[k], k);
      }
      assert.ok(back.buffer instanceof ArrayBuffer);
      assert.deepEqual([...new Uint8Array(back.buffer)], [1, 2, 3]);
      assert.ok(back.view instanceof DataView);
      assert.deepEqual([back.view.getUint8(0), back.view.getUint8(1), back.view.byteLength], [
        8,
        9,
        2,
      ]);
      assert.ok(Number.isNaN(back.special[0]));
      assert.deepEqual(back.special.slice(1, 3), [Infinity, -Infinity]);
      assert.ok(Object.is(back.special[3], -0));
      assert.ok(back.vec instanceof Vec);
      assert.equal(back.vec.norm(), 5);
    });

    it("apply() delivers values with their types to the worker", async () => {
      const kinds = await pool.applyOnly(tasks.kinds, 0, [
        new Date(),
        new Map(),
        new Set(),
        new Float64Array(1),
        new Uint8Array(1).buffer,
        new DataView(new ArrayBuffer(2)),
        new Vec(1, 1),
        new URL("https://example.org"),
        1n,
        undefined,
      ]);
      assert.deepEqual(kinds, [
        "Date",
        "Map",
        "Set",
        "Float64Array",
        "ArrayBuffer",
        "DataView",
        "Vec",
        "URL",
        "bigint",
        "undefined",
      ]);
    });

    it("registerClass() instances arrive with working methods, both ways", async () => {
      assert.deepEqual(await pool.apply(tasks.norm, new Vec(6, 8)), [10, 10, 10, 10]);
      const made = await pool.applyOnly(tasks.makeVec, 3, 5, 12);
      assert.ok(made instanceof Vec);
      assert.equal(made.norm(), 13);
    });

    it("apply() keeps shared references and cycles", async () => {
      const shared = { n: 1 };
      assert.equal(await pool.applyOnly(tasks.same, 0, shared, shared), true);
      assert.equal(await pool.applyOnly(tasks.same, 0, shared, { n: 1 }), false);
      const cyclic: { n: number; self?: unknown } = { n: 1 };
      cyclic.self = cyclic;
      assert.equal(await pool.applyOnly(tasks.isCycle, 1, cyclic as { self: unknown }), true);
      const back = echoed<typeof cyclic>(await pool.applyOnly(tasks.echo, 1, cyclic));
      assert.equal(back.self, back);
      const [pair] = echoed<(typeof shared)[][]>(await pool.apply(tasks.echo, [shared, shared]));
      assert.equal(pair[0], pair[1]);
    });

    it("apply() refuses unsupported values before sending, naming the path", async () => {
      await pool.apply(tasks.takeLog);
      const cases: [unknown, RegExp][] = [
        [{ model: { solver: () => 1 } }, /^args\[0\]\.model\.solver is a function/],
        [[1, Symbol("s")], /^args\[0\]\[1\] is a symbol/],
        [
          { u: new Unregistered() },
          /^args\[0\]\.u is an instance of the unregistered class Unregistered/,
        ],
        [{ p: Promise.resolve(1) }, /^args\[0\]\.p is a Promise/],
        [{ w: new WeakMap() }, /^args\[0\]\.w is a WeakMap/],
        [new Map([["key", { f: () => 1 }]]), /^args\[0\]\.get\("key"\)\.f is a function/],
        [{ "odd key": [() => 1] }, /^args\[0\]\["odd key"\]\[0\] is a function/],
      ];
      for (const [bad, message] of cases) {
        await assert.rejects(pool.apply(tasks.log, bad), (e: Error) => {
          assert.ok(e instanceof TypeError, e.name);
          assert.match(e.message, message);
          return true;
        });
      }
      assert.deepEqual(await pool.apply(tasks.takeLog), [[], [], [], []], "nothing was sent");
    });

    it("apply() rejects a result that cannot be sent back with a RemoteError naming its path", async () => {
      await assert.rejects(pool.applyOnly(tasks.badResult, 0), (e: Error) => {
        assert.ok(e instanceof RemoteError);
        assert.match(e.message, /result\.f is a function/);
        return true;
      });
    });

    it("apply() carries 16 MiB typed arrays both ways", async () => {
      const big = new Float64Array((16 * MiB) / 8);
      for (let i = 0; i < big.length; i++) big[i] = i % 1000;
      const expected = big.reduce((s, x) => s + x, 0);
      assert.deepEqual(await pool.apply(tasks.sum, big), [expected, expected, expected, expected]);
      const back = echoed<Float64Array>(await pool.applyOnly(tasks.echo, 2, big));
      assert.equal(back.length, big.length);
      assert.equal(back[12345], big[12345]);
      assert.notEqual(back, big);
    });

    // --- Remote objects ---
    it("push() stores a copy of a mutable value on every worker", async () => {
      const value = { data: new Float64Array([1, 2, 3]) };
      await using handle = await pool.push(value);
      value.data[0] = 99;
      assert.deepEqual(await pool.apply(tasks.read, handle, 0), [1, 1, 1, 1]);
      await pool.apply(tasks.write, handle, 1, 7);
      assert.deepEqual(await pool.apply(tasks.read, handle, 1), [7, 7, 7, 7]);
      assert.equal(value.data[1], 2, "the local value is untouched");
      const second = await pool.push(value);
      assert.deepEqual(await pool.apply(tasks.read, second, 1), [2, 2, 2, 2], "a new copy");
      await second.remove();
    });

    it("push() of an immutable already on the workers reuses the remote copy", async () => {
      const before = await pool.stats();
      const model = immutable({ data: new Float64Array(4) });
      const a = await pool.push(model);
      const b = await pool.push(model);
      assert.notEqual(a, b);
      const mid = await pool.stats();
      assert.deepEqual(
        mid.workerObjects,
        before.workerObjects.map((n) => n + 1),
        "one remote copy per worker",
      );
      // A write through one handle is seen through the other: same remote copy.
      await pool.apply(tasks.write, a, 0, 42);
      assert.deepEqual(await pool.apply(tasks.read, b, 0), [42, 42, 42, 42]);
      // The immutable itself, passed directly, goes as a reference to that copy.
      assert.deepEqual(await pool.apply(tasks.read, model, 0), [42, 42, 42, 42]);
      await a.remove();
      await b.remove();
    });

    it("push() reference-counts an immutable across handles", async () => {
      const before = await pool.stats();
      const model = immutable({ data: new Float64Array([5, 6]) });
      const a = await pool.push(model);
      const b = await pool.push(model);
      await a.remove();
      assert.equal(a.removed, true);
      assert.equal(b.removed, false);
      assert.deepEqual(await pool.apply(tasks.read, b, 1), [6, 6, 6, 6], "b still works");
      assert.deepEqual(
        (await pool.stats()).workerObjects,
        before.workerObjects.map((n) => n + 1),
      );
      await a.remove(); // idempotent: must not drop b's reference
      assert.deepEqual(await pool.apply(tasks.read, b, 0), [5, 5, 5, 5]);
      await b.remove();
      assert.deepEqual((await pool.stats()).workerObjects, before.workerObjects);
      const c = await pool.push(model);
      assert.deepEqual(await pool.apply(tasks.read, c, 0), [5, 5, 5, 5], "pushed anew");
      await c.remove();
    });

    it("apply() sends an immutable that is not on the workers by value and keeps nothing", async () => {
      const before = await pool.stats();
      const model = immutable({ data: new Float64Array([1, 2]) });
      assert.deepEqual(await pool.apply(tasks.read, model, 1), [2, 2, 2, 2]);
      assert.deepEqual((await pool.stats()).workerObjects, before.workerObjects);
    });

    it("apply() resolves handles nested at any depth to each worker's value", async () => {
      await using model = await pool.push({ data: new Float64Array(5) });
      assert.deepEqual(await pool.apply(tasks.nested, { deep: { list: [{ model }] } }), [
        5,
        5,
        5,
        5,
      ]);
      const map = new Map([["m", model]]);
      const [back] = echoed<Map<string, { data: Float64Array }>[]>(
        await pool.apply(tasks.echo, map),
      );
      assert.equal(back.get("m")?.data.length, 5);
      await using parts = await pool.scatterList([10, 20, 30, 40]);
      assert.deepEqual(await pool.apply(tasks.echo, { parts }), [{ parts: [10] }, { parts: [20] }, {
        parts: [30],
      }, { parts: [40] }]);
    });

    it("remove() deletes the value on every worker, is idempotent and sets removed", async () => {
      const before = await pool.stats();
      const handle = await pool.push([1, 2, 3]);
      assert.equal(handle.removed, false);
      await handle.remove();
      await handle.remove();
      assert.equal(handle.removed, true);
      assert.deepEqual((await pool.stats()).workerObjects, before.workerObjects);
      assert.equal((await pool.stats()).remoteObjects, before.remoteObjects);
    });

    it("a removed handle rejects with RemovedObjectError before anything is sent", async () => {
      await pool.apply(tasks.takeLog);
      const handle = await pool.push({ data: new Float64Array(1) });
      await handle.remove();
      const uses = [
        pool.apply(tasks.log, handle),
        pool.applyOnly(tasks.log, 0, { deep: [handle] }),
        pool.map(tasks.log, [[handle]]),
        pool.map(tasks.add, [[1]], handle as never),
        pool.push({ inner: handle }),
        pool.scatterList([handle]),
      ];
      for (const use of uses) {
        await assert.rejects(use, (e: Error) => {
          assert.ok(e instanceof RemovedObjectError, e.name);
          assert.match(e.message, /removed remote object/);
          return true;
        });
      }
      assert.deepEqual(await pool.apply(tasks.takeLog), [[], [], [], []]);
    });

    it("a handle from another pool is refused with a TypeError", async () => {
      await using other = await fresh(2);
      await using foreign = await other.push(1);
      await assert.rejects(pool.apply(tasks.echo, foreign), (e: Error) => {
        assert.ok(e instanceof TypeError);
        assert.match(e.message, /^args\[0\] is a handle from another pool/);
        return true;
      });
    });

    it("await using removes handles and closes pools", async () => {
      const before = await pool.stats();
      let escaped: { removed: boolean } | undefined;
      {
        await using handle = await pool.push({ a: 1 });
        escaped = handle;
        assert.equal(handle.removed, false);
      }
      assert.equal(escaped.removed, true);
      assert.deepEqual((await pool.stats()).workerObjects, before.workerObjects);
      let closedPool: Pool | undefined;
      {
        await using p = await fresh(1);
        closedPool = p;
        assert.equal(await p.applyOnly(tasks.add, 0, 1, 1), 2);
      }
      assert.equal(closedPool.closed, true);
      await assert.rejects(closedPool.apply(tasks.index), PoolClosedError);
    });

    // --- Faults ---
    it("a task that throws rejects with RemoteError: worker index, remote name, message, stack", async () => {
      await assert.rejects(pool.applyOnly(tasks.fail, 2, "it broke"), (e: Error) => {
        assert.ok(e instanceof RemoteError);
        assert.equal(e.workerIndex, 2);
        assert.equal(e.remoteName, "RangeError");
        assert.match(e.message, /it broke/);
        assert.match(e.remoteStack, /fail/);
        assert.deepEqual(e.failures, [e]);
        return true;
      });
    });

    it("apply() lists every failing worker, lowest first", async () => {
      await assert.rejects(pool.apply(tasks.failOn, [3, 1], "boom"), (e: Error) => {
        assert.ok(e instanceof RemoteError);
        assert.equal(e.workerIndex, 1);
        assert.equal(e.remoteName, "TypeError");
        assert.match(e.message, /boom on 1/);
        assert.deepEqual(e.failures.map((f) => f.workerIndex), [1, 3]);
        assert.match(e.failures[1].message, /boom on 3/);
        return true;
      });
    });

    it("the pool and its remote objects stay usable after a task error", async () => {
      await using handle = await pool.push({ data: new Float64Array([4]) });
      await assert.rejects(pool.apply(tasks.fail, "again"), RemoteError);
      assert.deepEqual(await pool.apply(tasks.read, handle, 0), [4, 4, 4, 4]);
      assert.deepEqual(await pool.apply(tasks.add, 1, 1), [2, 2, 2, 2]);
    });

    it("a task from a module that does not exist rejects with a RemoteError naming it", async () => {
      const missing = new URL("../tests/fixtures/does_not_exist.ts", import.meta.url).href;
      const ghost = defineTasks(missing, { ghost: (): number => 0 });
      await assert.rejects(pool.applyOnly(ghost.ghost, 1), (e: Error) => {
        assert.ok(e instanceof RemoteError);
        assert.equal(e.workerIndex, 1);
        assert.ok(e.message.includes(`cannot import task module ${missing}`), e.message);
        return true;
      });
      assert.equal(await pool.applyOnly(tasks.add, 1, 2, 2), 4, "the worker still answers");
    });

    // --- Worker context ---
    it("workerContext() gives index, size and a per-worker seed", async () => {
      const contexts = await pool.apply(tasks.context);
      assert.deepEqual(contexts.map((c) => [c.index, c.size]), [[0, 4], [1, 4], [2, 4], [3, 4]]);
      const seeds = contexts.map((c) => c.seed);
      assert.equal(new Set(seeds).size, 4, "seeds differ per worker");
      assert.ok(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32));
      assert.throws(() => workerContext(), /only be called inside a task/);
    });

    it("createPool({ seed }) makes worker seeds reproducible", async () => {
      const seedsOf = async (seed: number): Promise<number[]> => {
        await using p = await fresh(3, seed);
        return (await p.apply(tasks.context)).map((c) => c.seed);
      };
      const a = await seedsOf(42);
      assert.deepEqual(await seedsOf(42), a);
      assert.notDeepEqual(await seedsOf(43), a);
    });

    // --- close ---
    it("close() rejects pending calls with PoolClosedError and is idempotent", async () => {
      const p = await fresh(2);
      const pending = p.apply(tasks.sleep, 200);
      const closing = p.close();
      await assert.rejects(pending, PoolClosedError);
      await closing;
      await p.close();
      assert.equal(p.closed, true);
    });

    it("calls after close() reject with PoolClosedError", async () => {
      const p = await fresh(2);
      const handle = await p.push(1);
      await p.close();
      const calls = [
        p.push(1),
        p.scatterList([1]),
        p.scatterArray(new Float64Array(2)),
        p.apply(tasks.index),
        p.applyOnly(tasks.index, 0),
        p.map(tasks.add, [[1]], 1),
        p.map(tasks.add, [[]], 1),
        p.stats(),
      ];
      for (const call of calls) await assert.rejects(call, PoolClosedError);
      await handle.remove(); // removing after close is harmless
      assert.equal(handle.removed, true);
    });
  });
}
