#!/usr/bin/env bash
# Regenerates the published accuracy numbers of the shipped problems from one set of runs on this
# machine: every problem is solved from its file as shipped, then checked the way
# docs/validation.md checks it (closed form: `mfg validate`; d = 2 and block-separable problems:
# `mfg reference` at the tight settings the docs use, then `mfg compare`), each check's result
# kept as JSON, and one table written with the date, the machine and the BLAS kernel.
#
#   bash scripts/reproduce.sh                    # the closed-form and d = 2 grid groups (hours)
#   bash scripts/reproduce.sh closed-form        # one group: closed-form, grid, blocks, or all
#   bash scripts/reproduce.sh ot-d2 quick        # named problems (problems/<name>.yaml)
#
# Environment:
#   OUT=DIR          where runs, checks and the table go (default results/<UTC date and time>)
#   THREADS=N        worker threads for every command (default 2)
#   SKIP_EXISTING=1  reuse finished runs (DIR/runs/<name>/summary.json is there) and references
#                    (DIR/references/<name>/reference.h5); resume unfinished runs from their
#                    last checkpoint (`mfg solve --resume`, bit for bit the uninterrupted run)
#   ITERATIONS=N     train N iterations (`--set training.iterations=N`): a smoke run of the
#                    pipeline, not the published numbers; problems with a `stage2` or a
#                    `penalties.final` step are skipped then, since their schedule depends on
#                    the count
#   TOLERANCE=r      the grid references' tolerance instead of the docs' 1e-5 (smoke runs)
#
# Output: DIR/summary.md (one row per problem: J against the reference, the check's verdict,
# its worst numbers, wall times), DIR/machine.txt (`mfg info`, lscpu, date), and per problem
# DIR/checks/<name>.json (the `--json` document of validate or compare) and .log files.
# Wall times depend on the machine and its load; `mfg solve` runs use THREADS threads.
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS="${THREADS:-2}"
OUT="${OUT:-results/$(date -u +%Y-%m-%dT%H%M)}"
TOLERANCE="${TOLERANCE:-1e-5}"

# Problem → how it is checked. closed-form: `validate` (extra arguments after the colon);
# grid: `reference --grid G --tolerance` then `compare`; blocks: the same by blocks.
CLOSED_FORM=("quick:--cost-tolerance 0.05 --gradient-tolerance 0.1" gaussian-transport-d2 gaussian-transport-d10 gaussian-transport-d50 gaussian-transport-d100
             gaussian-spread-d10 gaussian-spread-d50 gaussian-spread-d100
             gaussian-mixed-d10 gaussian-mixed-d50 gaussian-mixed-d100
             gaussian-rotated-d10 gaussian-rotated-d50 gaussian-rotated-d100 gaussian-aniso-d10
             "lq-noise-d10:--steps 100" "lq-noise-d100:--steps 100" "lq-aniso-d10:--steps 100" hjb-lq-d100)
GRID=("crowd-motion-d2:64x64x32" "ot-d2:128x128x64" "crowd-motion-heavy-obstacle-d2:64x80x32"
      "crowd-doorway-d2:64x64x32" "congestion-d2:64x64x32" "stochastic-crowd-d2:96x120x64" "stochastic-aniso-crowd-d2:96x120x64"
      "moons-d2:128x96x64" "interaction-crowd-d2:64x80x32" "anisotropic-crowd-d2:64x80x32")
BLOCKS=("crowd-motion-d10:64x64x32" "crowd-motion-d50:64x64x32" "crowd-motion-d100:64x64x32"
        "ot-d10:128x128x64" "ot-d50:128x128x64" "ot-d100:128x128x64"
        "bimodal-d10:" "bimodal-d50:" "bimodal-d100:" "stochastic-crowd-d100:"
        "interaction-crowd-d10:64x80x32" "anisotropic-crowd-d10:64x80x32" "moons-d10:128x96x64" "crowd-doorway-d10:" "congestion-d10:64x64x32")

selected=()
[ $# -eq 0 ] && set -- closed-form grid
for arg in "$@"; do
    case "$arg" in
        closed-form) for p in "${CLOSED_FORM[@]}"; do selected+=("validate|$p"); done ;;
        grid)        for p in "${GRID[@]}"; do selected+=("compare|$p"); done ;;
        blocks)      for p in "${BLOCKS[@]}"; do selected+=("compare|$p"); done ;;
        all)         for p in "${CLOSED_FORM[@]}"; do selected+=("validate|$p"); done
                     for p in "${GRID[@]}" "${BLOCKS[@]}"; do selected+=("compare|$p"); done ;;
        *)           found=""
                     for p in "${CLOSED_FORM[@]}"; do [ "${p%%:*}" = "$arg" ] && found="validate|$p"; done
                     for p in "${GRID[@]}" "${BLOCKS[@]}"; do [ "${p%%:*}" = "$arg" ] && found="compare|$p"; done
                     if [ -z "$found" ]; then
                         echo "reproduce.sh: unknown group or problem '$arg' (groups: closed-form, grid, blocks, all)" >&2
                         exit 2
                     fi
                     selected+=("$found") ;;
    esac
done

swift build -c release --product mfg
MFG=.build/release/mfg
mkdir -p "$OUT/runs" "$OUT/references" "$OUT/checks"
{ echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"; echo "commit: $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "threads: $THREADS"; "$MFG" info; echo; lscpu 2>/dev/null | grep -E '^(Model name|CPU\(s\)|Thread|Core)' || true
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

overrides=()
[ -n "${ITERATIONS:-}" ] && overrides=(--set "training.iterations=$ITERATIONS")

for entry in "${selected[@]}"; do
    kind="${entry%%|*}"; spec="${entry#*|}"
    name="${spec%%:*}"; extra=""; [ "$spec" != "$name" ] && extra="${spec#*:}"
    file="problems/$name.yaml"
    if [ -n "${ITERATIONS:-}" ] && grep -qE '^\s*(stage2:|.*final:)' "$file"; then
        echo "== $name: skipped (ITERATIONS with a stage2 or penalties.final schedule)"; continue
    fi
    run="$OUT/runs/$name"
    echo "== $name"
    if [ -n "${SKIP_EXISTING:-}" ] && [ -f "$run/summary.json" ]; then
        echo "   reusing $run/checkpoint.h5 (finished: summary.json is there)"
    elif [ -n "${SKIP_EXISTING:-}" ] && [ -f "$run/checkpoint.h5" ]; then
        # A run stopped before its end (no summary.json): continue it from its last checkpoint,
        # which `mfg solve --resume` does bit for bit as the uninterrupted run would have.
        echo "   resuming the unfinished $run/checkpoint.h5"
        "$MFG" solve "$file" "${overrides[@]}" --resume "$run/checkpoint.h5" --out "$run" --threads "$THREADS" \
            >> "$OUT/checks/$name.solve.log" 2>&1 \
            || { echo "   resume failed (exit $?): $OUT/checks/$name.solve.log"; continue; }
    else
        "$MFG" solve "$file" "${overrides[@]}" --out "$run" --force --threads "$THREADS" > "$OUT/checks/$name.solve.log" 2>&1 \
            || { echo "   solve failed (exit $?): $OUT/checks/$name.solve.log"; continue; }
    fi
    status=0
    if [ "$kind" = validate ]; then
        # shellcheck disable=SC2086
        "$MFG" validate "$run/checkpoint.h5" $extra --threads "$THREADS" --json > "$OUT/checks/$name.json" \
            2> "$OUT/checks/$name.check.log" || status=$?
    else
        ref="$OUT/references/$name"
        if [ -n "${SKIP_EXISTING:-}" ] && [ -f "$ref/reference.h5" ]; then
            echo "   reusing $ref/reference.h5"
        else
            grid=(); [ -n "$extra" ] && grid=(--grid "$extra")
            start=$(date +%s)
            "$MFG" reference "$file" "${grid[@]}" --tolerance "$TOLERANCE" --out "$ref" --force --threads "$THREADS" \
                > "$OUT/checks/$name.reference.log" 2>&1 || { s=$?; [ $s -eq 7 ] || { echo "   reference failed (exit $s)"; continue; }; }
            echo "$(( $(date +%s) - start ))" > "$ref/wall_seconds"
        fi
        "$MFG" compare "$run/checkpoint.h5" "$ref/reference.h5" --threads "$THREADS" --allow-unconverged --json \
            > "$OUT/checks/$name.json" 2> "$OUT/checks/$name.check.log" || status=$?
    fi
    echo "   check exit $status: $OUT/checks/$name.json"
done

python3 scripts/reproduce-summary.py "$OUT" > "$OUT/summary.md"
echo "wrote $OUT/summary.md"
