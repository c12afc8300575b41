#!/usr/bin/env bash
# The whole test suite, as `npm test` and CI run it. Fails on the first failing step.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=node_modules/.bin
step() { printf '\n== %s\n' "$*"; }

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
$bin/deno test -A --no-check --quiet $deno_tests
step "bun test (Bun)"
$bin/bun test --timeout 120000 $(printf './%s ' $bun_tests)
step "deno publish --dry-run (JSR readiness)"
$bin/deno publish --dry-run --allow-dirty --quiet
step "deno doc --lint mod.ts"
$bin/deno doc --lint mod.ts >/dev/null
echo
echo "all steps passed"
