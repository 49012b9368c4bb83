#!/usr/bin/env bash
# Configures and builds Miri (preset "default": build/, Ninja, RelWithDebInfo).
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f build/CMakeCache.txt ] || cmake --preset default >/dev/null
cmake --build --preset default -j "$(nproc)"
