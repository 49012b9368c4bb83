#!/usr/bin/env bash
# Configures and builds Miri (preset "default": build/, Ninja, RelWithDebInfo).
set -euo pipefail
cd "$(dirname "$0")/.."
# ccache, when installed, makes rebuilds and other checkouts cheap.
launcher=()
command -v ccache >/dev/null 2>&1 && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache -DCMAKE_C_COMPILER_LAUNCHER=ccache)
[ -f build/CMakeCache.txt ] || cmake --preset default "${launcher[@]}" >/dev/null
# Arguments name targets (scripts/demo.sh builds only `miri`); none: all,
# the test binaries included.
targets=()
for t in "$@"; do targets+=(--target "$t"); done
cmake --build --preset default -j "$(nproc)" "${targets[@]}"
