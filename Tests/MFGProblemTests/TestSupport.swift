import Foundation
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
