#!/usr/bin/env python3
"""Writes the table of scripts/reproduce.sh (Markdown, to standard output) from its output
folder: DIR/machine.txt, DIR/checks/<problem>.json (the `--json` documents of `mfg validate`
and `mfg compare`), DIR/runs/<problem>/summary.json (wall time, iterations) and
DIR/references/<problem>/wall_seconds."""
import json
import os
import sys


def pct(x):
    return "–" if x is None else f"{100 * x:.2f} %"


def signed_pct(x):
    return f"{100 * x:+.2f} %".replace("-", "−")


def minutes(seconds):
    if seconds is None:
        return "–"
    m, s = divmod(int(round(seconds)), 60)
    return f"{m} min {s:02d} s"


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def validate_row(doc):
    """J error, the worst other errors and the verdict of a `validate --json` document."""
    by_name = {q["name"]: q for q in doc.get("quantities", [])}
    j = by_name.get("J", {}).get("relative_error")
    worst = []
    for q in doc.get("quantities", []):
        if q.get("relative_error") is not None and q["name"] != "J":
            worst.append((q["relative_error"], q["name"]))
    worst.sort(reverse=True)
    detail = "; ".join(f"{n} {pct(e)}" for e, n in worst[:3])
    verdict = "PASS" if doc.get("pass") else "FAIL: " + "; ".join(doc.get("failures", []))
    return pct(j), detail, verdict


def compare_row(doc):
    """J difference, the worst block's L1 at ¼, ½, ¾, T and whether the reference converged."""
    costs = doc.get("costs", {})
    j = pct(costs.get("relative_difference_j"))
    neural_j, grid_j = costs.get("neural", {}).get("j"), costs.get("grid", {}).get("j")
    if neural_j is not None and grid_j:
        j = signed_pct((neural_j - grid_j) / abs(grid_j))
    ratio = costs.get("ratio_control", {}).get("j")
    if ratio is not None and grid_j:
        # The KL's ratio-control estimate of J (docs/validation.md): lower variance than the
        # plain mean, so it is the better of the two when they disagree.
        j += f" (ratio control {signed_pct((ratio - grid_j) / abs(grid_j))})"
    cells = []
    for t in (0.25, 0.5, 0.75, 1.0):
        values = [tm.get("l1_worst") for b in doc.get("blocks", []) for tm in b.get("times", [])
                  if abs(tm.get("t", -1) - t * doc.get("horizon", 1.0)) < 1e-9 or abs(tm.get("t", -1) - t) < 1e-9]
        values = [v for v in values if v is not None]
        cells.append(f"{max(values):.3f}" if values else "–")
    detail = "L1 at ¼/½/¾/T " + " / ".join(cells)
    verdict = "reference converged" if doc.get("reference_converged") else "reference NOT converged"
    if "pass" in doc:
        verdict = ("PASS, " if doc["pass"] else "FAIL, ") + verdict
    return j, detail, verdict


def main(out):
    print(f"# Reproduced numbers ({os.path.basename(os.path.normpath(out))})\n")
    try:
        with open(os.path.join(out, "machine.txt")) as f:
            print("```\n" + f.read().rstrip() + "\n```\n")
    except OSError:
        pass
    print("| problem | check | J error | worst numbers | verdict | solve wall | reference wall |")
    print("|---|---|---|---|---|---|---|")
    checks = os.path.join(out, "checks")
    for name in sorted(f[:-5] for f in os.listdir(checks) if f.endswith(".json")):
        doc = load(os.path.join(checks, name + ".json"))
        if doc is None:
            print(f"| {name} | – | – | no JSON document (see checks/{name}.check.log) | – | – | – |")
            continue
        summary = load(os.path.join(out, "runs", name, "summary.json")) or {}
        ref_wall = None
        try:
            with open(os.path.join(out, "references", name, "wall_seconds")) as f:
                ref_wall = float(f.read())
        except (OSError, ValueError):
            pass
        if "blocks" in doc:
            kind, (j, detail, verdict) = "compare", compare_row(doc)
        else:
            kind, (j, detail, verdict) = "validate (" + doc.get("check", "?") + ")", validate_row(doc)
        print(f"| {name} | {kind} | {j} | {detail} | {verdict} | {minutes(summary.get('wall_seconds'))} "
              f"| {minutes(ref_wall)} |")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: reproduce-summary.py OUTPUT_FOLDER")
    main(sys.argv[1])
