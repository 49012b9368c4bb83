#!/usr/bin/env bash
# Static checks, run by .ci/run before the tests: C++ formatting
# (clang-format, .clang-format), ESLint, the generated API types (web/'s
# openapi.gen.ts against src/http/openapi.json) and tsc on the dashboard.
# Every step runs, prints its time, and a failing one is named at the end;
# the exit status is non-zero if any failed. Needs clang-format and
# web/node_modules: scripts/bootstrap.sh installs both.
set -euo pipefail
cd "$(dirname "$0")/.."

failed=()

# run_step NAME WHAT HINT COMMAND...: runs COMMAND (which checks WHAT),
# prints its time, and records NAME (with HINT, how to fix or reproduce it)
# if it fails.
run_step() {
  local name=$1 what=$2 hint=$3
  shift 3
  echo "==> lint [$name] $what"
  local start=${EPOCHREALTIME/./} status=0
  "$@" || status=$?
  local us=$((${EPOCHREALTIME/./} - start))
  local took
  took=$(printf '%d.%01d s' $((us / 1000000)) $((us % 1000000 / 100000)))
  if ((status == 0)); then
    echo "==> lint [$name] ok ($took)"
  else
    echo "==> lint [$name] FAILED ($took, exit $status): $hint" >&2
    failed+=("$name")
  fi
}

cxx_files() {
  git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'bench/*.h' \
    'fuzz/*.cc' 'fuzz/*.h'
}

check_format() {
  if ! command -v clang-format >/dev/null; then
    echo "clang-format is not installed (bash scripts/bootstrap.sh installs it)" >&2
    return 127
  fi
  echo "    $(cxx_files | wc -l) files, $(clang-format --version)"
  cxx_files | xargs -r clang-format --dry-run --Werror
}

check_web() {  # check_web SCRIPT: npm run SCRIPT in web/
  if [ ! -d web/node_modules ]; then
    echo "web/node_modules is missing (bash scripts/bootstrap.sh runs npm ci there)" >&2
    return 127
  fi
  npm --prefix web run --silent "$1"
}

run_step clang-format "C++ under src/ tests/ bench/ fuzz/ against .clang-format" \
  "C++ not formatted as .clang-format says; fix with: git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'tests/*.h' 'bench/*.cc' 'bench/*.h' 'fuzz/*.cc' 'fuzz/*.h' | xargs clang-format -i" \
  check_format

# ---- clang-tidy: its step goes here (issue 22, later) ----------------------
# A run_step over cxx_files with the build's compile_commands.json; not added
# yet (bootstrap.sh already installs clang-tidy).
# ---------------------------------------------------------------------------

run_step eslint "web/: eslint . (typescript-eslint type-aware, react-hooks; web/eslint.config.js)" \
  "ESLint findings in web/; reproduce with: npm --prefix web run lint" check_web lint

run_step openapi-types "web/: src/api/openapi.gen.ts is what src/http/openapi.json generates (openapi-typescript)" \
  "the web's API types are stale against src/http/openapi.json; regenerate with: npm --prefix web run gen:api (then fix what tsc reports and commit web/src/api/openapi.gen.ts)" \
  check_web check:api

run_step tsc "web/: tsc --noEmit (src, its tests, the vite and Playwright configs, e2e/; TypeScript 7)" \
  "type errors in web/; reproduce with: npm --prefix web run typecheck" check_web typecheck

if ((${#failed[@]})); then
  echo "lint: FAILED: ${failed[*]}" >&2
  exit 1
fi
echo "lint: all checks passed"
