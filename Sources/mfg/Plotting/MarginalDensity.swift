import MFGMath
import MFGPlot
import MFGProblem

/// Exact two-dimensional marginals of the problem's densities.
///
/// Every `Density` is a Gaussian or a mixture of Gaussians with *diagonal* covariances, so its
/// marginal on coordinates (i, j) is the same mixture of the 2-D Gaussians
/// N((μᵢ, μⱼ), diag(σᵢ, σⱼ)): no slicing or sampling is needed whatever d is.
extension Density {
    /// The marginal density of (x_i, x_j) as a 2-D density.
    func marginal(on dims: CoordinatePair) -> Density {
        func project(_ g: Gaussian) -> Gaussian {
            Gaussian(mean: [g.mean[dims.first], g.mean[dims.second]],
                     variance: [g.variance[dims.first], g.variance[dims.second]])
        }
        switch self {
        case .gaussian(let g): return .gaussian(project(g))
        case .mixture(let parts): return .mixture(parts.map { (weight: $0.weight, component: project($0.component)) })
        }
    }

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
