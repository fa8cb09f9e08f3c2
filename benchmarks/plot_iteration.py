#!/usr/bin/env python3
"""Plots seconds per training iteration against d (log-log) from the table printed by
`mfg-bench iteration`, with the gemm-bound line and the PyTorch CPU reference.

    python3 benchmarks/plot_iteration.py benchmarks/results/iteration.txt benchmarks/iteration.svg
"""
import math
import sys

PYTORCH = {  # seconds per iteration, n = 8464, width 16 (reference numbers from the issue)
    "Float32": {2: 0.22, 10: 0.36, 50: 2.28, 100: 5.85},
    "Float64": {2: 0.35, 10: 0.87, 50: 4.01, 100: 7.59},
}


def read_table(path, n=8464, m=16):
    rows = {}
    for line in open(path):
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 12 or not cells[1].isdigit():
            continue
        prec, d, nn, mm = cells[0], int(cells[1]), int(cells[2]), int(cells[3])
        if nn != n or mm != m:
            continue
        rows.setdefault(prec, {})[d] = {"wall": float(cells[5]), "cpu": float(cells[6]),
                                        "bound": float(cells[10])}
    return rows


def main(src, dst):
    rows = read_table(src)
    W, H, L, R, T, B = 760, 480, 80, 240, 40, 60
    xs = [2, 10, 50, 100]
    ymin, ymax = 0.02, 20.0
    def px(d): return L + (math.log10(d) - math.log10(2)) / (math.log10(100) - math.log10(2)) * (W - L - R)
    def py(s): return T + (math.log10(ymax) - math.log10(s)) / (math.log10(ymax) - math.log10(ymin)) * (H - T - B)
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
           f'<rect width="{W}" height="{H}" fill="white"/>',
           f'<text x="{(L + W - R) / 2}" y="24" font-size="14" text-anchor="middle">seconds per iteration, crowd motion, n = 8464, width 16</text>']
    for e in range(-2, 2):
        for k in (1, 2, 5):
            v = k * 10 ** e
            if ymin <= v <= ymax:
                y = py(v)
                out.append(f'<line x1="{L}" x2="{W-R}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
                out.append(f'<text x="{L-8}" y="{y+4:.1f}" text-anchor="end">{v:g}</text>')
    for d in xs:
        x = px(d)
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{T}" y2="{H-B}" stroke="#ddd"/>')
        out.append(f'<text x="{x:.1f}" y="{H-B+18}" text-anchor="middle">{d}</text>')
    out.append(f'<text x="{(L+W-R)/2}" y="{H-15}" text-anchor="middle">dimension d (log scale)</text>')
    out.append(f'<text x="20" y="{(T+H-B)/2}" transform="rotate(-90 20 {(T+H-B)/2})" text-anchor="middle">s/it (log scale)</text>')
    out.append(f'<rect x="{L}" y="{T}" width="{W-L-R}" height="{H-T-B}" fill="none" stroke="black"/>')
    series = []
    colors = {"Float32": "#1f77b4", "Float64": "#d62728"}
    for prec, color in colors.items():
        if prec in rows:
            r = rows[prec]
            series.append((f"mfg {prec} (wall)", color, "", [(d, r[d]["wall"]) for d in xs if d in r], True))
            series.append((f"mfg {prec} CPU s ÷ 2", color, "7,3,1,3", [(d, r[d]["cpu"] / 2) for d in xs if d in r], True))
            series.append((f"gemm bound {prec}", color, "2,4", [(d, r[d]["bound"]) for d in xs if d in r], False))
        series.append((f"PyTorch {prec}", color, "8,4", sorted(PYTORCH[prec].items()), False))
    for i, (name, color, dash, pts, dots) in enumerate(series):
        path = " ".join(f"{'M' if j == 0 else 'L'}{px(d):.1f},{py(s):.1f}" for j, (d, s) in enumerate(pts))
        da = f' stroke-dasharray="{dash}"' if dash else ""
        out.append(f'<path d="{path}" fill="none" stroke="{color}" stroke-width="2"{da}/>')
        if dots:
            for d, s in pts:
                out.append(f'<circle cx="{px(d):.1f}" cy="{py(s):.1f}" r="3.5" fill="{color}"/>')
        ly = T + 16 + 20 * i
        out.append(f'<line x1="{W-R+12}" x2="{W-R+40}" y1="{ly}" y2="{ly}" stroke="{color}" stroke-width="2"{da}/>')
        out.append(f'<text x="{W-R+46}" y="{ly+4}">{name}</text>')
    out.append("</svg>")
    open(dst, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
