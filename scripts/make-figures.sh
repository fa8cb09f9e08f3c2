#!/usr/bin/env bash
# Builds mfg (release), solves the gallery's problems into runs/, and renders the figures of
# docs/gallery.md into docs/figures/ (SVG, and PNG when rsvg-convert is installed).
#
#   bash scripts/make-figures.sh            # crowd-motion-d2 and ot-d2 (about 10 and 4 minutes)
#   FULL=1 bash scripts/make-figures.sh     # also crowd-motion-d100 (about 5 minutes on 2 cores)
#
# Environment:
#   FULL=1          also solve and draw crowd-motion-d100
#   ITERATIONS=N    train N iterations instead of the problem file's count (a copy of the file
#                   with the changed count is written to runs/<name>/problem.yaml)
#   SKIP_SOLVE=1    reuse existing runs/<name>/checkpoint.h5
#   THREADS=N       worker threads (default 2)
#   REFERENCE=1     also solve the d = 2 problems on their reference grid (mfg reference, a few
#                   minutes each) and draw the neural-against-grid comparison; an existing
#                   runs/<name>/reference.h5 is drawn without REFERENCE=1
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS="${THREADS:-2}"
swift build -c release --product mfg
MFG=.build/release/mfg
FIG=docs/figures
mkdir -p "$FIG" runs

PNG=()
if command -v rsvg-convert >/dev/null 2>&1; then PNG=(--png)
else echo "rsvg-convert not found (apt-get install librsvg2-bin): writing SVG only"; fi

problems=(crowd-motion-d2 ot-d2)
if [[ "${FULL:-0}" == 1 ]]; then problems+=(crowd-motion-d100); fi

for name in "${problems[@]}"; do
  file="problems/$name.yaml"
  dir="runs/$name"
  mkdir -p "$dir"
  if [[ -n "${ITERATIONS:-}" ]]; then
    sed -E "s/^(  iterations:)[[:space:]]*[0-9_]+/\1 $ITERATIONS/" "$file" > "$dir/problem.yaml"
    file="$dir/problem.yaml"
  fi
  if [[ "${SKIP_SOLVE:-0}" != 1 || ! -f "$dir/checkpoint.h5" ]]; then
    echo "== solving $file"
    "$MFG" solve "$file" --out "$dir" --threads "$THREADS" --force    # solves afresh over an earlier run
  fi
  for kind in paths density training; do
    echo "== $name: $kind"
    "$MFG" plot "$dir/checkpoint.h5" --kind "$kind" --out "$FIG/$name-$kind.svg" --threads "$THREADS" "${PNG[@]}"
  done
  if [[ "$name" == *-d2 ]]; then
    # In d = 2 the density figure shows ρ₀e^(−ℓ) along the paths; the histogram of the same
    # pushed samples is the check that the two agree.
    echo "== $name: density (histogram of pushed samples)"
    "$MFG" plot "$dir/checkpoint.h5" --kind density --histogram --out "$FIG/$name-density-histogram.svg" \
      --threads "$THREADS" "${PNG[@]}"
    if [[ "${REFERENCE:-0}" == 1 ]]; then
      echo "== $name: grid reference"
      "$MFG" reference "$file" --out "$dir" --force --threads "$THREADS" ${REFERENCE_FLAGS:-} || true
    fi
    if [[ -f "$dir/reference.h5" ]]; then
      echo "== $name: compare with the grid"
      "$MFG" compare "$dir/checkpoint.h5" "$dir/reference.h5" --threads "$THREADS" | tee "$dir/compare.txt"
      "$MFG" plot "$dir/checkpoint.h5" --kind compare --reference "$dir/reference.h5" \
        --out "$FIG/$name-compare.svg" --threads "$THREADS" "${PNG[@]}"
    fi
  fi
done
echo "figures in $FIG/"
