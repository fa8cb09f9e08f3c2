import Testing
import MFGMath
@testable import MFGNeural

/// When d > m the trace sweep carries an m × m factor L of K₀E(K₀E)ᵀ instead of K₀E: the same
/// exactness checks as for d ≤ m, in that regime (Taylor tests of every parameter block and of
/// the input adjoint, and the objective's gradient).
@Suite("Exact derivatives with the Gram factor (d > m)")
struct GramFactorTests {
    @Test func factorReproducesK0E() {
        let m = 4, d = 9
        var rng = RandomSource(seed: 5)
        let B: [Double] = rng.gaussians(m * d)
        var L = [Double](repeating: 0, count: m * m), Qt = [Double](repeating: 0, count: m * d)
        var work = [Double](repeating: 0, count: 3 * d * m + m)
        householderFactor(B, m: m, d: d, L: &L, Qt: &Qt, work: &work)
        for i in 0..<m {
            for j in 0..<d {
                var v = 0.0
                for c in 0..<m { v += L[i + c * m] * Qt[c + j * m] }
                #expect(abs(v - B[i + j * m]) < 1e-12)
            }
            for c in (i + 1)..<m { #expect(L[i + c * m] == 0) }
            for k in 0..<m {
                var dot = 0.0
                for j in 0..<d { dot += Qt[i + j * m] * Qt[k + j * m] }
                #expect(abs(dot - (i == k ? 1 : 0)) < 1e-12)
            }
        }
    }

    @Test(arguments: [1, 2]) func everyParameterBlockDouble(layers: Int) {
        let d = 9, m = 4, n = 5
        let net = randomNetwork(Double.self, d: d, m: m, layers: layers, seed: 61)
        #expect(net.shape.usesGramFactor)
        let pts = randomPoints(Double.self, d: d, n: n, seed: 62)
        let loss = ParameterGradientTests.MixedLoss<Double>(n: n, seed: 63)
        let grad = loss.gradient(net, pts)
        var rng = RandomSource(seed: 64)
        expectSecondOrderInEveryBlock(net, gradient: grad.parameters, eps0: 0.05, rng: &rng) {
            loss.value($0, pts)
        }
        expectSecondOrderInInput(pts, gradient: grad.points, eps0: 0.05, rng: &rng) {
            loss.value(net, $0)
        }
    }

    @Test func objectiveGradientTaylor() throws {
        let d = 7, n = 6
        let net = randomNetwork(Double.self, d: d, m: 3, layers: 2, seed: 71)
        let costs = testCosts(Double.self, d: d, obstacle: true, entropy: 0.3, kl: true)
        let obj = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 3, shape: net.shape, blockSize: 4)
        var rng = RandomSource(seed: 72)
        let x0: [Double] = rng.gaussians(d * n)
        let logRho0: [Double] = rng.gaussians(n)
        let base = try obj.evaluate(net, x0: x0, logRho0: logRho0, gradient: true)
        expectSecondOrderInEveryBlock(net, gradient: base.gradient!, eps0: 0.02, rng: &rng) {
            try! obj.evaluate($0, x0: x0, logRho0: logRho0, gradient: false).terms.total
        }
    }
}

/// The vectorized activation kernel against the scalar definitions (σ = |x| + log1p(e^{−2|x|}),
/// σ′ = tanh x) over a wide range, including tiny and huge arguments.
@Suite("Vectorized activation kernel")
struct ActivationKernelTests {
    func check<T: Scalar>(_: T.Type, tolerance: Double) {
        var xs: [T] = [0, 1e-30, -1e-30, 1e-8, -3e-5, 0.25, -0.7, 1, -2.5, 8, -20, 50, -300, 1e4]
        var rng = RandomSource(seed: 81)
        let g: [Double] = rng.gaussians(500)
        xs += g.map { T($0 * 3) }
        let n = xs.count
        var act = [T](repeating: 0, count: n), sp = act, spp = act
        let prev = [T](repeating: 0.5, count: n)
        var act2 = act
        ActivationKernel.apply(count: n, pre: xs, prev: nil, h: 0, act: &act, sp: &sp, spp: &spp)
        ActivationKernel.apply(count: n, pre: xs, prev: prev, h: 0.25, act: &act2, sp: &sp, spp: &spp)
        for i in 0..<n {
            let x = Double(xs[i])
            let s = abs(x) + Double.log(onePlus: Double.exp(-2 * abs(x))), t = Double.tanh(x)
            #expect(abs(Double(act[i]) - s) <= tolerance * s, "σ(\(x)) = \(act[i]), expected \(s)")
            #expect(abs(Double(act2[i]) - (0.5 + 0.25 * s)) <= tolerance * (0.5 + 0.25 * s))
            #expect(abs(Double(sp[i]) - t) <= tolerance * max(abs(t), 1e-300),
                    "tanh(\(x)) = \(sp[i]), expected \(t)")
            #expect(abs(Double(spp[i]) - (1 - t * t)) <= tolerance * 4 + 1e-300)
        }
    }
    @Test func double() { check(Double.self, tolerance: 8e-16) }   // 4 ulp
    @Test func float() { check(Float.self, tolerance: 3e-7) }
}

/// Width 16 takes the SIMD column kernels of the trace sweeps: the same exactness checks there,
/// with d < m (direct Jacobians) and d > m (Gram factor), and Float against Double.
@Suite("Width-16 kernels")
struct Width16Tests {
    @Test(arguments: [3, 21]) func parameterAndInputTaylor(d: Int) {
        let m = 16, n = 4
        let net = randomNetwork(Double.self, d: d, m: m, layers: 2, seed: 91)
        let pts = randomPoints(Double.self, d: d, n: n, seed: 92)
        let loss = ParameterGradientTests.MixedLoss<Double>(n: n, seed: 93)
        let grad = loss.gradient(net, pts)
        var rng = RandomSource(seed: 94)
        expectSecondOrderInEveryBlock(net, gradient: grad.parameters, eps0: 0.02, steps: 8, rng: &rng, label: "d=\(d) ") {
            loss.value($0, pts)
        }
        expectSecondOrderInInput(pts, gradient: grad.points, eps0: 0.02, steps: 8, rng: &rng, label: "d=\(d) ") {
            loss.value(net, $0)
        }
    }

    @Test(arguments: [3, 21]) func floatAgreesWithDouble(d: Int) {
        let m = 16, n = 6
        let netD = randomNetwork(Double.self, d: d, m: m, layers: 2, seed: 95)
        let netF = try! PotentialNetwork<Float>(shape: netD.shape, parameters: netD.parameters.map { Float($0) })
        let ptsD = randomPoints(Double.self, d: d, n: n, seed: 96)
        let ptsF = try! Matrix<Float>(rows: ptsD.rows, cols: ptsD.cols, storage: ptsD.storage.map { Float($0) })
        let vD = try! netD.evaluate(ptsD), vF = try! netF.evaluate(ptsF)
        for s in 0..<n {
            let scale = max(1, abs(vD.laplacian[s]))
            #expect(abs(Double(vF.laplacian[s]) - vD.laplacian[s]) <= 1e-4 * scale)
        }
        let ones = [Double](repeating: 1, count: n)
        let gD = try! netD.vectorJacobianProduct(at: ptsD, phiBar: ones, gradientBar: nil, laplacianBar: ones)
        let gF = try! netF.vectorJacobianProduct(at: ptsF, phiBar: ones.map { Float($0) }, gradientBar: nil,
                                                 laplacianBar: ones.map { Float($0) })
        let norm = gD.parameters.reduce(0.0) { max($0, abs($1)) }
        for (a, b) in zip(gD.parameters, gF.parameters) { #expect(abs(Double(b) - a) <= 1e-3 * norm) }
    }

    @Test func objectiveGradientTaylor() throws {
        let d = 20, n = 5
        let net = randomNetwork(Double.self, d: d, m: 16, layers: 2, seed: 97)
        let costs = testCosts(Double.self, d: d, obstacle: true, entropy: 0.3, kl: true)
        let obj = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 2, shape: net.shape, blockSize: 3)
        var rng = RandomSource(seed: 98)
        let x0: [Double] = rng.gaussians(d * n)
        let logRho0: [Double] = rng.gaussians(n)
        let base = try obj.evaluate(net, x0: x0, logRho0: logRho0, gradient: true)
        let grad = base.gradient!
        for block in net.layout.blocks where block.name != "b" {
            let dir: [Double] = rng.gaussians(block.count)
            let slope = zip(block.range, dir).reduce(0.0) { $0 + grad[$1.0] * $1.1 }
            let ratios = taylorRatios(eps0: 0.01, steps: 8) { eps in
                var moved = net
                for (i, v) in zip(block.range, dir) { moved.parameters[i] += eps * v }
                return try! obj.evaluate(moved, x0: x0, logRho0: logRho0, gradient: false).terms.total
                    - base.terms.total - eps * slope
            }
            #expect(showsSecondOrder(ratios), "block \(block.name): \(ratios)")
        }
    }
}
