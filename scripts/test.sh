#!/usr/bin/env bash
# Sets up a fresh machine (idempotent), builds, and runs every test.
# Tests that need servers start and stop their own on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/build.sh
# No retries: a test that fails once is a failure (a flake is a bug to fix).
ctest --preset default --output-on-failure
# Every libFuzzer target briefly (clang, build-fuzz/; bench/fuzz/run.sh runs
# them for a million executions each): its seeds and 20,000 executions or
# 10 s, whichever comes first. A finding fails the run.
bash bench/fuzz/run.sh --runs 20000 --seconds 10
