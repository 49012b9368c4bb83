#!/usr/bin/env bash
# Builds the libFuzzer targets (fuzz/: clang, -DMIRI_FUZZ=ON, build-fuzz/)
# and runs each for RUNS executions from its seed corpus (fuzz/corpus/T/),
# then prints one line per target: executions, executions per second,
# seconds, and findings (crashes, leaks, timeouts, out-of-memory), whose
# inputs are kept in build-fuzz/fuzz-findings/T/ (until the next run). Exits non-zero on any
# finding; reproduce one with build-fuzz/fuzz/T_fuzzer FILE.
#
# Usage: bench/fuzz/run.sh [--runs N] [--seconds S] [target...]
#   default: --runs 1000000, no time limit, every target
#   CI (scripts/test.sh): --runs 20000 --seconds 10
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$root"
build="$root/build-fuzz"
runs=1000000
seconds=0
targets=()
while (($#)); do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    -*) echo "bench/fuzz/run.sh: unknown option $1" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
if ((${#targets[@]} == 0)); then
  for d in fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi

for tool in clang clang++; do
  command -v "$tool" >/dev/null || {
    echo "bench/fuzz/run.sh: $tool is missing (bash scripts/bootstrap.sh installs clang and libclang-rt-14-dev)" >&2
    exit 2
  }
done
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
start=$(date +%s)
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S . -B "$build" -G Ninja -DMIRI_FUZZ=ON -DCMAKE_BUILD_TYPE=Fuzz \
    -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "${launcher[@]}" >/dev/null
fi
build_targets=()
for t in "${targets[@]}"; do build_targets+=(--target "${t}_fuzzer"); done
if ! cmake --build "$build" -j "$(nproc)" "${build_targets[@]}" >"$build/build.log" 2>&1; then
  tail -n 40 "$build/build.log" >&2
  echo "bench/fuzz/run.sh: the fuzz build failed (whole log: $build/build.log)" >&2
  exit 1
fi
echo "built ${#targets[@]} fuzz targets in $(($(date +%s) - start)) s (load average: $(cut -d' ' -f1-3 /proc/loadavg))"

# One line of the table: target execs exec/s seconds crashes leaks timeouts ooms
row() { printf '%-8s %12s %9s %8s %8s %6s %9s %5s\n' "$@"; }
row target execs exec/s seconds crashes leaks timeouts ooms
failed=0
for t in "${targets[@]}"; do
  corpus="$build/fuzz-corpus/$t"     # grows; the seeds stay untouched
  findings="$build/fuzz-findings/$t"
  rm -rf "$findings"
  mkdir -p "$corpus" "$findings"
  log="$build/fuzz-$t.log"
  limits=(-runs="$runs" -timeout=10 -rss_limit_mb=2048 -max_len=8192)
  ((seconds > 0)) && limits+=(-max_total_time="$seconds")
  t0=$(date +%s%N)
  status=0
  "$build/fuzz/${t}_fuzzer" "${limits[@]}" -print_final_stats=1 \
    -artifact_prefix="$findings/" "$corpus" "fuzz/corpus/$t" >"$log" 2>&1 || status=$?
  secs=$(( ($(date +%s%N) - t0) / 1000000 ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # libFuzzer names what it writes: crash-, leak-, timeout-, oom-<sha1>.
  written=$(sed -n 's/.*Test unit written to //p' "$log")
  count() { grep -c "^$findings/$1-" <<<"$written" || true; }
  crashes=$(count crash) leaks=$(count leak) timeouts=$(count timeout) ooms=$(count oom)
  row "$t" "${execs:-?}" "${rate:-?}" "$((secs / 1000)).$((secs % 1000 / 100))" \
    "$crashes" "$leaks" "$timeouts" "$ooms"
  if ((status != 0 || crashes + leaks + timeouts + ooms > 0)); then
    failed=1
    echo "  $t: finding (exit $status); log $log, inputs in $findings/:" >&2
    grep -m 5 -E 'ERROR|SUMMARY|invariant|runtime error' "$log" | sed 's/^/    /' >&2 || true
  fi
done
exit "$failed"
