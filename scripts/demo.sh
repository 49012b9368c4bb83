#!/usr/bin/env bash
# Sets up a fresh machine (idempotent), builds, and runs the main job on the
# embedded defaults: no credentials, no network.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/build.sh
MIRI=build/src/app/miri
"$MIRI" --help
echo
echo "Auditing a sample prompt for Miri:"
"$MIRI" audit --lora miriN14 --shot sh1 --version-id v1 --model-code FLUX2 - <<'PROMPT' || true
[sh1]_[v1]_[FLUX2] miriN14 Miri, Child physique, Young girl, Loose fit, Heavy fabric, Mid-calf, Mouth CLOSED. Miri at a rainy window, dusk light.
PROMPT
