#!/usr/bin/env bash
# Runs every runnable example in the doc comments (`deno test --doc`): the entry points and
# every published module with a ```ts block (src/, runtime/, testing/, adapters/). Examples
# import "@cohort/core" and its subpaths, which resolve to this package by deno.json's name
# and exports. Extra arguments go to `deno test` (e.g. --quiet).
set -euo pipefail
cd "$(dirname "$0")/.."
files=$(grep -l '```ts' mod.ts transport.ts src/*.ts runtime/*.ts testing/*.ts adapters/*.ts adapters/*/*.ts)
# shellcheck disable=SC2086
exec node_modules/.bin/deno test --doc -A "$@" $files
