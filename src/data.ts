/**
 * Remote data: pushing a value to every worker, scattering chunks, and
 * reading each worker's copy back (`pull`).
 *
 * @module
 */
import { attempt, callName, type CallOptions, gather } from "./calls.ts";
import { decode, encode, encodeWalked } from "./codec.ts";
import { type PoolCore, snapshot } from "./core.ts";
import { describe } from "./describe.ts";
import { isImmutable } from "./immutable.ts";
import { RemoteObject } from "./remote_object.ts";
import { scatterChunks, type ScatterOptions } from "./scatter.ts";
import { shareParts } from "./share.ts";
import { walkValue } from "./walk.ts";

/** `pool.push(value)`: one put per worker, or a new handle to an immutable already there. */
export async function pushValue<T>(
  core: PoolCore,
  options: CallOptions,
  value: T,
): Promise<RemoteObject<T>> {
  const { registry, workers } = core;
  const frozen = isImmutable(value);
  const hit = frozen ? registry.pushed(value as object) : undefined;
  if (hit) {
    hit.entry.refs++;
    const handle = registry.handle<T>(hit.entry);
    await hit.stored.catch(async (e) => {
      await handle.remove();
      throw e;
    });
    return handle;
  }
  let { encoded } = encode(value, "value", registry.hooks);
  options.signal?.throwIfAborted(); // before anything is sent, or deleted again
  // An immutable on worker threads: one shared copy, viewed by every worker (and by restores).
  if (frozen && workers.sharedMemory) encoded = shareParts(encoded);
  const kept = frozen || !core.restore ? encoded : snapshot(encoded);
  const entry = core.entry({ kind: "all", value: kept });
  const out = { message: { type: "put", object: entry.id, value: encoded } } as const;
  const name = callName("push");
  const stored = core.store(
    entry,
    core.targets().map((i) => attempt(workers, i, out, options, name)),
  );
  if (frozen) {
    stored.catch(() => {});
    registry.rememberImmutable(value as object, entry, stored);
  }
  await stored;
  return registry.handle<T>(entry);
}

/** `scatterList` / `scatterArray`: chunk i to worker i, walked once as a whole. */
export async function scatter<T>(
  core: PoolCore,
  options: CallOptions,
  array: unknown,
  name: string,
  scatterOptions: ScatterOptions,
): Promise<RemoteObject<T>> {
  const { registry, workers, restore } = core;
  if (name === "list" && !Array.isArray(array)) {
    throw new TypeError(`'list' must be an array, got ${describe(array)}`);
  }
  const walk = Array.isArray(array) ? walkValue(array, name, registry.hooks) : undefined;
  options.signal?.throwIfAborted(); // before a consuming scatter takes the source
  const chunks = scatterChunks(array, core.size, scatterOptions, name);
  const encoded = chunks.map((c) =>
    walk ? encodeWalked(c.value, walk, name) : encode(c.value, name, registry.hooks)
  );
  const entry = core.entry({ kind: "each", values: encoded.map((e) => e.encoded) });
  const call = callName(name === "list" ? "scatterList" : "scatterArray");
  await core.store(
    entry,
    core.targets().map((i) => {
      // Kept for restores, a chunk is copied to its worker; otherwise it moves there.
      const transfer = restore ? [] : [...encoded[i].fresh, ...chunks[i].transfer];
      const message = { type: "put", object: entry.id, value: encoded[i].encoded } as const;
      return attempt(workers, i, { message, transfer }, options, call);
    }),
  );
  return registry.handle<T>(entry);
}

/** `pool.pull(handle)`: each worker's current value, in worker order. */
export async function pullValues<T>(
  core: PoolCore,
  options: CallOptions,
  handle: RemoteObject<T>,
): Promise<T[]> {
  const { registry, workers } = core;
  if (!(handle instanceof RemoteObject)) {
    throw new TypeError(`'handle' must be a remote object handle, got ${describe(handle)}`);
  }
  const id = registry.idOf(handle, "handle");
  const out = { message: { type: "get", object: id } } as const;
  const answers = await gather(
    Array.from({ length: core.size }, (_, i) => attempt(workers, i, out, options, "pull()")),
  );
  return answers.map((a) => decode(a) as T);
}
