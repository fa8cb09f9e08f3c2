import MFGMath
import MFGPlot
import MFGProblem

/// A field of ℝᵈ on a plane of two coordinates: exact when the field depends on those two
/// coordinates only (the usual case: crowd motion on x1, x2); otherwise the 2-D slice through
/// `base` (a point of ℝᵈ, normally the midpoint of the means of ρ₀ and ρ₁) in the remaining
/// coordinates. `value` evaluates the field at n points (d × n).
func sliceField(dimension d: Int, on dims: CoordinatePair, through base: [Double], xs: [Double], ys: [Double],
                value: (UnsafeBufferPointer<Double>, Int, UnsafeMutableBufferPointer<Double>) -> Void) -> GridField {
    let n = xs.count * ys.count
    var points = [Double](repeating: 0, count: d * n)
    for (j, y) in ys.enumerated() {
        for (i, x) in xs.enumerated() {
            let c = (i + j * xs.count) * d
            for k in 0..<d { points[c + k] = base[k] }
            points[c + dims.first] = x
            points[c + dims.second] = y
        }
    }
    var q = [Double](repeating: 0, count: n)
    points.withUnsafeBufferPointer { p in q.withUnsafeMutableBufferPointer { value(p, n, $0) } }
    return GridField(xs: xs, ys: ys, values: q)
}

/// The obstacle Q (a Gaussian bump) on a plane of two coordinates (see `sliceField`).
extension Bump {
    func sliceField(on dims: CoordinatePair, through base: [Double], xs: [Double], ys: [Double]) -> GridField {
        mfg.sliceField(dimension: dimension, on: dims, through: base, xs: xs, ys: ys) { value($0, count: $1, into: $2) }
    }

    /// Whether the bump depends on a coordinate that is not plotted (so the figure shows a slice).
    func isSliced(by dims: CoordinatePair) -> Bool {
        coordinates.contains { $0 != dims.first && $0 != dims.second }
    }
}

/// The shaped obstacles' Σλₖ Qₖ (boxes, disks, capsules) on a plane of two coordinates.
extension ShapedObstacles {
    func sliceField(on dims: CoordinatePair, through base: [Double], xs: [Double], ys: [Double]) -> GridField {
        mfg.sliceField(dimension: dimension, on: dims, through: base, xs: xs, ys: ys) { value($0, count: $1, into: $2) }
    }

    /// Whether some shape depends on a coordinate that is not plotted.
    func isSliced(by dims: CoordinatePair) -> Bool {
        obstacles.contains { $0.coordinates.contains { $0 != dims.first && $0 != dims.second } }
    }
}

extension Problem {
    /// The point the slices of d > 2 figures go through: the midpoint of the means of ρ₀ and ρ₁
    /// (the mean of ρ₀ when there is no target).
    var slicePoint: [Double] {
        let m0 = initialDensity.mean
        guard let m1 = targetDensity?.mean else { return m0 }
        return zip(m0, m1).map { ($0 + $1) / 2 }
    }
}
