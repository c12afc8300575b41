#!/usr/bin/env bash
# The whole test suite, as `npm test` and CI run it. Fails on the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=node_modules/.bin
step() { printf '\n== %s\n' "$*"; }
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

deno_tests=$(ls tests/*_test.ts | grep -v '^tests/bun_' | grep -v '^tests/browser_')
bun_tests=$(ls tests/*_test.ts | grep -v '^tests/deno_' | grep -v '^tests/browser_')

step "deno check (every file)"
$bin/deno check --quiet .
step "deno lint"
$bin/deno lint --quiet
step "deno fmt --check"
$bin/deno fmt --check --quiet
step "unit tests (Deno): the internals, once, without a transport"
$bin/deno test -A --no-check --quiet tests/unit/ 2>&1 | tee "$log/unit_deno"
step "unit tests (Bun)"
$bin/bun test --timeout 60000 ./tests/unit/ 2>&1 | tee "$log/unit_bun"
step "deno test (Deno)"
# Every file was type-checked above; --no-check spares each Deno worker a second check.
$bin/deno test -A --no-check --quiet $deno_tests 2>&1 | tee "$log/deno"
step "bun test (Bun)"
$bin/bun test --timeout 120000 $(printf './%s ' $bun_tests) 2>&1 | tee "$log/bun"
step "browser (headless Chromium: conformance and faults on web-worker, demo page)"
$bin/deno test -A --no-check tests/browser_*_test.ts 2>&1 | tee "$log/browser"
step "npm run build (dist/: ES modules and .d.ts for Node and Bun)"
node scripts/build.mjs
step "node --test (Node $(node --version): the built package, in-process and node-worker)"
node --test tests/node/*_test.mjs 2>&1 | tee "$log/node"
step "npm pack: install the tarball, run it under Node, Bun and Deno, type-check a user's project"
bash scripts/pack_test.sh
step "deno publish --dry-run (JSR readiness)"
$bin/deno publish --dry-run --allow-dirty --quiet
step "deno doc --lint (every entry point)"
$bin/deno doc --lint mod.ts transport.ts testing/conformance.ts adapters/in_process.ts adapters/web_worker/deno.ts adapters/web_worker/bun.ts adapters/web_worker/browser.ts adapters/node_worker/node.ts adapters/nats/pool.ts adapters/nats/worker.ts >/dev/null
step "deno test --doc (every runnable example in the doc comments)"
bash scripts/doc_test.sh --quiet 2>&1 | tee "$log/doc"
# One closing line for all runners. Deno: every passed test without children (top-level tests
# and steps; a group's own "... ok" line and its opening "name ..." line cancel out).
strip() { sed 's/\x1b\[[0-9;]*m//g' "$1"; }
deno_leaves() { echo $(( $(strip "$1" | grep -cE ' \.\.\. ok' || true) - $(strip "$1" | grep -cE ' \.\.\.$' || true) )); }
deno_n=$(deno_leaves "$log/deno")
unit_deno_n=$(deno_leaves "$log/unit_deno")
unit_bun_n=$(strip "$log/unit_bun" | grep -oE '^ *[0-9]+ pass$' | tail -1 | tr -dc '0-9')
doc_n=$(strip "$log/doc" | grep -oE '^ok \| [0-9]+ passed' | tail -1 | tr -dc '0-9')
bun_n=$(strip "$log/bun" | grep -oE '^ *[0-9]+ pass$' | tail -1 | tr -dc '0-9')
bun_skip=$(strip "$log/bun" | grep -oE '^ *[0-9]+ skip$' | tail -1 | tr -dc '0-9')
# Browser: the conformance and fault results (one step each) plus the demo smoke test.
browser_conf=$(strip "$log/browser" | grep -oE '^browser conformance .*: [0-9]+ passed' | grep -oE '[0-9]+ passed' | tr -dc '0-9' || true)
browser_faults=$(strip "$log/browser" | grep -oE '^browser faults .*: [0-9]+ passed' | grep -oE '[0-9]+ passed' | tr -dc '0-9' || true)
browser_demo=$(strip "$log/browser" | grep -cE '^browser demo: basis' || true)
browser_n=$(( ${browser_conf:-0} + ${browser_faults:-0} + ${browser_demo:-0} ))
node_n=$(strip "$log/node" | grep -oE '^# pass [0-9]+' | tail -1 | tr -dc '0-9')
browser_skip=$(strip "$log/browser" | grep -cE '^browser (conformance|demo): skipped' || true)
browser_skip=$(( browser_skip + $(strip "$log/browser" | { grep -E '^browser (conformance|faults) \(' || true; } | { grep -oE '[0-9]+ skipped' || true; } | awk '{ n += $1 } END { print n + 0 }') ))
echo
echo "unit: ${unit_deno_n:-0} passed under Deno, ${unit_bun_n:-0} under Bun;" \
  "doc examples: ${doc_n:-0} passed"
echo "deno test: ${deno_n:-0} passed; bun test: ${bun_n:-0} passed, ${bun_skip:-0} skipped;" \
  "browser: ${browser_conf:-0} conformance + ${browser_faults:-0} faults + ${browser_demo:-0} demo" \
  "passed, ${browser_skip:-0} skipped;" \
  "node --test: ${node_n:-0} passed"
echo "all steps passed"
echo "$(( ${deno_n:-0} + ${bun_n:-0} + browser_n + ${node_n:-0} + ${unit_deno_n:-0} + ${unit_bun_n:-0} + ${doc_n:-0} )) passed, 0 failed," \
  "$(( ${bun_skip:-0} + ${browser_skip:-0} )) skipped"
