#!/usr/bin/env bash
# The npm package as a user gets it: `npm pack` (which builds dist/), check what the tarball holds,
# install it into an empty project (from the npm cache: superjson is its only dependency), then run the
# README's Node example and the conformance suite against the installed package under Node and
# Bun (and Deno, from node_modules), and type-check a user's TypeScript file under a strict tsconfig
# with and without the DOM lib, skipLibCheck off. Node 22 and 24 run too (`npx -y node@22`, fetched from the registry)
# Run by scripts/test.sh; alone: bash scripts/pack_test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
bin=$repo/node_modules/.bin
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { printf '\n== %s\n' "$*"; }
fail() {
  echo "pack test: $*" >&2
  exit 1
}

step "npm pack (builds dist/)"
tgz=$work/$(npm pack --silent --pack-destination "$work" 2>/dev/null | tail -1)
[ -f "$tgz" ] || fail "npm pack made no tarball"
tar -tzf "$tgz" | sed 's#^package/##' | sort >"$work/files"
if grep -E '^(tests|bench|examples|scripts|src|adapters|\.ci|node_modules)/|_test\.|\.ts$' "$work/files" |
  grep -v '\.d\.ts$'; then
  fail "the tarball holds the files above, which users do not need"
fi
for f in package.json README.md LICENSE dist/mod.js dist/mod.d.ts dist/adapters/node_worker/entry.js; do
  grep -qx "$f" "$work/files" || fail "the tarball lacks $f"
done
# Every file the exports map names is in the tarball.
node -e 'for (const v of Object.values(require("./package.json").exports))
  for (const f of typeof v === "string" ? [v] : Object.values(v)) console.log(f.replace(/^\.\//, ""))' |
  while read -r f; do grep -qx "$f" "$work/files" || fail "the exports map names $f, not in the tarball"; done
echo "$(basename "$tgz"): $(wc -l <"$work/files") files, $(du -k "$tgz" | cut -f1) KiB"

step "npm install --prefer-offline into an empty project"
app=$work/app
mkdir "$app"
cd "$app"
echo '{ "name": "app", "private": true, "type": "module" }' >package.json
npm install --prefer-offline --no-audit --no-fund --loglevel=error "$tgz" >/dev/null
deps=$(ls node_modules | grep -v '^\.' | tr '\n' ' ')
echo "node_modules: $deps"
[ -d node_modules/@nats-io ] && fail "the NATS client was installed, but it is optional"
[ -d node_modules/superjson ] || fail "superjson was not installed"

# The README's Node.js example: the code blocks under "### Node.js", each opening with its file name.
awk '/^### Node\.js/ { on = 1; next } /^#/ { on = 0 }
  on && /^```js$/ { getline name; sub(/^\/\/ /, "", name); sub(/:.*/, "", name); file = name;
    print name > "/dev/stderr"; print "// " name > file; next }
  on && /^```$/ { file = ""; next } file { print > file }' "$repo/README.md" 2>"$work/blocks"
[ -f main.mjs ] && [ -f tasks.mjs ] || fail "README has no Node.js example (main.mjs, tasks.mjs)"

step "README example: node $(node --version)"
node main.mjs | tee "$work/node.out"
grep -q "worker 2 of 4" "$work/node.out" || fail "the README example printed something else"

# The conformance suite against the installed package, as a third-party transport would run it.
cat >conformance_test.mjs <<'EOF'
import { createPool } from "@cohort/core";
import { runConformance } from "@cohort/core/testing";
import { nodeWorker } from "@cohort/core/adapters/node-worker";

const adapter = process.env.ADAPTER === "node-worker" ? nodeWorker : process.env.ADAPTER;
runConformance({ name: String(process.env.ADAPTER), createPool: (o) => createPool({ ...o, adapter }) });
EOF
count() { sed 's/\x1b\[[0-9;]*m//g' | grep -E "$1" | tail -1; }
step "conformance: node --test, in-process and node-worker"
for adapter in in-process node-worker; do
  ADAPTER=$adapter node --test --test-reporter=spec conformance_test.mjs >"$work/out" 2>&1 ||
    { cat "$work/out"; fail "node --test failed on $adapter"; }
  echo "$adapter: $(count '^. pass [0-9]+' <"$work/out"), $(count '^. fail [0-9]+' <"$work/out")"
done
step "conformance: bun test, node-worker and bun-worker"
for adapter in node-worker bun-worker; do
  ADAPTER=$adapter "$bin/bun" test ./conformance_test.mjs >"$work/out" 2>&1 ||
    { cat "$work/out"; fail "bun test failed on $adapter"; }
  echo "$adapter: $(count '^ *[0-9]+ pass$' <"$work/out" | xargs), $(count '^ *[0-9]+ fail$' <"$work/out" | xargs)"
done
# The README's Bun example (the ts blocks under "### Bun"), run, bundled by `bun build` as the README
# says, and run again from the bundle alone.
awk '/^### Bun/ { on = 1; next } /^#/ { on = 0 }
  on && /^```ts$/ { getline name; sub(/^\/\/ /, "", name); sub(/:.*/, "", name); file = name;
    print "// " name > file; next }
  on && /^```$/ { file = ""; next } file { print > file }' "$repo/README.md"
[ -f index.ts ] && [ -f tasks.ts ] || fail "README has no Bun example (index.ts, tasks.ts)"
step "README Bun example: bun run index.ts, then from a bun build bundle"
"$bin/bun" run index.ts | tee "$work/bun.out"
grep -q "worker 2 of 4" "$work/bun.out" || fail "the README Bun example printed something else"
bundle=$(grep -o '^bun build .*--entry-naming "\[name\]\.\[ext\]"' "$repo/README.md" | head -1)
[ -n "$bundle" ] || fail "README shows no bun build command"
eval "\"\$bin/\"$bundle --outdir \"\$work/bundle\"" >/dev/null
mv node_modules node_modules.away
(cd "$work/bundle" && "$bin/bun" index.js) | tee "$work/bundle.out"
mv node_modules.away node_modules
grep -q "worker 2 of 4" "$work/bundle.out" || fail "the bundle printed something else"

step "README example: deno run --allow-read (package from node_modules)"
"$bin/deno" run --allow-read main.mjs | tee "$work/deno.out"
grep -q "worker 2 of 4" "$work/deno.out" || fail "the README example printed something else under Deno"

for major in 22 24; do
  # The npm registry serves Node itself (the `node` package); npx fetches it once.
  if timeout 300 npx -y "node@$major" --version >/dev/null 2>&1; then
    step "README example and conformance: node $major (npx -y node@$major)"
    npx -y "node@$major" main.mjs
    ADAPTER=node-worker npx -y "node@$major" --test conformance_test.mjs >"$work/out" 2>&1 ||
      { cat "$work/out"; fail "node $major --test failed"; }
    grep -E "^(# |ℹ )(pass|fail) [0-9]+" "$work/out" || true
  else
    echo "node $major: skipped, npx could not fetch node@$major from the registry"
  fi
done

step "types: a user's file under strict + noUncheckedIndexedAccess, skipLibCheck off"
cat >user.ts <<'EOF'
import { createPool, defineTasks, immutable, type Pool, RemoteError } from "@cohort/core";
import { nodeWorker, type NodeWorkerTransport } from "@cohort/core/adapters/node-worker";
import { inProcess } from "@cohort/core/adapters/in-process";
import type { Adapter, Transport } from "@cohort/core/transport";
import { type ConformanceOptions } from "@cohort/core/testing";

export const tasks = defineTasks(import.meta.url, {
  add: (a: number, b: number): number => a + b,
  sum: (xs: Float64Array): number => xs.reduce((s, x) => s + x, 0),
});
export async function main(): Promise<number[]> {
  const pool: Pool = await createPool({ adapter: nodeWorker, workers: 2 });
  const model = await pool.push(immutable({ xs: new Float64Array(4) }));
  const sums: number[] = await pool.apply(tasks.sum, new Float64Array([1, 2]));
  const added: number[] = await pool.map(tasks.add, [[1, 2]], 3);
  const first: number | undefined = added[0];
  // @ts-expect-error: add takes numbers
  await pool.map(tasks.add, [["a"]], 3);
  await model.remove();
  await pool.close();
  return [...sums, first ?? 0, new RemoteError(0, { name: "E", message: "m" }).workerIndex];
}
export const adapters: Adapter[] = [nodeWorker, inProcess];
export type Kill = NodeWorkerTransport["kill"];
export type Send = Transport["send"];
export type Options = ConformanceOptions;
EOF
base='"strict": true, "noUncheckedIndexedAccess": true, "skipLibCheck": false, "noEmit": true,
  "target": "ES2022", "module": "NodeNext", "moduleResolution": "NodeNext",
  "types": ["node"], "typeRoots": ["'"$repo"'/node_modules/@types"]'
for lib in '"ES2022", "DOM"' '"ES2022"'; do
  echo "{ \"compilerOptions\": { $base, \"lib\": [$lib] }, \"files\": [\"user.ts\"] }" >tsconfig.json
  "$bin/tsc" -p tsconfig.json || fail "tsc found errors with lib [$lib]"
  echo "lib [$lib]: 0 errors"
done
# The Bun example under bun init's settings (bun-types aside: node's types stand in).
cat >tsconfig.json <<JSON
{ "compilerOptions": { "lib": ["ESNext"], "target": "ESNext", "module": "Preserve",
  "moduleDetection": "force", "moduleResolution": "bundler", "allowImportingTsExtensions": true,
  "verbatimModuleSyntax": true, "noEmit": true, "strict": true, "skipLibCheck": false,
  "noUncheckedIndexedAccess": true, "noImplicitOverride": true,
  "types": ["node"], "typeRoots": ["$repo/node_modules/@types"] }, "files": ["index.ts"] }
JSON
"$bin/tsc" -p tsconfig.json || fail "tsc found errors in the README's Bun example"
echo "README Bun example under bun init's tsconfig: 0 errors"
echo
echo "pack test passed"
