#!/usr/bin/env bash
# Installs everything Miri needs on a fresh Debian 12 machine. Idempotent:
# apt-get and npm skip what is already present.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build pkg-config git ca-certificates ccache
  libboost-dev libboost-system-dev
  nlohmann-json3-dev libexpected-dev libspdlog-dev libfmt-dev libcli11-dev
  libsqlite3-dev sqlite3
  libcurl4-openssl-dev libssl-dev libsodium-dev
  libhiredis-dev redis-server
  libavformat-dev libavcodec-dev libavfilter-dev libswresample-dev libswscale-dev libavutil-dev ffmpeg
  libaubio-dev libcairo2-dev libhnswlib-dev
  libgtest-dev libgmock-dev
  protobuf-compiler libprotobuf-dev libgrpc++-dev protobuf-compiler-grpc
  sox libsox-fmt-mp3 espeak-ng
  wrk
  chromium
  clang-format clang-tidy
  clang libclang-rt-14-dev
)
# Node.js 20 (with its own npm) may already be present; Debian's npm package
# conflicts with such installs, so only add nodejs+npm when node is missing.
command -v node >/dev/null 2>&1 || APT_PACKAGES+=(nodejs npm)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ -f package.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
if [ -f web/package-lock.json ]; then
  npm ci --prefix web --no-audit --no-fund --loglevel=error
fi

# The Firestore tests use Google's official emulator from the Google Cloud
# SDK (not a Debian package; the machine image carries it). Say what is
# missing instead of failing later in the middle of a test run.
if ! command -v gcloud >/dev/null 2>&1 || ! command -v java >/dev/null 2>&1; then
  echo "bootstrap: warning: the Google Cloud SDK (gcloud) with its" \
       "cloud-firestore-emulator component and a Java runtime are needed" \
       "by the Firestore tests; install them (gcloud components install" \
       "cloud-firestore-emulator)." >&2
fi
