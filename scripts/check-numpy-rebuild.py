#!/usr/bin/env python3
"""Checks the numpy rebuild of Φ in docs/checkpoint-format.md against mfg.

Usage: python3 scripts/check-numpy-rebuild.py CHECKPOINT EXPORT.csv

EXPORT.csv is what `mfg evaluate CHECKPOINT --points POINTS.csv --output EXPORT.csv` writes
(columns x1..xd, t, phi, dphi_dx1..dphi_dxd, dphi_dt, laplacian_phi). The script runs the
page's python block (with its checkpoint path replaced by CHECKPOINT) and compares
- Φ with the export: relative 1e-10 (both evaluate the same formulas in Float64);
- ∇ₓΦ, ∂ₜΦ with central differences of the page's `phi` (step 1e-5: truncation ~1e-10·|Φ'''|,
  rounding ~1e-11·|Φ|) and ΔₓΦ with the fourth-order five-point second difference per coordinate
  (step 1e-3: truncation ~1e-13·|Φ⁽⁶⁾|, rounding ~3e-10·|Φ|; the three-point one's truncation,
  ~1e-7·|Φ⁽⁴⁾| per coordinate, reached 1.5e-5 on a d = 100 spline network, whose fourth
  derivative grows like 1/h⁴ with the knot spacing h): relative 1e-5 of max(1, |value|).
Needs numpy and h5py (pip install numpy h5py). Exits 1 on a mismatch. Not part of the Swift
test suite.
"""
import contextlib
import io
import pathlib
import re
import sys

import numpy as np


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    checkpoint, export = sys.argv[1], sys.argv[2]
    page = pathlib.Path(__file__).resolve().parent.parent / "docs" / "checkpoint-format.md"
    text = page.read_text()
    section = text[text.index("## Rebuilding Φ with numpy"):]
    code = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    code = code.replace('"runs/quick/checkpoint.h5"', repr(checkpoint))
    scope = {}
    with contextlib.redirect_stdout(io.StringIO()):
        exec(code, scope)
    phi, d = scope["phi"], scope["d"]

    header = open(export).readline().strip().split(",")
    data = np.loadtxt(export, delimiter=",", skiprows=1, ndmin=2)
    col = {name: i for i, name in enumerate(header)}
    x, t = data[:, :d], data[:, col["t"]]
    failures = 0

    def check(name, got, expected, tol):
        nonlocal failures
        err = np.max(np.abs(got - expected) / np.maximum(1, np.abs(expected)))
        ok = err <= tol
        failures += not ok
        print(f"{name:<14} max relative error {err:.2e} (tolerance {tol:g}) {'ok' if ok else 'FAIL'}")

    def phi_at(xs, ts):
        return np.array([phi(xs[i:i + 1], ts[i])[0] for i in range(len(xs))])

    check("phi", phi_at(x, t), data[:, col["phi"]], 1e-10)
    eps = 1e-5
    for j in range(d):
        e = np.zeros(d)
        e[j] = eps
        fd = (phi_at(x + e, t) - phi_at(x - e, t)) / (2 * eps)
        check(f"dphi_dx{j + 1}", fd, data[:, col[f"dphi_dx{j + 1}"]], 1e-5)
    fd_t = (phi_at(x, t + eps) - phi_at(x, t - eps)) / (2 * eps)
    check("dphi_dt", fd_t, data[:, col["dphi_dt"]], 1e-5)
    h = 1e-3
    base = phi_at(x, t)
    lap = np.zeros(len(x))
    for j in range(d):
        e = np.zeros(d)
        e[j] = h
        lap += (-phi_at(x + 2 * e, t) + 16 * phi_at(x + e, t) - 30 * base + 16 * phi_at(x - e, t)
                - phi_at(x - 2 * e, t)) / (12 * h**2)
    check("laplacian_phi", lap, data[:, col["laplacian_phi"]], 1e-5)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
