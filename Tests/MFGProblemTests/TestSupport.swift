import Foundation
import Testing
import MFGMath
@testable import MFGProblem

/// The repository's problems/ directory, found from this file's location.
let problemsDirectory: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("problems").path
}()

/// log ρ at the columns of `x` (d × n, Double) evaluated in precision T, returned as Double.
func logDensity<T: Scalar>(_ density: Density, _ x: [Double], as: T.Type) -> [Double] {
    let n = x.count / density.dimension
    let xt = x.map { T($0) }
    var out = [T](repeating: 0, count: n)
    xt.withUnsafeBufferPointer { px in out.withUnsafeMutableBufferPointer { density.logDensity(px, count: n, into: $0) } }
    return out.map { Double($0) }
}

/// (log ρ, ∇log ρ) at the columns of `x` in precision T, returned as Double.
func logDensityAndGradient<T: Scalar>(_ density: Density, _ x: [Double], as: T.Type) -> ([Double], [Double]) {
    let n = x.count / density.dimension
    let xt = x.map { T($0) }
    var value = [T](repeating: 0, count: n)
    var grad = [T](repeating: 0, count: x.count)
    xt.withUnsafeBufferPointer { px in
        value.withUnsafeMutableBufferPointer { pv in
            grad.withUnsafeMutableBufferPointer { pg in
                density.logDensityAndGradient(px, count: n, value: pv, gradient: pg)
            }
        }
    }
    return (value.map { Double($0) }, grad.map { Double($0) })
}

/// The paper's ring: eight isotropic Gaussians (variance 0.3) centred at 4(cos θₖ, sin θₖ, 0, …).
func ring(dimension d: Int) -> Density {
    .mixture((0..<8).map { k in
        let theta = 2 * Double.pi * Double(k) / 8
        var mean = [Double](repeating: 0, count: d)
        mean[0] = 4 * Double.cos(theta)
        mean[1] = 4 * Double.sin(theta)
        return (weight: 0.125, component: Gaussian(mean: mean, isotropicVariance: 0.3))
    })
}

func maxAbs(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { max($0, abs($1.0 - $1.1)) }
}

/// Tests/Fixtures/covariances: small .npy/.csv files written by numpy (see its README.md).
let covarianceFixtures: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/covariances").path
}()

/// The closed form's Φ against its PDE at (x, t), by 5-point central differences with h = 1e-3
/// (truncation h⁴/30·|∂⁵Φ| ≈ 1e-13, rounding ≈ ε|Φ|/h ≈ 1e-11): the HJB residual
/// −∂ₜΦ + Σᵢ(∂ᵢΦ)²/(2αᵢ) (αᵢ = α_L unless `kineticWeights` gives them) to 1e-8 relative to the
/// size of its terms, the analytic ∂ₜΦ to 1e-12, and
/// ∇ₓΦ against differences in each coordinate to 1e-8.
func expectSolvesHJB(_ cf: GaussianKLTransport, at x: [Double], time t: Double, kineticWeights: [Double]? = nil) {
    let h = 1e-3
    func stencil(_ f: (Double) -> Double) -> Double { (-f(2 * h) + 8 * f(h) - 8 * f(-h) + f(-2 * h)) / (12 * h) }
    let dt = stencil { cf.value(x, at: t + $0) }
    let g = cf.gradient(x, at: t)
    // H(∇Φ) = Σᵢ(∂ᵢΦ)²/(2αᵢ), αᵢ = α_L unless given per coordinate.
    let alphas = kineticWeights ?? [Double](repeating: cf.alphaL, count: x.count)
    let hamiltonian = (0..<x.count).reduce(0.0) { $0 + g[$1] * g[$1] / (2 * alphas[$1]) }
    let scale = max(1, abs(hamiltonian))
    #expect(abs(-dt + hamiltonian) < 1e-8 * scale)
    #expect(abs(-cf.timeDerivative(x, at: t) + hamiltonian) < 1e-12 * scale)
    for i in 0..<x.count {
        let gi = stencil { e in var y = x; y[i] += e; return cf.value(y, at: t) }
        #expect(abs(gi - g[i]) < 1e-8 * max(1, abs(g[i])))
    }
}
