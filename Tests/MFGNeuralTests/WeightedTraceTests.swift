import Testing
import MFGMath
@testable import MFGNeural

/// The weighted trace Σᵢ wᵢ ∂²Φ/∂xᵢ² (`PotentialWorkspace.setTraceWeights`), which the
/// anisotropic kinetic cost (wᵢ = 1/αᵢ) and per-coordinate noise (wᵢ = σᵢ²/2) need: against a
/// dense Hessian for every part of the network and the width-16 kernels, and its reverse mode by
/// strict Taylor tests (slope 2 at every step) in every parameter block and in the input.
@Suite("Weighted Hessian trace of the network")
struct WeightedTraceTests {
    /// A network configuration: width, layers, optional parts.
    struct Case: CustomStringConvertible, Sendable {
        var label: String, d: Int, m: Int, layers: Int, parts: OptionalParts = .none
        var description: String { label }
    }

    static let cases: [Case] = [
        Case(label: "resnet d=4 m=6", d: 4, m: 6, layers: 2),
        Case(label: "resnet no residual layer", d: 3, m: 5, layers: 0),
        Case(label: "gram factor d=9 m=4", d: 9, m: 4, layers: 2),
        Case(label: "width 16 d=5", d: 5, m: 16, layers: 2),
        Case(label: "width 16 gram d=20", d: 20, m: 16, layers: 1),
        Case(label: "quadratic diagonal", d: 4, m: 3, layers: 1,
             parts: OptionalParts(quadratic: .diagonal, timeDegree: 2, timeScale: 1.5, timeTerm: true)),
        Case(label: "quadratic full", d: 4, m: 3, layers: 1,
             parts: OptionalParts(quadratic: .full, timeDegree: 2, timeScale: 1.5)),
        Case(label: "quadratic full alone", d: 5, m: 3, layers: 1,
             parts: OptionalParts(quadratic: .full, timeDegree: 3, alone: true)),
        Case(label: "separable", d: 4, m: 3, layers: 1, parts: OptionalParts(separableWidth: 3)),
        Case(label: "separable alone", d: 4, m: 3, layers: 1, parts: OptionalParts(separableWidth: 2, alone: true)),
        Case(label: "spline alone", d: 4, m: 3, layers: 1,
             parts: OptionalParts(timeDegree: 2, separableWidth: 4, timeScale: 1.3, alone: true, separableForm: .spline)),
        Case(label: "spline + diagonal", d: 5, m: 3, layers: 1,
             parts: OptionalParts(quadratic: .diagonal, timeDegree: 1, separableWidth: 3, separableForm: .spline)),
        Case(label: "all parts", d: 6, m: 4, layers: 2,
             parts: OptionalParts(quadratic: .diagonal, timeDegree: 1, separableWidth: 2)),
    ]

    static func weights(_ d: Int) -> [Double] {
        // Spread over two orders of magnitude, one weight 0 (a coordinate without noise).
        var w = [Double](repeating: 0, count: d)
        for i in 0..<d where i != 1 {
            let power = Double.pow(1.7, Double(i % 7))
            w[i] = 0.1 * power + 0.05 * Double(i)
        }
        return w
    }

    /// Σᵢ wᵢ Hᵢᵢ against central differences of the exact gradient (step 1e-4), relative 1e-6.
    @Test(arguments: cases) func matchesDenseHessian(_ c: Case) throws {
        let net = randomNetwork(Double.self, d: c.d, m: c.m, layers: c.layers, seed: 401, parts: c.parts)
        let pts = randomPoints(Double.self, d: c.d, n: 5, seed: 402)
        let w = Self.weights(c.d)
        let weighted = try net.evaluate(pts, traceWeights: w)
        let plain = try net.evaluate(pts)
        let eps = 1e-4
        for col in 0..<pts.cols {
            var trace = 0.0
            for j in 0..<c.d {
                var plus = pts.columns(col..<(col + 1)), minus = plus
                plus[j, 0] += eps; minus[j, 0] -= eps
                let hjj = (try net.evaluate(plus).gradient[j, 0] - net.evaluate(minus).gradient[j, 0]) / (2 * eps)
                trace += w[j] * hjj
            }
            let rel = abs(weighted.laplacian[col] - trace) / max(1, abs(trace))
            #expect(rel < 1e-6, "\(c): col \(col) weighted \(weighted.laplacian[col]) dense \(trace)")
            // Φ and ∇Φ do not depend on the weights.
            #expect(weighted.phi[col] == plain.phi[col])
            for j in 0...c.d { #expect(weighted.gradient[j, col] == plain.gradient[j, col]) }
        }
    }

    /// All-ones weights are the unweighted path, bit for bit (values and reverse mode).
    @Test(arguments: cases) func onesAreTheLaplacianBitForBit(_ c: Case) throws {
        let net = randomNetwork(Double.self, d: c.d, m: c.m, layers: c.layers, seed: 411, parts: c.parts)
        let pts = randomPoints(Double.self, d: c.d, n: 4, seed: 412)
        let ones = [Double](repeating: 1, count: c.d)
        #expect(try net.evaluate(pts, traceWeights: ones).laplacian == net.evaluate(pts).laplacian)
        let loss = ParameterGradientTests.MixedLoss<Double>(n: 4, seed: 413)
        let plain = loss.gradient(net, pts)
        var gBar = Matrix<Double>(rows: c.d + 1, cols: 4)
        let v = try net.evaluate(pts)
        for s in 0..<4 { for j in 0..<c.d { gBar[j, s] = 2 * loss.beta[s] * v.gradient[j, s] }; gBar[c.d, s] = loss.gamma[s] }
        let ones1 = try net.vectorJacobianProduct(at: pts, phiBar: loss.alpha, gradientBar: gBar, laplacianBar: loss.delta,
                                                  blockSize: 2, traceWeights: ones)
        #expect(ones1.parameters == plain.parameters)
        #expect(ones1.points.storage == plain.points.storage)
    }

    /// ℒ = Σ [αΦ + β|∇ₓΦ|² + γ∂ₜΦ + δ Σᵢwᵢ∂ᵢᵢΦ]: strict Taylor tests of ∂ℒ/∂θ in every block and
    /// of ∂ℒ/∂x, weights ≠ 1.
    @Test(arguments: cases) func reverseModeTaylor(_ c: Case) throws {
        let net = randomNetwork(Double.self, d: c.d, m: c.m, layers: c.layers, seed: 421, parts: c.parts)
        let n = 5
        let pts = randomPoints(Double.self, d: c.d, n: n, seed: 422)
        let w = Self.weights(c.d)
        let loss = ParameterGradientTests.MixedLoss<Double>(n: n, seed: 423)
        func value(_ net: PotentialNetwork<Double>, _ pts: Matrix<Double>) -> Double {
            let v = try! net.evaluate(pts, traceWeights: w)
            var total = 0.0
            for s in 0..<n {
                var g2 = 0.0
                for j in 0..<c.d { g2 += v.gradient[j, s] * v.gradient[j, s] }
                total += loss.alpha[s] * v.phi[s] + loss.beta[s] * g2 + loss.gamma[s] * v.gradient[c.d, s]
                    + loss.delta[s] * v.laplacian[s]
            }
            return total
        }
        let v = try net.evaluate(pts, traceWeights: w)
        var gBar = Matrix<Double>(rows: c.d + 1, cols: n)
        for s in 0..<n { for j in 0..<c.d { gBar[j, s] = 2 * loss.beta[s] * v.gradient[j, s] }; gBar[c.d, s] = loss.gamma[s] }
        let grad = try net.vectorJacobianProduct(at: pts, phiBar: loss.alpha, gradientBar: gBar, laplacianBar: loss.delta,
                                                 blockSize: 2, traceWeights: w)
        var rng = RandomSource(seed: 424)
        // ℒ is affine in c_time (no ∇ₓ, no trace): its remainder is rounding only, no slope to see.
        let alone = c.parts.alone
        let blocks: (String) -> Bool = { name in name != "c_time" && (!alone || isOptionalPartBlock(name)) }
        expectSecondOrderInEveryBlock(net, gradient: grad.parameters, eps0: 0.05, rng: &rng, label: "\(c): ",
                                      everyStep: true, blocks: blocks) { value($0, pts) }
        expectSecondOrderInInput(pts, gradient: grad.points, eps0: 0.05, rng: &rng, label: "\(c): ",
                                 everyStep: true) { value(net, $0) }
    }

    @Test func refusesBadWeights() throws {
        let ws = try PotentialWorkspace<Double>(shape: NetworkShape(dimension: 3, width: 4, residualLayers: 1, rank: 2),
                                                capacity: 2)
        #expect(throws: NetworkError.self) { try ws.setTraceWeights([1, 2]) }
        #expect(throws: NetworkError.invalidTraceWeight(index: 1, value: -1)) { try ws.setTraceWeights([1, -1, 2]) }
        #expect(throws: NetworkError.self) { try ws.setTraceWeights([1, .nan, 2]) }
        try ws.setTraceWeights([1, 1, 1])
        #expect(ws.traceWeights == nil)
    }
}
