import MFGMath
@testable import MFGNeural

/// Tests run in parallel: keep OpenBLAS on one thread so they do not fight for the cores.
let blasSingleThreaded: Void = BLASThreads.set(1)

/// A network with non-trivial parameters (larger than the training initialisation, so every
/// term of Φ, ∇Φ and ΔΦ matters) and random points.
func randomNetwork<T: Scalar>(_: T.Type, d: Int, m: Int, layers: Int, seed: UInt64) -> PotentialNetwork<T> {
    _ = blasSingleThreaded
    let shape = try! NetworkShape(dimension: d, width: m, residualLayers: layers, rank: min(3, d + 1))
    var rng = RandomSource(seed: seed)
    let theta: [Double] = rng.gaussians(ParameterLayout(shape).count)
    return try! PotentialNetwork(shape: shape, parameters: theta.map { T($0 * 0.5) })
}

func randomPoints<T: Scalar>(_: T.Type, d: Int, n: Int, seed: UInt64) -> Matrix<T> {
    var rng = RandomSource(seed: seed)
    let v: [Double] = rng.gaussians((d + 1) * n)
    return try! Matrix(rows: d + 1, cols: n, storage: v.map { T($0) })
}

/// Errors of a first-order Taylor expansion f(x + εv) − f(x) − ε·(∇f·v) for ε = ε₀/2ᵏ.
/// For a correct gradient they fall like ε², so consecutive ratios approach 4.
func taylorRatios(eps0: Double, steps: Int, _ remainder: (Double) -> Double) -> [Double] {
    let errors = (0..<steps).map { k in abs(remainder(eps0 / Double(1 << k))) }
    return (1..<errors.count).map { errors[$0 - 1] / errors[$0] }
}

/// A Taylor test passes when some consecutive pair of step halvings shows the second-order
/// ratio 4 (within [3.5, 4.5]): at large ε higher-order terms distort it, at tiny ε rounding
/// does, so we ask for the clean asymptotic regime to be visible, not for every pair.
func showsSecondOrder(_ ratios: [Double]) -> Bool { ratios.contains { $0 > 3.5 && $0 < 4.5 } }
