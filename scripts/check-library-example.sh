#!/usr/bin/env bash
# Builds Examples/UseMFG against this repository as a *versioned* SwiftPM dependency (a clone of
# the committed HEAD, tagged 0.1.0) and runs it on problems/quick.yaml: the check that another
# Swift package can depend on mfg with `from: "0.1.0"` (SwiftPM refuses versioned dependencies
# whose targets use unsafeFlags) and use it as docs/library.md shows.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone -q "$root" "$work/MeanFieldGames"
git -C "$work/MeanFieldGames" tag 0.1.0
cp -r "$root/Examples/UseMFG" "$work/UseMFG"
export MFG_PACKAGE_URL="file://$work/MeanFieldGames"
cd "$work/UseMFG"
echo "library example: building against $MFG_PACKAGE_URL (tag 0.1.0)"
swift build 2>&1 | tail -n 2
OPENBLAS_NUM_THREADS=1 "$(swift build --show-bin-path)/use-mfg" "$root/problems/quick.yaml" 20 "$work/check.h5"
