const which = (globalThis as any).Deno ? "deno" : "bun";
const N = 20000;
const items = Array.from({ length: N }, (_, i) => i);
async function tryIt(name: string, f: () => Promise<void>) {
  try { const t = performance.now(); await f(); console.log(which, name, "ok", (performance.now() - t).toFixed(0), "ms"); }
  catch (e) { console.log(which, name, "FAIL", String(e).slice(0, 300)); }
}
await tryIt("piscina", async () => {
  const { Piscina } = await import("piscina");
  const p = new Piscina({ filename: new URL("./fixtures/inc_worker.ts", import.meta.url).href, minThreads: 2, maxThreads: 2 });
  await Promise.all(items.map((x) => p.run(x)));
  const t = performance.now();
  const r = await Promise.all(items.map((x) => p.run(x)));
  console.log(which, "piscina rate", (N / (performance.now() - t) * 1000).toFixed(0), r[5]);
  await p.destroy();
});
await tryIt("tinypool", async () => {
  const { Tinypool } = await import("tinypool");
  const p = new Tinypool({ filename: new URL("./fixtures/inc_worker.ts", import.meta.url).href, minThreads: 2, maxThreads: 2 });
  await Promise.all(items.map((x) => p.run(x)));
  const t = performance.now();
  const r = await Promise.all(items.map((x) => p.run(x)));
  console.log(which, "tinypool rate", (N / (performance.now() - t) * 1000).toFixed(0), r[5]);
  await p.destroy();
});
await tryIt("poolifier", async () => {
  const { FixedThreadPool } = await import("poolifier-web-worker");
  const p = new FixedThreadPool(2, new URL("./fixtures/poolifier_worker.ts", import.meta.url), {});
  await Promise.all(items.map((x) => p.execute(x)));
  const t = performance.now();
  const r = await Promise.all(items.map((x) => p.execute(x)));
  console.log(which, "poolifier rate", (N / (performance.now() - t) * 1000).toFixed(0), r[5]);
  await p.destroy();
});
