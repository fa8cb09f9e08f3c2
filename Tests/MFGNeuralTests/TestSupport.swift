import Testing
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

/// Taylor test of a parameter gradient in every block of θ but the affine constant b: moves
/// one block along a random direction (drawn from `rng`, block by block in layout order) and
/// expects the second-order slope of `loss`.
func expectSecondOrderInEveryBlock<T: Scalar>(_ net: PotentialNetwork<T>, gradient grad: [T], eps0: Double,
                                              steps: Int = 7, rng: inout RandomSource, label: String = "",
                                              _ loss: (PotentialNetwork<T>) -> Double) {
    let base = loss(net)
    for block in net.layout.blocks where block.name != "b" {
        let dir: [Double] = rng.gaussians(block.count)
        let slope = zip(block.range, dir).reduce(0.0) { $0 + Double(grad[$1.0]) * $1.1 }
        let ratios = taylorRatios(eps0: eps0, steps: steps) { eps in
            var moved = net
            for (i, v) in zip(block.range, dir) { moved.parameters[i] += T(eps * v) }
            return loss(moved) - base - eps * slope
        }
        #expect(showsSecondOrder(ratios), "\(label)block \(block.name): ratios \(ratios)")
    }
}

/// Taylor test of an input gradient: moves all points along one random direction.
func expectSecondOrderInInput(_ points: Matrix<Double>, gradient: Matrix<Double>, eps0: Double, steps: Int = 7,
                              rng: inout RandomSource, label: String = "", _ loss: (Matrix<Double>) -> Double) {
    let base = loss(points)
    let dir: [Double] = rng.gaussians(points.storage.count)
    let slope = zip(gradient.storage, dir).reduce(0.0) { $0 + $1.0 * $1.1 }
    let ratios = taylorRatios(eps0: eps0, steps: steps) { eps in
        var moved = points
        for i in 0..<moved.storage.count { moved.storage[i] += eps * dir[i] }
        return loss(moved) - base - eps * slope
    }
    #expect(showsSecondOrder(ratios), "\(label)input: ratios \(ratios)")
}

/// ΔₓΦ at each point against the trace of a dense Hessian built by central differences (step
/// 1e-4) of the exact gradient: the difference error is O(ε²)·|∂³Φ| ≈ 1e-8 and rounding
/// ≈ 1e-16/ε ≈ 1e-12, well inside the asked relative 1e-6.
func expectLaplacianMatchesDenseHessianTrace(_ net: PotentialNetwork<Double>, at pts: Matrix<Double>) throws {
    let d = pts.rows - 1
    let base = try net.evaluate(pts)
    let eps = 1e-4
    for col in 0..<pts.cols {
        var trace = 0.0
        for j in 0..<d {
            var plus = pts.columns(col..<(col + 1)), minus = plus
            plus[j, 0] += eps; minus[j, 0] -= eps
            trace += (try net.evaluate(plus).gradient[j, 0] - net.evaluate(minus).gradient[j, 0]) / (2 * eps)
        }
        let rel = abs(base.laplacian[col] - trace) / max(1, abs(trace))
        #expect(rel < 1e-6, "d=\(d) col=\(col): Δ=\(base.laplacian[col]) trace=\(trace)")
    }
}
