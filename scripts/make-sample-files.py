#!/usr/bin/env python3
"""Writes the sample files of the shipped sample-density problems (numpy only, seeded).

problems/data/two-moons.npy: 3000 rows x 2 columns (float64), the "two moons" data set: two
interleaved half circles of radius 1, the upper one centred at (0, 0), the lower one at (1, 0.5)
and flipped, each point moved by Gaussian noise of standard deviation 0.1; then centred on the
mean and scaled by 1.5, so the cloud spans about [-3, 3] x [-1.5, 1.5] and sits at the origin.

Run from the repository root:  python3 scripts/make-sample-files.py
The file is committed, so the problems work without Python; running this again rewrites it
bit for bit (same seed, same numpy algorithm: PCG64).
"""
import os

import numpy as np


def two_moons(n, noise, rng):
    n_upper = n // 2
    n_lower = n - n_upper
    t_upper = rng.uniform(0.0, np.pi, n_upper)
    t_lower = rng.uniform(0.0, np.pi, n_lower)
    upper = np.stack([np.cos(t_upper), np.sin(t_upper)], axis=1)
    lower = np.stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)], axis=1)
    x = np.concatenate([upper, lower], axis=0)
    x += noise * rng.standard_normal(x.shape)
    return x[rng.permutation(n)]


def main():
    rng = np.random.Generator(np.random.PCG64(20261202))
    x = two_moons(3000, 0.1, rng)
    x = 1.5 * (x - x.mean(axis=0))
    out = os.path.join("problems", "data", "two-moons.npy")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    np.save(out, np.ascontiguousarray(x, dtype="<f8"))
    print(f"{out}: {x.shape[0]} rows, {x.shape[1]} columns, "
          f"min {x.min(axis=0).round(3)}, max {x.max(axis=0).round(3)}, std {x.std(axis=0).round(3)}")


if __name__ == "__main__":
    main()
