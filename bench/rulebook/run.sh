#!/usr/bin/env bash
# Active Rulebook: retrieval latency with 10,000 rules.
set -euo pipefail
cd "$(dirname "$0")/../.."
cmake --build build --target rulebook_bench >/dev/null
build/bench/rulebook/rulebook_bench
