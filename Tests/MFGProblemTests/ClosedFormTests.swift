import Foundation
import Testing
import MFGMath
@testable import MFGProblem

/// A value with its first and second derivative in one variable (forward-mode jets), so the
/// minimisation below can run Newton's method on L + G as written, without the closed form.
struct Jet {
    var v: Double, d1: Double, d2: Double
    init(_ v: Double, _ d1: Double = 0, _ d2: Double = 0) { self.v = v; self.d1 = d1; self.d2 = d2 }
    static func variable(_ x: Double) -> Jet { Jet(x, 1, 0) }
    static func + (a: Jet, b: Jet) -> Jet { Jet(a.v + b.v, a.d1 + b.d1, a.d2 + b.d2) }
    static func - (a: Jet, b: Jet) -> Jet { Jet(a.v - b.v, a.d1 - b.d1, a.d2 - b.d2) }
    static func * (a: Jet, b: Jet) -> Jet { Jet(a.v * b.v, a.d1 * b.v + a.v * b.d1, a.d2 * b.v + 2 * a.d1 * b.d1 + a.v * b.d2) }
    static func * (a: Double, b: Jet) -> Jet { Jet(a * b.v, a * b.d1, a * b.d2) }
    static func log(_ a: Jet) -> Jet { Jet(Double.log(a.v), a.d1 / a.v, a.d2 / a.v - a.d1 * a.d1 / (a.v * a.v)) }
}

@Suite("Closed forms")
struct ClosedFormTests {
    /// The reference case of docs/validation.md, with random means in d = 3.
    let reference = GaussianKLTransport(d: 3, m0: [-1, 0.5, 2], v0: 0.3, m1: [1, -0.25, 0], v1: 1,
                                        alphaL: 2, lambdaG: 5, T: 1)

    /// s* from the brief (six digits) and from an independent evaluation of the quadratic formula.
    @Test func referenceStretch() {
        #expect(abs(reference.sStar - 0.927015) < 5e-7)
        #expect(abs(reference.sStar - 0.9270146955014777) < 1e-14)
    }

    /// Per-coordinate parts of the reduced objective L + G in the Gaussian family:
    /// mean part α/(2T)(m − m₀)² + λ/(2v₁)(m − m₁)², spread part
    /// α/(2T) d (s − √v₀)² + λ/2 · d (s²/v₁ − 1 + log(v₁/s²)).
    func meanPart(_ m: Jet, _ cf: GaussianKLTransport, _ i: Int) -> Jet {
        let a = m - Jet(cf.m0[i]), b = m - Jet(cf.m1[i])
        return (cf.alphaL / (2 * cf.T)) * (a * a) + (cf.lambdaG / (2 * cf.v1)) * (b * b)
    }

    func spreadPart(_ s: Jet, _ cf: GaussianKLTransport) -> Jet {
        let d = Double(cf.d)
        let r = s - Jet(cf.v0.squareRoot())
        return (cf.alphaL / (2 * cf.T) * d) * (r * r)
            + (cf.lambdaG / 2 * d) * ((1 / cf.v1) * (s * s) - Jet(1) + Jet(Double.log(cf.v1)) - 2 * Jet.log(s))
    }

    /// Golden-section search on [lo, hi] (to 1e-6: function values cannot locate a minimum
    /// better than ≈ √ε), then Newton on the jet derivatives, which converges quadratically
    /// to the root of f′ (≈ 1e-15).
    func minimise(_ f: (Jet) -> Jet, lo: Double, hi: Double) -> Double {
        var a = lo, b = hi
        let g = (5.0.squareRoot() - 1) / 2
        var c = b - g * (b - a), d = a + g * (b - a)
        while b - a > 1e-6 {
            if f(Jet(c)).v < f(Jet(d)).v { b = d } else { a = c }
            c = b - g * (b - a)
            d = a + g * (b - a)
        }
        var x = (a + b) / 2
        for _ in 0..<20 {
            let j = f(.variable(x))
            x -= j.d1 / j.d2
        }
        return x
    }

    /// Closed-form m*, s*, L*, G* agree with the direct minimisation to 1e-8 (the minimiser is
    /// accurate to ≈ 1e-15; 1e-8 is the brief's bar and leaves room for conditioning).
    @Test(arguments: [(2.0, 5.0, 1.0), (1.0, 0.5, 2.0), (3.0, 50.0, 0.5)])
    func matchesNumericalMinimisation(_ params: (Double, Double, Double)) {
        let (alphaL, lambdaG, T) = params
        let cf = GaussianKLTransport(d: 3, m0: [-1, 0.5, 2], v0: 0.3, m1: [1, -0.25, 0], v1: 1.7,
                                     alphaL: alphaL, lambdaG: lambdaG, T: T)
        var m = [Double]()
        for i in 0..<3 { m.append(minimise({ meanPart($0, cf, i) }, lo: -5, hi: 5)) }
        let s = minimise({ spreadPart($0, cf) }, lo: 0.05, hi: 5)
        #expect(maxAbs(m, cf.mStar) < 1e-8)
        #expect(abs(s - cf.sStar) < 1e-8)
        let L = alphaL / (2 * T) * (squaredDistance(m, cf.m0) + 3 * (s - cf.v0.squareRoot()) * (s - cf.v0.squareRoot()))
        let KL = 0.5 * (3 * s * s / cf.v1 + squaredDistance(m, cf.m1) / cf.v1 - 3 + 3 * Double.log(cf.v1 / (s * s)))
        #expect(abs(L - cf.kineticCost) < 1e-8)
        #expect(abs(lambdaG * KL - cf.terminalCost) < 1e-8)
        #expect(abs(cf.totalCost - cf.kineticCost - cf.terminalCost) < 1e-15)
    }

    /// KL(N(m*, s*²) ‖ N(m₁, v₁)) in d = 1 by the trapezoid rule over m* ± 14 s* (the integrand is
    /// smooth and decays like a Gaussian, so the rule is spectrally accurate): 1e-10.
    @Test func klFormulaMatchesQuadrature() {
        let cf = GaussianKLTransport(d: 1, m0: [-1], v0: 0.3, m1: [1], v1: 1, alphaL: 2, lambdaG: 5, T: 1)
        let lo = cf.mStar[0] - 14 * cf.sStar, hi = cf.mStar[0] + 14 * cf.sStar
        let n = 20_001
        let h = (hi - lo) / Double(n - 1)
        var kl = 0.0
        for k in 0..<n {
            let x = lo + Double(k) * h
            let lr = cf.logDensity([x], at: 1)
            let l1 = -0.5 * (x - 1) * (x - 1) - 0.5 * Double.log(2 * Double.pi)
            kl += (k == 0 || k == n - 1 ? 0.5 : 1) * Double.exp(lr) * (lr - l1)
        }
        #expect(abs(kl * h - cf.terminalKL) < 1e-10)
    }

    func randomPoints(_ count: Int, d: Int, seed: UInt64) -> [[Double]] {
        var rng = RandomSource(seed: seed)
        return (0..<count).map { _ in (rng.gaussians(d) as [Double]).map { 2 * $0 } }
    }

    /// Five-point central difference in t with h = 1e-3: truncation h⁴/30·|∂ₜ⁵Φ| ≈ 1e-13 here,
    /// rounding ≈ ε|Φ|/h ≈ 1e-11; so the HJB residual −∂ₜΦ + |∇Φ|²/(2α_L) is checked to 1e-8
    /// (relative to the size of its terms), and the analytic ∂ₜΦ to 1e-12.
    @Test func valueFunctionSolvesHJB() {
        var rng = RandomSource(seed: 21)
        for x in randomPoints(50, d: 3, seed: 20) {
            expectSolvesHJB(reference, at: x, time: 0.05 + 0.9 * rng.uniformOpen())
        }
    }

    /// Φ(x, T) = λ_G(log ρ(x,T) − log ρ₁(x) + 1) at random points; both sides are evaluated by
    /// different formulas, so only rounding (≈ 1e-14 relative) separates them.
    @Test func terminalCondition() {
        for x in randomPoints(50, d: 3, seed: 30) {
            let want = reference.terminalCondition(x)
            #expect(abs(reference.value(x, at: reference.T) - want) < 1e-10 * max(1, abs(want)))
        }
    }

    /// The paths' (constant) velocity is −∇Φ/α_L at every point of the path; their end point at
    /// T has mean m* and spread s*.
    @Test func pathsFollowTheValueGradient() {
        let cf = reference
        for x0 in randomPoints(20, d: 3, seed: 40) {
            let v = cf.pathVelocity(from: x0)
            for t in [0, 0.25, 0.5, 0.9, 1.0] {
                let g = cf.gradient(cf.path(from: x0, at: t), at: t)
                #expect(maxAbs(v, g.map { -$0 / cf.alphaL }) < 1e-12)
            }
        }
        #expect(maxAbs(cf.path(from: cf.m0, at: cf.T), cf.mStar) < 1e-14)
        let unit = cf.m0.enumerated().map { $0.offset == 0 ? $0.element + cf.v0.squareRoot() : $0.element }
        #expect(abs(cf.path(from: unit, at: cf.T)[0] - cf.mStar[0] - cf.sStar) < 1e-14)
    }

    /// Along a path, log ρ(x(t), t) = log ρ₀(x₀) − ℓ(t) with ℓ̇ = −ΔΦ/α_L = −d·a(t)/α_L (docs/equations-to-code.md);
    /// ℓ is integrated here by Simpson's rule (200 intervals, error ≈ 1e-11).
    @Test func densityAlongPathsMatchesLogDeterminant() {
        let cf = reference
        let x0 = [0.3, -0.2, 1.1]
        for t in [0.3, 0.7, 1.0] {
            let n = 200
            let h = t / Double(n)
            var ell = 0.0
            for k in 0...n {
                let w: Double = (k == 0 || k == n) ? 1 : (k % 2 == 1 ? 4 : 2)
                ell += w * (-Double(cf.d) * cf.curvature(at: Double(k) * h) / cf.alphaL)
            }
            ell *= h / 3
            let lhs = cf.logDensity(cf.path(from: x0, at: t), at: t)
            let rhs = cf.logDensity(x0, at: 0) - ell
            #expect(abs(lhs - rhs) < 1e-9)
        }
    }

    /// Along characteristics dΦ/dt = −(α_L/2)|v|², so E_{ρ₀}[Φ(x, 0)] = L* + E_{ρ_T}[δG/δρ]
    /// = J* + λ_G. For the quadratic Φ the expectation is exact: Φ(m₀, 0) + ½ a(0) d v₀.
    @Test func initialValueAveragesToOptimalCostPlusWeight() {
        for d in [1, 3, 100] {
            let cf = GaussianKLTransport(d: d, m0: [Double](repeating: 0.2, count: d), v0: 0.3,
                                         m1: [Double](repeating: -0.1, count: d), v1: 1, alphaL: 2, lambdaG: 5, T: 1)
            let mean = cf.value(cf.m0, at: 0) + 0.5 * cf.curvature(at: 0) * Double(d) * cf.v0
            #expect(abs(mean - (cf.totalCost + cf.lambdaG)) < 1e-10 * max(1, cf.totalCost))
        }
    }

    /// As λ_G → ∞ the relaxed problem becomes exact transport: m* − m₁ = O(1/λ_G), s* − √v₁ = O(1/λ_G)
    /// and L* → α_L W₂²/(2T). The error is checked to shrink like 1/λ_G (ratio ≈ 100 per factor 100).
    @Test func largeTerminalWeightApproachesExactTransport() {
        let exact = GaussianExactTransport(from: Gaussian(mean: [-1, 0.5], isotropicVariance: 0.3),
                                           to: Gaussian(mean: [1, 0], isotropicVariance: 1))
        let w = exact.kineticCost(alphaL: 2, T: 1)
        var previous = Double.infinity
        for lambda in [1e2, 1e4, 1e6] {
            let cf = GaussianKLTransport(d: 2, m0: [-1, 0.5], v0: 0.3, m1: [1, 0], v1: 1, alphaL: 2, lambdaG: lambda, T: 1)
            let err = abs(cf.kineticCost - w)
            #expect(err < 50 / lambda)
            #expect(err < previous / 50)
            previous = err
            #expect(maxAbs(cf.mStar, [1, 0]) < 5 / lambda)
            #expect(abs(cf.sStar - 1) < 5 / lambda)
            let x0 = [0.1, -0.7]
            #expect(maxAbs(cf.path(from: x0, at: 1), exact.map(x0)) < 10 / lambda)
            #expect(cf.terminalCost < 50 / lambda)
        }
    }

    /// W₂² by the formula against E|T(x) − x|² by Monte Carlo (n = 50 000, 5 standard errors), and
    /// the map's push-forward moments, which are exact for an affine map.
    @Test func exactTransportBetweenDiagonalGaussians() {
        let a = Gaussian(mean: [1, 2, -1], variance: [0.5, 2, 1])
        let b = Gaussian(mean: [0, 1, 1], variance: [1, 0.3, 4])
        let ot = GaussianExactTransport(from: a, to: b)
        var want = 1.0 + 1 + 4
        for i in 0..<3 { want += (a.variance[i].squareRoot() - b.variance[i].squareRoot()) * (a.variance[i].squareRoot() - b.variance[i].squareRoot()) }
        #expect(abs(ot.squaredWasserstein - want) < 1e-14)
        #expect(maxAbs(ot.map(a.mean), b.mean) < 1e-15)
        let unit = ot.map([a.mean[0] + a.variance[0].squareRoot(), a.mean[1], a.mean[2]])
        #expect(abs(unit[0] - b.mean[0] - b.variance[0].squareRoot()) < 1e-14)
        var rng = RandomSource(seed: 9)
        let n = 50_000
        let x = Density.gaussian(a).sample(count: n, rng: &rng)
        var sum = 0.0, sum2 = 0.0
        for j in 0..<n {
            let p = Array(x[(3 * j)..<(3 * j + 3)])
            let c = squaredDistance(ot.map(p), p)
            sum += c
            sum2 += c * c
        }
        let mean = sum / Double(n)
        let se = ((sum2 / Double(n) - mean * mean) / Double(n)).squareRoot()
        #expect(abs(mean - ot.squaredWasserstein) < 5 * se)
    }

    @Test func fromProblem() throws {
        let p = try Problem.load(path: problemsDirectory + "/quick.yaml")
        let cf = try #require(GaussianKLTransport(problem: p))
        #expect(abs(cf.sStar - 0.9270146955014777) < 1e-14)
        let ot = try Problem.load(path: problemsDirectory + "/ot-d2.yaml")
        #expect(GaussianKLTransport(problem: ot) == nil)
    }

    /// The reference numbers quoted in docs/validation.md (m₀ = −e₁, m₁ = e₁).
    @Test(arguments: [(2, 2.3285413784, 0.8709663669, 3.1995077453),
                      (10, 3.4794415860, 1.0895257120, 4.5689672980),
                      (50, 9.2339426238, 2.1823224375, 11.4162650613),
                      (100, 16.4270689211, 3.5483183443, 19.9753872654)])
    func documentedNumbers(_ row: (Int, Double, Double, Double)) {
        let (d, L, G, J) = row
        var m0 = [Double](repeating: 0, count: d), m1 = m0
        m0[0] = -1
        m1[0] = 1
        let cf = GaussianKLTransport(d: d, m0: m0, v0: 0.3, m1: m1, v1: 1, alphaL: 2, lambdaG: 5, T: 1)
        #expect(abs(cf.mStar[0] - 3.0 / 7) < 1e-15)
        #expect(abs(cf.kineticCost - L) < 1e-9)
        #expect(abs(cf.terminalCost - G) < 1e-9)
        #expect(abs(cf.totalCost - J) < 1e-9)
    }
}

extension ClosedFormTests {
    /// The batched forms return exactly the per-point results, column by column.
    @Test func batchedMatchesPointwise() {
        let pts = randomPoints(5, d: 3, seed: 50)
        let x = pts.flatMap { $0 }
        let cf = reference
        #expect(cf.values(x, count: 5, at: 0.4) == pts.map { cf.value($0, at: 0.4) })
        #expect(cf.gradients(x, count: 5, at: 0.4) == pts.flatMap { cf.gradient($0, at: 0.4) })
        #expect(cf.timeDerivatives(x, count: 5, at: 0.4) == pts.map { cf.timeDerivative($0, at: 0.4) })
        #expect(cf.paths(from: x, count: 5, at: 0.4) == pts.flatMap { cf.path(from: $0, at: 0.4) })
        #expect(cf.logDensities(x, count: 5, at: 0.4) == pts.map { cf.logDensity($0, at: 0.4) })
    }
}
