import Testing
import CKernels
import MFGMath
import MFGProblem
@testable import MFGNeural

/// One network configuration with optional parts, and points whose t come in runs (3 columns
/// sharing one t, then 2 sharing another), so the quadratic's per-run gemm path, its multi-run
/// path and the blocking of `evaluate`/`vectorJacobianProduct` (blocks of 2) all run.
struct PartCase: CustomTestStringConvertible, Sendable {
    let name: String
    let d: Int, m: Int, layers: Int
    let parts: OptionalParts
    var testDescription: String { name }

    func network<T: Scalar>(_: T.Type, seed: UInt64 = 41) -> PotentialNetwork<T> {
        randomNetwork(T.self, d: d, m: m, layers: layers, seed: seed, parts: parts)
    }
    func points<T: Scalar>(_: T.Type, seed: UInt64 = 42) -> Matrix<T> {
        randomPoints(T.self, d: d, n: 5, seed: seed, timeRuns: [3, 2])
    }
    /// The blocks a parameter Taylor test can move: all but the zeroed ones of an `alone` case,
    /// and never c_time: Φ and ∂ₜΦ are affine in it, so a Taylor remainder is rounding noise
    /// with no slope to see (`timeTermGradientIsExact` checks its gradient instead).
    var testedBlocks: ((String) -> Bool)? {
        parts.alone ? { isOptionalPartBlock($0) && $0 != "c_time" } : { $0 != "c_time" }
    }
}



@Suite("Optional parts of Φ: time-varying quadratic and separable units")
struct OptionalPartTests {
    /// Each part alone (the ResNet, AᵀA, c, b zeroed), each with the ResNet, the width-16 C
    /// kernels (m = 16) and the Gram factor (d > m, both the Swift and the C path); time degrees
    /// 0…4 and time scales T ≠ 1 are spread over the cases.
    static let cases: [PartCase] = [
        PartCase(name: "diagonal p=2 alone", d: 4, m: 6, layers: 2,
                 parts: OptionalParts(quadratic: .diagonal, timeDegree: 2, timeScale: 1.7, alone: true)),
        PartCase(name: "full p=3 alone", d: 4, m: 6, layers: 2,
                 parts: OptionalParts(quadratic: .full, timeDegree: 3, timeScale: 1.7, alone: true)),
        PartCase(name: "separable q=3 alone", d: 4, m: 6, layers: 2,
                 parts: OptionalParts(separableWidth: 3, timeScale: 1.7, alone: true)),
        PartCase(name: "full p=2 + separable q=2 + ResNet m=6", d: 4, m: 6, layers: 2,
                 parts: OptionalParts(quadratic: .full, timeDegree: 2, separableWidth: 2, timeScale: 2)),
        PartCase(name: "diagonal p=4 + separable q=2 + ResNet, d=9 > m=4 (Gram factor)", d: 9, m: 4, layers: 2,
                 parts: OptionalParts(quadratic: .diagonal, timeDegree: 4, separableWidth: 2, timeScale: 0.8)),
        PartCase(name: "full p=1 + ResNet m=16 (C kernels)", d: 3, m: 16, layers: 2,
                 parts: OptionalParts(quadratic: .full, timeDegree: 1)),
        PartCase(name: "diagonal p=0 + separable q=4 + ResNet m=16", d: 3, m: 16, layers: 2,
                 parts: OptionalParts(quadratic: .diagonal, timeDegree: 0, separableWidth: 4)),
        PartCase(name: "full p=2 + separable q=2 + ResNet m=16, d=21 > m (Gram factor, C kernels)", d: 21, m: 16,
                 layers: 2, parts: OptionalParts(quadratic: .full, timeDegree: 2, separableWidth: 2, timeScale: 1.3)),
        PartCase(name: "full p=4 + c(t) alone", d: 4, m: 6, layers: 2,
                 parts: OptionalParts(quadratic: .full, timeDegree: 4, timeScale: 1.7, timeTerm: true, alone: true)),
        PartCase(name: "diagonal p=4 + c(t) + separable q=2 + ResNet, d=9 > m=4 (Gram factor)", d: 9, m: 4, layers: 2,
                 parts: OptionalParts(quadratic: .diagonal, timeDegree: 4, separableWidth: 2, timeScale: 0.8,
                                      timeTerm: true)),
        // Time-scaled separable units (block sep_e): alone, with the ResNet and a quadratic, and
        // with the Gram factor.
        PartCase(name: "time-scaled separable q=3 alone", d: 4, m: 6, layers: 2,
                 parts: OptionalParts(separableWidth: 3, timeScale: 1.7, alone: true, separableForm: .timeScaled)),
        PartCase(name: "diagonal p=2 + time-scaled separable q=2 + ResNet m=16", d: 3, m: 16, layers: 2,
                 parts: OptionalParts(quadratic: .diagonal, timeDegree: 2, separableWidth: 2, timeScale: 1.3,
                                      separableForm: .timeScaled)),
        PartCase(name: "time-scaled separable q=2 + ResNet, d=9 > m=4 (Gram factor)", d: 9, m: 4, layers: 2,
                 parts: OptionalParts(separableWidth: 2, timeScale: 0.8, separableForm: .timeScaled)),
        // The spline form (block sep_spline): alone, with a quadratic and the C kernels, and with
        // the Gram factor; its time degree is its own when there is no quadratic part.
        PartCase(name: "spline q=5 p=3 alone", d: 4, m: 6, layers: 2,
                 parts: OptionalParts(timeDegree: 3, separableWidth: 5, timeScale: 1.7, alone: true, separableForm: .spline)),
        PartCase(name: "diagonal p=2 + spline q=4 + ResNet m=16", d: 3, m: 16, layers: 2,
                 parts: OptionalParts(quadratic: .diagonal, timeDegree: 2, separableWidth: 4, timeScale: 1.3,
                                      separableForm: .spline)),
        PartCase(name: "spline q=3 p=4 + ResNet, d=9 > m=4 (Gram factor)", d: 9, m: 4, layers: 2,
                 parts: OptionalParts(timeDegree: 4, separableWidth: 3, timeScale: 0.8, separableForm: .spline,
                                      splineRange: -2...0.5)),
    ]

    // Taylor tests in Double, slope 2 asserted at every step of a 5-term halving sequence
    // placed in the asymptotic range of each direction (`taylorRatiosInAsymptoticRange`,
    // probe ε = 10⁻³).

    /// ∇ₓΦ and ∂ₜΦ against Φ.
    @Test(arguments: cases) func gradientTaylor(_ c: PartCase) throws {
        var rng = RandomSource(seed: 43)
        try expectGradientTaylor(c.network(Double.self), at: c.points(Double.self), eps0: 1e-3, steps: 5,
                                 rng: &rng, everyStep: true, label: "\(c.name): ")
    }

    /// ΔₓΦ in the input: ℒ = Σ δₛ ΔΦ(sₛ), its input adjoint from the reverse pass with Δ̄ = δ
    /// only, against ℒ along a direction in (x, t) and one in x alone (runs of t kept).
    @Test(arguments: cases) func laplacianInputTaylor(_ c: PartCase) throws {
        let net = c.network(Double.self), pts = c.points(Double.self)
        var rng = RandomSource(seed: 44)
        let delta: [Double] = rng.gaussians(pts.cols)
        let grad = try net.vectorJacobianProduct(at: pts, phiBar: nil, gradientBar: nil, laplacianBar: delta,
                                                 blockSize: 2).points
        // A quadratic part alone has ΔΦ = tr M(t), constant in x: nothing to test along x.
        let constantInX = c.parts.alone && c.parts.separableWidth == 0
        for spaceOnly in constantInX ? [false] : [false, true] {
            expectSecondOrderInInput(pts, gradient: grad, eps0: 1e-3, steps: 5, rng: &rng, label: "\(c.name): ΔΦ ",
                                     everyStep: true, spaceOnly: spaceOnly) { p in
                let lap = try! net.evaluate(p).laplacian
                return zip(lap, delta).reduce(0.0) { $0 + $1.0 * $1.1 }
            }
        }
    }

    /// ℒ = Σ [αΦ + β|∇ₓΦ|² + γ∂ₜΦ + δΔΦ]: its gradient in every parameter block (the new
    /// ones included) and in the input (x and t, and x alone).
    @Test(arguments: cases) func parameterAndInputTaylor(_ c: PartCase) {
        let net = c.network(Double.self), pts = c.points(Double.self)
        let loss = ParameterGradientTests.MixedLoss<Double>(n: pts.cols, seed: 45)
        let grad = loss.gradient(net, pts)
        var rng = RandomSource(seed: 46)
        expectSecondOrderInEveryBlock(net, gradient: grad.parameters, eps0: 1e-3, steps: 5, rng: &rng,
                                      label: "\(c.name): ", everyStep: true, blocks: c.testedBlocks) {
            loss.value($0, pts)
        }
        for spaceOnly in [false, true] {
            expectSecondOrderInInput(pts, gradient: grad.points, eps0: 1e-3, steps: 5, rng: &rng, label: "\(c.name): ",
                                     everyStep: true, spaceOnly: spaceOnly) { loss.value(net, $0) }
        }
    }

    /// ΔₓΦ against the trace of a dense finite-difference Hessian, relative 1e-6.
    @Test(arguments: cases) func laplacianMatchesDenseHessianTrace(_ c: PartCase) throws {
        try expectLaplacianMatchesDenseHessianTrace(c.network(Double.self), at: c.points(Double.self))
    }

    /// Float computes what Double computes, up to Float rounding: Φ, ∇ₛΦ, ΔΦ relative 1e-4 of
    /// their scale (a few hundred operations at 6e-8 each), the parameter gradient 1e-3 of its
    /// largest entry (sums over the block).
    @Test(arguments: cases) func floatAgreesWithDouble(_ c: PartCase) throws {
        let netD = c.network(Double.self), ptsD = c.points(Double.self)
        let netF = try PotentialNetwork<Float>(shape: netD.shape, parameters: netD.parameters.map { Float($0) })
        let ptsF = try Matrix<Float>(rows: ptsD.rows, cols: ptsD.cols, storage: ptsD.storage.map { Float($0) })
        let vD = try netD.evaluate(ptsD), vF = try netF.evaluate(ptsF)
        for s in 0..<ptsD.cols {
            #expect(abs(Double(vF.phi[s]) - vD.phi[s]) <= 1e-4 * max(1, abs(vD.phi[s])), "\(c.name) Φ")
            #expect(abs(Double(vF.laplacian[s]) - vD.laplacian[s]) <= 1e-4 * max(1, abs(vD.laplacian[s])), "\(c.name) ΔΦ")
            for j in 0..<ptsD.rows {
                #expect(abs(Double(vF.gradient[j, s]) - vD.gradient[j, s]) <= 1e-4 * max(1, abs(vD.gradient[j, s])),
                        "\(c.name) ∇Φ")
            }
        }
        let ones = [Double](repeating: 1, count: ptsD.cols)
        let gD = try netD.vectorJacobianProduct(at: ptsD, phiBar: ones, gradientBar: nil, laplacianBar: ones)
        let gF = try netF.vectorJacobianProduct(at: ptsF, phiBar: ones.map { Float($0) }, gradientBar: nil,
                                                laplacianBar: ones.map { Float($0) })
        let norm = gD.parameters.reduce(0.0) { max($0, abs($1)) }
        for (a, b) in zip(gD.parameters, gF.parameters) { #expect(abs(Double(b) - a) <= 1e-3 * norm, "\(c.name) θ̄") }
    }

    /// A block whose samples have different t (any interleaving, repeats) gives what each sample
    /// gives alone: values, parameter gradient and input adjoint, relative 1e-12 (only the order
    /// of floating-point sums differs: gemm over many columns against one).
    @Test(arguments: [OptionalParts(quadratic: .full, timeDegree: 3, separableWidth: 2, timeScale: 1.4),
                      OptionalParts(quadratic: .diagonal, timeDegree: 2, separableWidth: 1),
                      OptionalParts(separableWidth: 3, timeScale: 1.2, separableForm: .timeScaled),
                      OptionalParts(timeDegree: 3, separableWidth: 4, timeScale: 1.2, separableForm: .spline)])
    func mixedTimesMatchPerSampleEvaluation(_ parts: OptionalParts) throws {
        let d = 6, n = 9
        let net = randomNetwork(Double.self, d: d, m: 5, layers: 2, seed: 47, parts: parts)
        var pts = randomPoints(Double.self, d: d, n: n, seed: 48)
        for (col, t) in [0.3, 0.3, 0.9, 0.3, -0.2, -0.2, -0.2, 0.9, 0.5].enumerated() { pts[d, col] = t }
        let block = try net.evaluate(pts, blockSize: n), single = try net.evaluate(pts, blockSize: 1)
        func close(_ a: Double, _ b: Double, _ what: String) {
            #expect(abs(a - b) <= 1e-12 * max(1, abs(b)), "\(what): \(a) vs \(b)")
        }
        for s in 0..<n {
            close(block.phi[s], single.phi[s], "Φ[\(s)]")
            close(block.laplacian[s], single.laplacian[s], "ΔΦ[\(s)]")
            for j in 0...d { close(block.gradient[j, s], single.gradient[j, s], "∇Φ[\(j), \(s)]") }
        }
        let loss = ParameterGradientTests.MixedLoss<Double>(n: n, seed: 49)
        let v = try net.evaluate(pts)
        var gBar = Matrix<Double>(rows: d + 1, cols: n)
        for s in 0..<n { for j in 0...d { gBar[j, s] = loss.beta[s] * v.gradient[j, s] + loss.gamma[s] } }
        let a = try net.vectorJacobianProduct(at: pts, phiBar: loss.alpha, gradientBar: gBar, laplacianBar: loss.delta,
                                              blockSize: n)
        let b = try net.vectorJacobianProduct(at: pts, phiBar: loss.alpha, gradientBar: gBar, laplacianBar: loss.delta,
                                              blockSize: 1)
        for (x, y) in zip(a.parameters, b.parameters) { close(x, y, "θ̄") }
        for (x, y) in zip(a.points.storage, b.points.storage) { close(x, y, "s̄") }
    }

    /// A full Sₖ is stored as its lower triangle: the strict upper triangle of the stored block
    /// neither changes Φ, ∇Φ, ΔΦ nor gets a gradient (exactly 0), so training leaves it at its
    /// initial 0.
    @Test func fullQuadraticUsesTheLowerTriangleOnly() throws {
        let d = 7, n = 6
        let net = randomNetwork(Double.self, d: d, m: 4, layers: 1, seed: 50,
                                parts: OptionalParts(quadratic: .full, timeDegree: 2))
        var cleared = net
        let offsets = net.layout.quadraticMatrixOffsets
        for off in offsets { for j in 0..<d { for i in 0..<j { cleared.parameters[off + i + j * d] = 0 } } }
        let pts = randomPoints(Double.self, d: d, n: n, seed: 51, timeRuns: [4, 2])
        let a = try net.evaluate(pts), b = try cleared.evaluate(pts)
        #expect(a.phi == b.phi && a.gradient == b.gradient && a.laplacian == b.laplacian)
        let loss = ParameterGradientTests.MixedLoss<Double>(n: n, seed: 52)
        let grad = loss.gradient(net, pts).parameters
        for off in offsets {
            for j in 0..<d { for i in 0..<j { #expect(grad[off + i + j * d] == 0) } }
            #expect(grad[off + 1].magnitude > 0)
        }
    }

    /// A workspace keeps M(t) between calls only while θ is the same: the same workspace and t
    /// with changed parameters give what a fresh workspace gives.
    @Test func keptCoefficientsFollowParameterChanges() throws {
        let c = Self.cases[3]
        var net = c.network(Double.self)
        let pts = randomPoints(Double.self, d: c.d, n: 4, seed: 63, timeRuns: [4])
        let ws = try PotentialWorkspace<Double>(shape: net.shape, capacity: 4)
        func phi(_ net: PotentialNetwork<Double>, _ ws: PotentialWorkspace<Double>) throws -> [Double] {
            try pts.storage.withUnsafeBufferPointer { try net.forward($0.baseAddress!, count: 4, workspace: ws) }
            return Array(UnsafeBufferPointer(start: ws.phi, count: 4))
        }
        _ = try phi(net, ws)
        let s0 = net.layout.quadraticMatrixOffsets[0]
        net.parameters[s0] += 0.5
        let fresh = try PotentialWorkspace<Double>(shape: net.shape, capacity: 4)
        #expect(try phi(net, ws) == phi(net, fresh))
    }

    /// Without Φ (what the objective's stages ask for) ∇ₛΦ and ΔΦ are the same to the last bit.
    @Test(arguments: cases) func derivativesWithoutValueAreUnchanged(_ c: PartCase) throws {
        let net = c.network(Double.self), pts = c.points(Double.self)
        let n = pts.cols, dd = pts.rows
        let ws = try PotentialWorkspace<Double>(shape: net.shape, capacity: n)
        var out: [([Double], [Double])] = []
        for value in [true, false] {
            try pts.storage.withUnsafeBufferPointer {
                try net.forward($0.baseAddress!, count: n, workspace: ws, value: value)
            }
            out.append((Array(UnsafeBufferPointer(start: ws.gradient, count: dd * n)),
                        Array(UnsafeBufferPointer(start: ws.laplacian, count: n))))
        }
        #expect(out[0].0 == out[1].0)
        #expect(out[0].1 == out[1].1)
    }

    /// Without the time adjoint (what the objective asks for) the x rows of the input adjoint
    /// and the parameter gradient are unchanged, to the last bit, and the t row is 0.
    @Test(arguments: cases) func timeAdjointCanBeSkipped(_ c: PartCase) throws {
        let net = c.network(Double.self), pts = c.points(Double.self)
        let n = pts.cols, dd = pts.rows
        let ws = try PotentialWorkspace<Double>(shape: net.shape, capacity: n)
        let loss = ParameterGradientTests.MixedLoss<Double>(n: n, seed: 59)
        var gBar = [Double](repeating: 0, count: dd * n)
        for i in gBar.indices { gBar[i] = loss.beta[i % n] + Double(i % 3) }
        var results: [([Double], [Double])] = []
        for timeAdjoint in [true, false] {
            try pts.storage.withUnsafeBufferPointer { try net.forward($0.baseAddress!, count: n, workspace: ws) }
            var grad = [Double](repeating: 0, count: net.layout.count), input = [Double](repeating: .nan, count: dd * n)
            net.backward(phiBar: loss.alpha, gradientBar: gBar, laplacianBar: loss.delta, workspace: ws,
                         parameterGradient: &grad, inputGradient: &input, timeAdjoint: timeAdjoint)
            results.append((grad, input))
        }
        #expect(results[0].0 == results[1].0)
        for col in 0..<n {
            for j in 0..<(dd - 1) { #expect(results[0].1[col * dd + j] == results[1].1[col * dd + j]) }
            #expect(results[1].1[col * dd + dd - 1] == 0)
        }
    }

    /// The characteristics objective (RK4: equal-t blocks through the reverse Runge–Kutta
    /// stages) differentiates through the new parts exactly: every block, slope 2 at every step.
    @Test(arguments: [false, true]) func objectiveGradientTaylor(timeTerm: Bool) throws {
        let d = 5, n = 6
        let net = randomNetwork(Double.self, d: d, m: 4, layers: 2, seed: 53,
                                parts: OptionalParts(quadratic: .full, timeDegree: 2, separableWidth: 2, timeScale: 1.5,
                                                     timeTerm: timeTerm))
        let costs = testCosts(Double.self, d: d, obstacle: true, entropy: 0.3, kl: true)
        let obj = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 2, shape: net.shape, blockSize: 4)
        var rng = RandomSource(seed: 54)
        let x0: [Double] = rng.gaussians(d * n)
        let logRho0: [Double] = rng.gaussians(n)
        let base = try obj.evaluate(net, x0: x0, logRho0: logRho0, gradient: true)
        expectSecondOrderInEveryBlock(net, gradient: base.gradient!, eps0: 1e-3, steps: 5, rng: &rng, everyStep: true,
                                      blocks: { $0 != "c_time" }) {
            try! obj.evaluate($0, x0: x0, logRho0: logRho0, gradient: false).terms.total
        }
        guard timeTerm else { return }
        // c(t) enters the objective only inside |HJB residual| and |terminal mismatch|: piecewise
        // affine in c_time, so central differences of step 1e-7 (no kink crossed) are exact to
        // rounding. Each coefficient against its gradient entry, relative 1e-6.
        let block = net.layout.block("c_time")!
        for i in block.range {
            var up = net, down = net
            up.parameters[i] += 1e-7; down.parameters[i] -= 1e-7
            let fd = (try obj.evaluate(up, x0: x0, logRho0: logRho0, gradient: false).terms.total
                      - obj.evaluate(down, x0: x0, logRho0: logRho0, gradient: false).terms.total) / 2e-7
            #expect(abs(fd - base.gradient![i]) <= 1e-6 * max(1, abs(fd)), "c_time[\(i - block.offset)]: \(fd) vs \(base.gradient![i])")
            #expect(abs(fd) > 1e-3, "c_time[\(i - block.offset)] moves the penalties")
        }
    }

    /// ∂ℒ/∂c_time of ℒ = Σ [αΦ + β|∇ₓΦ|² + γ∂ₜΦ + δΔΦ] is exact: ℒ is affine in c_time, so a
    /// central difference of step 1 equals the directional derivative to rounding (relative 1e-9).
    @Test(arguments: cases.filter(\.parts.timeTerm)) func timeTermGradientIsExact(_ c: PartCase) {
        let net = c.network(Double.self), pts = c.points(Double.self)
        let loss = ParameterGradientTests.MixedLoss<Double>(n: pts.cols, seed: 45)
        let grad = loss.gradient(net, pts)
        let block = net.layout.block("c_time")!
        for i in block.range {
            var up = net, down = net
            up.parameters[i] += 1; down.parameters[i] -= 1
            let fd = (loss.value(up, pts) - loss.value(down, pts)) / 2
            #expect(abs(fd - grad.parameters[i]) <= 1e-9 * max(1, abs(fd)), "\(c.name): c_time[\(i - block.offset)]")
            #expect(abs(fd) > 1e-3)
        }
    }

    /// The time-only term adds exactly c(τ) = Σₖ φₖ(τ)cₖ to Φ and c′(τ)/T to ∂ₜΦ and nothing to
    /// ∇ₓΦ or ΔₓΦ (bit for bit: the same network with c_time zeroed), at points with mixed t;
    /// the shifted Legendre values are written out here (φ₂ = 6τ² − 6τ + 1, φ₃ = 20τ³ − 30τ² + 12τ − 1).
    @Test func timeTermIsAFunctionOfTimeOnly() throws {
        let d = 4, T = 1.6
        let parts = OptionalParts(quadratic: .full, timeDegree: 3, separableWidth: 1, timeScale: T, timeTerm: true)
        let net = randomNetwork(Double.self, d: d, m: 5, layers: 2, seed: 61, parts: parts)
        let block = net.layout.block("c_time")!
        #expect(block.count == 4 && block.shape == [4])
        var zeroed = net.parameters
        for i in block.range { zeroed[i] = 0 }
        let without = try PotentialNetwork<Double>(shape: net.shape, parameters: zeroed)
        let pts = randomPoints(Double.self, d: d, n: 7, seed: 62, timeRuns: [2, 3, 1, 1])
        let a = try net.evaluate(pts), b = try without.evaluate(pts)
        let c = Array(net.parameters[block.range])
        for s in 0..<pts.cols {
            let tau = pts[d, s] / T
            let phi = [1, 2 * tau - 1, 6 * tau * tau - 6 * tau + 1, 20 * tau * tau * tau - 30 * tau * tau + 12 * tau - 1]
            let dphi = [0, 2, 12 * tau - 6, 60 * tau * tau - 60 * tau + 12]
            let value = zip(phi, c).reduce(0.0) { $0 + $1.0 * $1.1 }
            let slope = zip(dphi, c).reduce(0.0) { $0 + $1.0 * $1.1 } / T
            #expect(abs(a.phi[s] - b.phi[s] - value) <= 1e-12 * max(1, abs(a.phi[s])))
            #expect(abs(a.gradient[d, s] - b.gradient[d, s] - slope) <= 1e-12 * max(1, abs(a.gradient[d, s])))
            #expect(a.laplacian[s] == b.laplacian[s])
            for j in 0..<d { #expect(a.gradient[j, s] == b.gradient[j, s]) }
        }
        #expect(c.allSatisfy { $0 != 0 })
        // Training starts with c(t) = 0 and draws nothing for it: the other blocks are those of
        // the same shape without the term.
        var r1 = RandomSource(seed: 5), r2 = RandomSource(seed: 5)
        let shapeWith = net.shape
        let shapeWithout = try NetworkShape(dimension: d, width: 5, residualLayers: 2, rank: min(3, d + 1),
                                            quadratic: .full, timeDegree: 3, separableWidth: 1, timeScale: T)
        let init1 = PotentialNetwork<Double>.initialized(shape: shapeWith, rng: &r1)
        let init2 = PotentialNetwork<Double>.initialized(shape: shapeWithout, rng: &r2)
        for (blk, values) in init2.namedParameters() { #expect(Array(init1.parameters[init1.layout.block(blk.name)!.range]) == values) }
        #expect(init1.parameters[init1.layout.block("c_time")!.range].allSatisfy { $0 == 0 })
    }

    /// The separable part's C kernels at every instruction-set level the machine has against
    /// plain loops of the formulas (relative 1e-12: only the order of the sums differs), with
    /// and without each adjoint.
    @Test(arguments: [(3, 2), (17, 5)]) func separableKernelsMatchReferenceAtEveryLevel(d: Int, q: Int) {
        let nb = 4, dq = d * q, dd = d + 1, invT = 0.7
        var rng = RandomSource(seed: UInt64(60 + d))
        let a: [Double] = rng.gaussians(dq), b: [Double] = rng.gaussians(dq), c: [Double] = rng.gaussians(dq)
        let w: [Double] = rng.gaussians(dq), x: [Double] = rng.gaussians(dd * nb)
        let act: [Double] = rng.gaussians(dq * nb), sp: [Double] = rng.gaussians(dq * nb)
        let spp: [Double] = rng.gaussians(dq * nb)
        let pBar: [Double] = rng.gaussians(nb), gBar: [Double] = rng.gaussians(dd * nb), lBar: [Double] = rng.gaussians(nb)
        let wa = (0..<dq).map { w[$0] * a[$0] }, wbT = (0..<dq).map { w[$0] * b[$0] * invT }
        let waa = (0..<dq).map { wa[$0] * a[$0] }
        // Reference loops.
        var preRef = [Double](repeating: 0, count: dq * nb)
        var phiRef = [Double](repeating: 0.5, count: nb), gradRef = [Double](repeating: 0.25, count: dd * nb)
        var lapRef = [Double](repeating: -1, count: nb)
        for s in 0..<nb {
            let tau = x[s * dd + d] * invT
            for j in 0..<q { for i in 0..<d {
                let k = i + d * j, e = s * dq + k
                preRef[e] = a[k] * x[s * dd + i] + b[k] * tau + c[k]
                phiRef[s] += w[k] * act[e]; gradRef[s * dd + i] += wa[k] * sp[e]
                gradRef[s * dd + d] += wbT[k] * sp[e]; lapRef[s] += waa[k] * spp[e]
            } }
        }
        func reverseRef(_ pb: [Double]?, _ gb: [Double]?, _ lb: [Double]?) -> [Double] {
            var g = [Double](repeating: 0.1, count: 4 * dq), sBar = [Double](repeating: 0.2, count: dd * nb)
            for s in 0..<nb {
                let tau = x[s * dd + d] * invT, p = pb?[s] ?? 0, l = lb?[s] ?? 0, gt = (gb?[s * dd + d] ?? 0) * invT
                for j in 0..<q { for i in 0..<d {
                    let k = i + d * j, e = s * dq + k, gi = gb?[s * dd + i] ?? 0
                    let s1 = sp[e], s2 = spp[e], s3 = -2 * s1 * s2, drive = gi * a[k] + gt * b[k]
                    let ybar = w[k] * (p * s1 + drive * s2 + l * a[k] * a[k] * s3)
                    g[k] += w[k] * (gi * s1 + 2 * l * a[k] * s2) + ybar * x[s * dd + i]           // ā
                    g[dq + k] += w[k] * gt * s1 + ybar * tau                                       // b̄
                    g[2 * dq + k] += ybar                                                          // c̄
                    g[3 * dq + k] += p * act[e] + drive * s1 + l * a[k] * a[k] * s2                // w̄
                    sBar[s * dd + i] += ybar * a[k]; sBar[s * dd + d] += ybar * b[k] * invT
                } }
            }
            return g + sBar
        }
        func close(_ u: [Double], _ v: [Double], _ what: String, _ level: Int) {
            let scale = v.reduce(1.0) { max($0, abs($1)) }
            for (p, r) in zip(u, v) { #expect(abs(p - r) <= 1e-12 * scale, "\(what), level \(level), d \(d) q \(q)") }
        }
        for level in 0...Int(mfg_kernel_level_best()) {
            var pre = [Double](repeating: .nan, count: dq * nb)
            mfg_separable_pre_f64(Int32(level), nb, d, q, a, b, c, x, invT, &pre)
            close(pre, preRef, "pre", level)
            var phi = [Double](repeating: 0.5, count: nb), grad = [Double](repeating: 0.25, count: dd * nb)
            var lap = [Double](repeating: -1, count: nb)
            mfg_separable_sums_f64(Int32(level), nb, d, q, w, wa, wbT, waa, act, sp, spp, 0, &phi, &grad, &lap)
            close(phi, phiRef, "Φ", level); close(grad, gradRef, "∇Φ", level); close(lap, lapRef, "ΔΦ", level)
            for (pb, gb, lb) in [(pBar, gBar, lBar), (pBar, nil, nil), (nil, gBar, nil), (nil, nil, lBar)] as [([Double]?, [Double]?, [Double]?)] {
                var g = [Double](repeating: 0.1, count: 4 * dq), sBar = [Double](repeating: 0.2, count: dd * nb)
                g.withUnsafeMutableBufferPointer { gp in
                    let base = gp.baseAddress!
                    withOptionalPointer(pb, offset: 0) { pbp in
                        withOptionalPointer(gb, offset: 0) { gbp in
                            withOptionalPointer(lb, offset: 0) { lbp in
                                mfg_separable_reverse_f64(Int32(level), nb, d, q, a, b, w, x, invT, pbp, gbp, lbp, act,
                                                          sp, spp, base, base + dq, base + 2 * dq, base + 3 * dq, &sBar, nil)
                            }
                        }
                    }
                }
                close(g + sBar, reverseRef(pb, gb, lb), "reverse", level)
            }
        }
    }

    /// The time basis against the explicit shifted Legendre polynomials and their derivatives
    /// (exact up to rounding: 1e-12).
    @Test func timeBasisIsShiftedLegendre() {
        let explicit: [(Double) -> (Double, Double, Double)] = [
            { _ in (1, 0, 0) },
            { t in (2 * t - 1, 2, 0) },
            { t in (6 * t * t - 6 * t + 1, 12 * t - 6, 12) },
            { t in (20 * t * t * t - 30 * t * t + 12 * t - 1, 60 * t * t - 60 * t + 12, 120 * t - 60) },
            { t in (70 * t * t * t * t - 140 * t * t * t + 90 * t * t - 20 * t + 1,
                    280 * t * t * t - 420 * t * t + 180 * t - 20, 840 * t * t - 840 * t + 180) },
        ]
        for p in 0...4 {
            for tau in [-0.3, 0, 0.25, 0.5, 0.8, 1, 1.6] {
                let basis = TimeBasis(degree: p, at: tau)
                for k in 0..<8 {
                    let (v, d1, d2) = k <= p ? explicit[k](tau) : (0, 0, 0)
                    #expect(abs(basis.value[k] - v) <= 1e-12 * max(1, abs(v)), "p=\(p) k=\(k) τ=\(tau)")
                    #expect(abs(basis.first[k] - d1) <= 1e-12 * max(1, abs(d1)), "p=\(p) k=\(k) τ=\(tau) ′")
                    #expect(abs(basis.second[k] - d2) <= 1e-12 * max(1, abs(d2)), "p=\(p) k=\(k) τ=\(tau) ″")
                }
            }
        }
    }

    // MARK: - The network without the parts is today's network

    /// Values produced by the code before the optional parts existed (commit 7875bbc), for the
    /// seeded initialisation (machine independent: exact bits) and for a random network at
    /// random points (Φ, ΔΦ: BLAS on another machine may round differently, so 1e-14 relative;
    /// on the machine that recorded them they agree to the last bit).
    @Test func legacyShapeMatchesRecordedValues() throws {
        let shape = try NetworkShape(dimension: 5, width: 6, residualLayers: 2, rank: 3)
        var rng = RandomSource(seed: 2024)
        let net = PotentialNetwork<Double>.initialized(shape: shape, rng: &rng)
        #expect(net.parameters.count == 157)
        #expect(net.parameters.reduce(0, +).bitPattern == 4622104225659695876)
        #expect(net.parameters[0].bitPattern == 4596248004549452652)
        #expect(net.parameters[net.layout.block("A")!.offset].bitPattern == 4573974176244289047)
        let v = try randomNetwork(Double.self, d: 5, m: 6, layers: 2, seed: 3).evaluate(
            randomPoints(Double.self, d: 5, n: 3, seed: 7))
        let phi = [-1.4483695047967866, 1.2988614283062891, -2.2810526085995715]
        let lap = [4.147588623560727, 3.775558510193847, 3.439227542427106]
        for s in 0..<3 {
            #expect(abs(v.phi[s] - phi[s]) <= 1e-14 * abs(phi[s]))
            #expect(abs(v.laplacian[s] - lap[s]) <= 1e-14 * abs(lap[s]))
        }
    }

    /// Parts present with zero contribution (Sₖ = vₖ = 0, separable w = 0) leave Φ, ∇Φ, ΔΦ,
    /// the old blocks' gradient and the input adjoint bit-identical to the network without them,
    /// and the seeded initialisation draws the old blocks exactly as before (the new blocks come
    /// after them in the layout and in the draws).
    @Test(arguments: [16, 5]) func zeroPartsAreBitIdenticalToLegacy(width m: Int) throws {
        let d = 18, n = 7
        let legacy = randomNetwork(Double.self, d: d, m: m, layers: 2, seed: 55)
        let shape = try NetworkShape(dimension: d, width: m, residualLayers: 2, rank: legacy.shape.rank,
                                     quadratic: .full, timeDegree: 2, separableWidth: 3, timeScale: 2)
        var rng = RandomSource(seed: 56)
        var theta = PotentialNetwork<Double>.initialized(shape: shape, rng: &rng).parameters
        let layout = ParameterLayout(shape)
        for off in layout.quadraticMatrixOffsets { #expect(theta[off..<(off + d * d)].allSatisfy { $0 == 0 }) }
        for off in layout.quadraticVectorOffsets { #expect(theta[off..<(off + d)].allSatisfy { $0 == 0 }) }
        let sep = layout.separableOffsets!
        #expect(theta[sep.w..<(sep.w + 3 * d)].allSatisfy { $0 == 0 })
        #expect(theta[sep.a..<sep.w].allSatisfy { $0 != 0 })
        var rngLegacy = RandomSource(seed: 56)
        let legacyInit = PotentialNetwork<Double>.initialized(shape: legacy.shape, rng: &rngLegacy)
        #expect(Array(theta[0..<legacy.layout.count]) == legacyInit.parameters)
        // The old blocks from the random network, the new ones from the initialisation.
        theta.replaceSubrange(0..<legacy.layout.count, with: legacy.parameters)
        let withParts = try PotentialNetwork<Double>(shape: shape, parameters: theta)
        let pts = randomPoints(Double.self, d: d, n: n, seed: 57, timeRuns: [4, 3])
        let a = try legacy.evaluate(pts), b = try withParts.evaluate(pts)
        #expect(a.phi == b.phi)
        #expect(a.gradient == b.gradient)
        #expect(a.laplacian == b.laplacian)
        let loss = ParameterGradientTests.MixedLoss<Double>(n: n, seed: 58)
        let ga = loss.gradient(legacy, pts), gb = loss.gradient(withParts, pts)
        #expect(ga.parameters == Array(gb.parameters[0..<legacy.layout.count]))
        #expect(ga.points == gb.points)
    }
}
