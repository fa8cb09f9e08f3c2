import MFGMath
import MFGPlot
import MFGProblem

/// Exact two-dimensional marginals of the problem's densities (`Density.marginal(on:)`: for
/// Gaussians and mixtures the components' marginals N(μ_C, Σ_CC), for products the factors'),
/// so no slicing or sampling is needed whatever d is.
extension Density {
    /// The marginal density of (x_i, x_j) as a 2-D density.
    func marginal(on dims: CoordinatePair) -> Density { marginal(on: [dims.first, dims.second]) }

    /// The marginal density on (x_i, x_j) evaluated on the nodes of `xs` × `ys`.
    func marginalField(on dims: CoordinatePair, xs: [Double], ys: [Double]) -> GridField {
        let m = marginal(on: dims)
        var points = Matrix<Double>(rows: 2, cols: xs.count * ys.count)
        for (j, y) in ys.enumerated() {
            for (i, x) in xs.enumerated() {
                points.storage[2 * (i + j * xs.count)] = x
                points.storage[2 * (i + j * xs.count) + 1] = y
            }
        }
        return GridField(xs: xs, ys: ys, values: m.logDensity(points).map { Double.exp($0) })
    }
}
