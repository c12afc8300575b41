#!/usr/bin/env bash
# The whole test suite, as `npm test` and CI run it. Fails on the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=node_modules/.bin
step() { printf '\n== %s\n' "$*"; }
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

deno_tests=$(ls tests/*_test.ts | grep -v '^tests/bun_')
bun_tests=$(ls tests/*_test.ts | grep -v '^tests/deno_')

step "deno check (every file)"
$bin/deno check --quiet .
step "deno lint"
$bin/deno lint --quiet
step "deno fmt --check"
$bin/deno fmt --check --quiet
step "deno test (Deno)"
# Every file was type-checked above; --no-check spares each Deno worker a second check.
$bin/deno test -A --no-check --quiet $deno_tests 2>&1 | tee "$log/deno"
step "bun test (Bun)"
$bin/bun test --timeout 120000 $(printf './%s ' $bun_tests) 2>&1 | tee "$log/bun"
step "deno publish --dry-run (JSR readiness)"
$bin/deno publish --dry-run --allow-dirty --quiet
step "deno doc --lint (every entry point)"
$bin/deno doc --lint mod.ts transport.ts testing/conformance.ts adapters/in_process.ts adapters/web_worker/deno.ts adapters/web_worker/bun.ts adapters/nats/pool.ts adapters/nats/worker.ts >/dev/null
# One closing line for both runners: Deno's test steps plus Bun's tests.
strip() { sed 's/\x1b\[[0-9;]*m//g' "$1"; }
deno_n=$(strip "$log/deno" | grep -oE '[0-9]+ passed \([0-9]+ steps\)' | tail -1 | grep -oE '\([0-9]+' | tr -d '(')
bun_n=$(strip "$log/bun" | grep -oE '^ *[0-9]+ pass$' | tail -1 | tr -dc '0-9')
bun_skip=$(strip "$log/bun" | grep -oE '^ *[0-9]+ skip$' | tail -1 | tr -dc '0-9')
echo
echo "deno test: ${deno_n:-0} passed; bun test: ${bun_n:-0} passed, ${bun_skip:-0} skipped"
echo "all steps passed"
echo "$(( ${deno_n:-0} + ${bun_n:-0} )) passed, 0 failed, ${bun_skip:-0} skipped"
