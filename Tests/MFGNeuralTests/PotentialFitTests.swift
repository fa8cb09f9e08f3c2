import Testing
import MFGMath
@testable import MFGNeural

/// The least-squares fit that starts training from a grid solution.
@Suite("Potential fit")
struct PotentialFitTests {
    /// Targets from Φ(x, t) = ½xᵀMx + c·x t + 0.5 t (M symmetric, indefinite) at random points of
    /// [-1, 1]² × (0, 1]: the network's quadratic part (constant in t at the optimum) plus its
    /// ResNet can carry this Φ closely.
    static func targets(n: Int) -> (points: [Double], gradients: [Double], values: [Double]) {
        let m = [[1.2, -0.4], [-0.4, -0.6]], c = [0.3, -0.7]
        var rng = RandomSource(seed: 11)
        var points: [Double] = [], gradients: [Double] = [], values: [Double] = []
        for _ in 0..<n {
            let x = [2 * rng.uniformOpen() - 1, 2 * rng.uniformOpen() - 1], t = rng.uniformOpen()
            points += x + [t]
            for a in 0..<2 { gradients.append(m[a][0] * x[0] + m[a][1] * x[1] + c[a] * t) }
            values.append(0.5 * (m[0][0] * x[0] * x[0] + 2 * m[0][1] * x[0] * x[1] + m[1][1] * x[1] * x[1])
                          + (c[0] * x[0] + c[1] * x[1]) * t + 0.5 * t)
        }
        return (points, gradients, values)
    }

    @Test func fitsAPotentialItCanRepresent() throws {
        let shape = try NetworkShape(dimension: 2, width: 8, residualLayers: 1, quadratic: .full, timeDegree: 2)
        var rng = RandomSource(seed: 1)
        let net = PotentialNetwork<Double>.initialized(shape: shape, rng: &rng)
        let (p, g, v) = Self.targets(n: 600)
        let fit = try PotentialFit(network: net, points: p, gradients: g, values: v, iterations: 300)
        // Measured: the loss falls from O(1) by more than four orders of magnitude and the
        // gradient misfit to under 1 %; the bars leave a factor of ~3 for other platforms' BLAS.
        #expect(fit.initialLoss > 0.1)
        #expect(fit.finalLoss < 1e-4 * fit.initialLoss)
        #expect(fit.relativeGradientMisfit < 0.03)
        // The misfit is what the network says at the returned parameters.
        let ws = try PotentialWorkspace<Double>(shape: shape, capacity: 600)
        var fitted = net
        fitted.parameters = fit.parameters
        try p.withUnsafeBufferPointer { try fitted.forward($0.baseAddress!, count: 600, workspace: ws) }
        var num = 0.0, den = 0.0
        for s in 0..<600 {
            for a in 0..<2 { let e = ws.gradient[3 * s + a] - g[2 * s + a]; num += e * e; den += g[2 * s + a] * g[2 * s + a] }
        }
        #expect(abs((num / den).squareRoot() - fit.relativeGradientMisfit) < 1e-12)
    }

    @Test func zeroIterationsKeepTheStart() throws {
        let shape = try NetworkShape(dimension: 2, width: 4, residualLayers: 1)
        var rng = RandomSource(seed: 1)
        let net = PotentialNetwork<Double>.initialized(shape: shape, rng: &rng)
        let (p, g, v) = Self.targets(n: 50)
        let fit = try PotentialFit(network: net, points: p, gradients: g, values: v, iterations: 0)
        #expect(fit.parameters == net.parameters && fit.initialLoss == fit.finalLoss)
    }

    /// Hessian-diagonal targets for `targets(n:)`: the exact ∂ᵢᵢΦ = Mᵢᵢ (1.2, −0.6) plus noise
    /// of size `noise` (so that the term's residual is not small anywhere), n × 2.
    static func diagonalTargets(n: Int, noise: Double = 0.5) -> [Double] {
        var rng = RandomSource(seed: 12)
        let z: [Double] = rng.gaussians(2 * n)
        return (0..<(2 * n)).map { ($0 % 2 == 0 ? 1.2 : -0.6) + noise * z[$0] }
    }

    /// ℒ with the Hessian-diagonal term (β = 0.3) has the parameter gradient `PotentialFit.Loss`
    /// returns: slope 2 at every step of the Taylor sequence, in every block of θ but the
    /// constant b, for a network with every part the bimodal problems use (ResNet, diagonal
    /// quadratic, separable units) over 300 points (three blocks checking x₁, x₂, x₁, the last
    /// one partial), on one thread and on two (the same numbers, bit for bit).
    @Test func laplacianTermGradientTaylor() throws {
        let parts = OptionalParts(quadratic: .diagonal, timeDegree: 4, separableWidth: 4)
        let net = randomNetwork(Double.self, d: 2, m: 6, layers: 2, seed: 31, parts: parts)
        let n = 300
        let (p, g, v) = Self.targets(n: n)
        let h = Self.diagonalTargets(n: n)
        let loss = try PotentialFit.Loss(network: net, points: p, gradients: g, values: v, hessianDiagonals: h,
                                         laplacianWeight: 0.3, threads: 1)
        #expect(loss.checksCoordinates)
        let base = try loss.evaluate(net.parameters)
        #expect(base.terms.laplacian > 0.01 * base.loss)
        #expect(abs(base.terms.gradient + base.terms.value + base.terms.laplacian - base.loss) <= 1e-12 * base.loss)
        var rng = RandomSource(seed: 32)
        expectSecondOrderInEveryBlock(net, gradient: base.gradient, eps0: 0.02, rng: &rng, everyStep: true) {
            try! loss.evaluate($0.parameters).loss
        }
        let two = try PotentialFit.Loss(network: net, points: p, gradients: g, values: v, hessianDiagonals: h,
                                        laplacianWeight: 0.3, threads: 2).evaluate(net.parameters)
        #expect(two.loss == base.loss && two.gradient == base.gradient)
    }

    /// The third term checks the coordinates its block is assigned: points 0…127 and 256…299
    /// x₁, points 128…255 x₂ (d = 2, three blocks), scaled by κ = d/|C| = 2. Its value against ∂ᵢᵢΦ by central
    /// differences of the network's exact gradient (step 1e-4: error O(1e-8) on terms of O(1);
    /// tolerance 1e-6 relative); and with every coordinate (`checkingCoordinates: false`) against
    /// the trace, which is what `relativeLaplacianMisfit` reports.
    @Test func theTermChecksEachBlocksCoordinate() throws {
        let parts = OptionalParts(quadratic: .diagonal, timeDegree: 2, separableWidth: 3)
        let net = randomNetwork(Double.self, d: 2, m: 5, layers: 2, seed: 41, parts: parts)
        let n = 300, beta = 0.7
        let (p, g, v) = Self.targets(n: n)
        let h = Self.diagonalTargets(n: n)
        let loss = try PotentialFit.Loss(network: net, points: p, gradients: g, values: v, hessianDiagonals: h,
                                         laplacianWeight: beta, threads: 2)
        let eps = 1e-4
        var checked = 0.0, trace = 0.0
        let pts = try Matrix<Double>(rows: 3, cols: n, storage: p)
        for s in 0..<n {
            var hess = [0.0, 0.0]
            for a in 0..<2 {
                var plus = pts.columns(s..<(s + 1)), minus = plus
                plus[a, 0] += eps; minus[a, 0] -= eps
                hess[a] = (try net.evaluate(plus).gradient[a, 0] - net.evaluate(minus).gradient[a, 0]) / (2 * eps)
            }
            let a = (s / 128) % 2
            checked += (hess[a] - h[2 * s + a]) * (hess[a] - h[2 * s + a])
            let e = hess[0] + hess[1] - h[2 * s] - h[2 * s + 1]
            trace += e * e
        }
        let weighted = try loss.evaluate(net.parameters)
        // Each block checks one of the d = 2 coordinates, so κ = 2.
        #expect(abs(weighted.terms.laplacian - beta * 2 * checked / Double(n)) <= 1e-6 * weighted.terms.laplacian)
        let whole = try loss.evaluate(net.parameters, checkingCoordinates: false)
        #expect(abs(whole.laplacianSquares - trace) <= 1e-6 * trace)
    }

    /// β = 0 is the two-term fit bit for bit, with or without Hessian-diagonal targets; the
    /// targets then only give the misfit of ΔₓΦ. β > 0 lowers both misfits of the same fit.
    @Test func zeroLaplacianWeightIsTheTwoTermFit() throws {
        let shape = try NetworkShape(dimension: 2, width: 8, residualLayers: 1, quadratic: .full, timeDegree: 2)
        var rng = RandomSource(seed: 1)
        let net = PotentialNetwork<Double>.initialized(shape: shape, rng: &rng)
        let (p, g, v) = Self.targets(n: 300)
        // Targets the network can meet, Mᵢᵢ, with noise of 0.1 it cannot.
        let h = Self.diagonalTargets(n: 300, noise: 0.1)
        let plain = try PotentialFit(network: net, points: p, gradients: g, values: v, iterations: 40, threads: 2)
        let zero = try PotentialFit(network: net, points: p, gradients: g, values: v, hessianDiagonals: h,
                                    laplacianWeight: 0, iterations: 40, threads: 2)
        #expect(plain.parameters == zero.parameters && plain.finalLoss == zero.finalLoss)
        #expect(plain.relativeLaplacianMisfit == nil && zero.relativeLaplacianMisfit != nil)
        #expect(zero.relativeDiagonalMisfit == nil)
        #expect(zero.finalTerms.laplacian == 0)
        let weighted = try PotentialFit(network: net, points: p, gradients: g, values: v, hessianDiagonals: h,
                                        laplacianWeight: 1, iterations: 40, threads: 2)
        #expect(weighted.relativeLaplacianMisfit! < zero.relativeLaplacianMisfit!)
        #expect(weighted.relativeDiagonalMisfit != nil)
        #expect(weighted.finalTerms.laplacian > 0)
        // A positive weight without targets, a negative one, or targets of the wrong size are refused.
        #expect(throws: NetworkError.self) {
            try PotentialFit(network: net, points: p, gradients: g, values: v, laplacianWeight: 1, iterations: 1)
        }
        #expect(throws: NetworkError.self) {
            try PotentialFit(network: net, points: p, gradients: g, values: v, hessianDiagonals: h,
                             laplacianWeight: -1, iterations: 1)
        }
        #expect(throws: NetworkError.self) {
            try PotentialFit(network: net, points: p, gradients: g, values: v, hessianDiagonals: Array(h.prefix(300)),
                             laplacianWeight: 1, iterations: 1)
        }
    }

    @Test func mismatchedSizesThrow() throws {
        let shape = try NetworkShape(dimension: 2, width: 4, residualLayers: 1)
        var rng = RandomSource(seed: 1)
        let net = PotentialNetwork<Double>.initialized(shape: shape, rng: &rng)
        #expect(throws: NetworkError.self) {
            try PotentialFit(network: net, points: [0, 0, 1], gradients: [0], values: [0], iterations: 1)
        }
    }
}
