#!/usr/bin/env bash
# Quick start: installs what is missing, builds in release mode, and solves the quick problem.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product mfg
# --force: running the quick start again solves afresh (mfg solve refuses a folder holding a checkpoint).
.build/release/mfg solve problems/quick.yaml --out runs/quick --force "$@"
