import MFGMath
import MFGPlot
import MFGProblem

/// The obstacle Q on a plane of two coordinates.
///
/// Q depends only on the bump's own coordinates. When both plotted coordinates are among them
/// and the bump has no others (the usual case: crowd motion on x1, x2) this is Q exactly; otherwise
/// it is the 2-D slice through `through` (a point of ℝᵈ, normally the midpoint of the means of
/// ρ₀ and ρ₁) in the remaining coordinates.
extension Bump {
    func sliceField(on dims: CoordinatePair, through base: [Double], xs: [Double], ys: [Double]) -> GridField {
        let d = dimension
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
        points.withUnsafeBufferPointer { p in q.withUnsafeMutableBufferPointer { value(p, count: n, into: $0) } }
        return GridField(xs: xs, ys: ys, values: q)
    }

    /// Whether the bump depends on a coordinate that is not plotted (so the figure shows a slice).
    func isSliced(by dims: CoordinatePair) -> Bool {
        coordinates.contains { $0 != dims.first && $0 != dims.second }
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
