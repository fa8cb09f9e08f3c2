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

    @Test func mismatchedSizesThrow() throws {
        let shape = try NetworkShape(dimension: 2, width: 4, residualLayers: 1)
        var rng = RandomSource(seed: 1)
        let net = PotentialNetwork<Double>.initialized(shape: shape, rng: &rng)
        #expect(throws: NetworkError.self) {
            try PotentialFit(network: net, points: [0, 0, 1], gradients: [0], values: [0], iterations: 1)
        }
    }
}
