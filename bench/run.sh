#!/usr/bin/env bash
# Runs every benchmark (bench/*/run.sh) and prints its figures.
# Usage: bench/run.sh [topic...]   e.g. bench/run.sh render planner
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build.sh >/dev/null
topics=("$@")
if [ ${#topics[@]} -eq 0 ]; then
  for d in bench/*/; do [ -f "$d/run.sh" ] && topics+=("$(basename "$d")"); done
fi
for t in "${topics[@]}"; do
  echo "=== bench/$t"
  bash "bench/$t/run.sh"
done
