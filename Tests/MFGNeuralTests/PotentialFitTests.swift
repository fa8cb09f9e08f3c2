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

    /// Laplacian targets for `targets(n:)`: the exact ΔₓΦ = tr M = 0.6 plus noise of size 0.5
    /// (so that the Laplacian term's residual is not small anywhere).
    static func laplacianTargets(n: Int) -> [Double] {
        var rng = RandomSource(seed: 12)
        let noise: [Double] = rng.gaussians(n)
        return noise.map { 0.6 + 0.5 * $0 }
    }

    /// ℒ with the Laplacian term (β = 0.3) has the parameter gradient `PotentialFit.Loss`
    /// returns: slope 2 at every step of the Taylor sequence, in every block of θ but the
    /// constant b, for a network with every part the bimodal problems use (ResNet, diagonal
    /// quadratic, separable units) over 300 points (three blocks, the last one partial), on one
    /// thread and on two (the same numbers, bit for bit).
    @Test func laplacianTermGradientTaylor() throws {
        let parts = OptionalParts(quadratic: .diagonal, timeDegree: 4, separableWidth: 4)
        let net = randomNetwork(Double.self, d: 2, m: 6, layers: 2, seed: 31, parts: parts)
        let n = 300
        let (p, g, v) = Self.targets(n: n)
        let lap = Self.laplacianTargets(n: n)
        let loss = try PotentialFit.Loss(network: net, points: p, gradients: g, values: v, laplacians: lap,
                                         laplacianWeight: 0.3, threads: 1)
        let base = try loss.evaluate(net.parameters)
        #expect(base.terms.laplacian > 0.01 * base.loss)
        #expect(abs(base.terms.gradient + base.terms.value + base.terms.laplacian - base.loss) <= 1e-12 * base.loss)
        var rng = RandomSource(seed: 32)
        expectSecondOrderInEveryBlock(net, gradient: base.gradient, eps0: 0.02, rng: &rng, everyStep: true) {
            try! loss.evaluate($0.parameters).loss
        }
        let two = try PotentialFit.Loss(network: net, points: p, gradients: g, values: v, laplacians: lap,
                                        laplacianWeight: 0.3, threads: 2).evaluate(net.parameters)
        #expect(two.loss == base.loss && two.gradient == base.gradient)
    }

    /// β = 0 is the two-term fit bit for bit, with or without Laplacian targets; the targets
    /// then only give the misfit. β > 0 lowers the Laplacian misfit of the same fit.
    @Test func zeroLaplacianWeightIsTheTwoTermFit() throws {
        let shape = try NetworkShape(dimension: 2, width: 8, residualLayers: 1, quadratic: .full, timeDegree: 2)
        var rng = RandomSource(seed: 1)
        let net = PotentialNetwork<Double>.initialized(shape: shape, rng: &rng)
        let (p, g, v) = Self.targets(n: 300)
        // Targets the network can meet: ΔₓΦ = tr M, with 10 % noise it cannot.
        let lap = Self.laplacianTargets(n: 300).map { 0.6 + 0.2 * ($0 - 0.6) }
        let plain = try PotentialFit(network: net, points: p, gradients: g, values: v, iterations: 40, threads: 2)
        let zero = try PotentialFit(network: net, points: p, gradients: g, values: v, laplacians: lap,
                                    laplacianWeight: 0, iterations: 40, threads: 2)
        #expect(plain.parameters == zero.parameters && plain.finalLoss == zero.finalLoss)
        #expect(plain.relativeLaplacianMisfit == nil && zero.relativeLaplacianMisfit != nil)
        #expect(zero.finalTerms.laplacian == 0)
        let weighted = try PotentialFit(network: net, points: p, gradients: g, values: v, laplacians: lap,
                                        laplacianWeight: 1, iterations: 40, threads: 2)
        #expect(weighted.relativeLaplacianMisfit! < zero.relativeLaplacianMisfit!)
        #expect(weighted.finalTerms.laplacian > 0)
        // A positive weight without targets, or a negative one, is refused.
        #expect(throws: NetworkError.self) {
            try PotentialFit(network: net, points: p, gradients: g, values: v, laplacianWeight: 1, iterations: 1)
        }
        #expect(throws: NetworkError.self) {
            try PotentialFit(network: net, points: p, gradients: g, values: v, laplacians: lap,
                             laplacianWeight: -1, iterations: 1)
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
