import MFGPlot
import MFGProblem

/// The rectangle of the (x_i, x_j) plane a figure shows, and grids over it.
struct PlotWindow: Equatable, Sendable {
    var x: ClosedRange<Double>
    var y: ClosedRange<Double>

    /// The region where ρ₀, ρ₁ (every mixture component, mean ± 3.5 standard deviations) and the
    /// obstacle (centre ± 2.5 standard deviations) live in the plotted coordinates.
    init(problem: Problem, dims: CoordinatePair) {
        var xs: [Double] = [], ys: [Double] = []
        let densities = [problem.initialDensity] + (problem.targetDensity.map { [$0] } ?? [])
        for density in densities {
            // The 1-D marginals' components: the variance of a coordinate is the diagonal entry
            // of each component's covariance, whatever the rest of the matrix or the factors.
            for (_, g) in density.marginal(on: [dims.first]).components {
                let s = 3.5 * g.variance[0].squareRoot()
                xs += [g.mean[0] - s, g.mean[0] + s]
            }
            for (_, g) in density.marginal(on: [dims.second]).components {
                let s = 3.5 * g.variance[0].squareRoot()
                ys += [g.mean[0] - s, g.mean[0] + s]
            }
        }
        if let q = problem.obstacle {
            for (k, c) in q.coordinates.enumerated() {
                let s = 2.5 * q.variance[k].squareRoot()
                if c == dims.first { xs += [q.center[k] - s, q.center[k] + s] }
                if c == dims.second { ys += [q.center[k] - s, q.center[k] + s] }
            }
        }
        x = xs.min()!...xs.max()!
        y = ys.min()!...ys.max()!
    }

    /// Widens the window to hold the central 99 % of `values` along each axis (outliers ignored).
    mutating func include(xs: [Double], ys: [Double]) {
        func central(_ v: [Double]) -> ClosedRange<Double>? {
            let s = v.filter(\.isFinite).sorted()
            guard !s.isEmpty else { return nil }
            return s[Int(Double(s.count - 1) * 0.005)]...s[Int(Double(s.count - 1) * 0.995)]
        }
        if let r = central(xs) { x = min(x.lowerBound, r.lowerBound)...max(x.upperBound, r.upperBound) }
        if let r = central(ys) { y = min(y.lowerBound, r.lowerBound)...max(y.upperBound, r.upperBound) }
    }

    /// Node coordinates: `count` points across the longer side, the same spacing on the other.
    func grid(count: Int) -> (xs: [Double], ys: [Double]) {
        let w = x.upperBound - x.lowerBound, h = y.upperBound - y.lowerBound
        let step = max(w, h) / Double(count - 1)
        let nx = max(2, Int((w / step).rounded()) + 1), ny = max(2, Int((h / step).rounded()) + 1)
        return (GridField.linspace(x.lowerBound, x.upperBound, count: nx),
                GridField.linspace(y.lowerBound, y.upperBound, count: ny))
    }
}
