import Foundation
import Testing
@testable import MFGProblem
import MFGMath

/// The linear-quadratic closed form with noise (`RiccatiLQ`) against numerical integration of
/// its ODEs and against a Monte Carlo simulation of the optimally controlled SDE.
@Suite("Linear-quadratic closed form (Riccati)")
struct RiccatiLQTests {
    static func problem(d: Int, sigma: Double, weight: Double = 1, scale: Double = 2, alpha: Double = 1.5,
                        mean: Double = 1, variance: Double = 0.25, declared: Bool = true) throws -> Problem {
        try Problem.parse(yaml: """
            name: lq
            dimension: \(d)
            horizon: 1
            kinetic_weight: \(alpha)
            sigma: \(sigma)
            initial_density: {type: gaussian, mean: \(mean), variance: \(variance)}
            terminal_cost: {type: preference, weight: \(weight), g: {type: quadratic, center: \(Array(repeating: 0.5, count: d)), scale: \(scale)}}
            penalties: {hjb: 1, terminal_hjb: 1}
            integrator: {scheme: euler, steps: 10}
            training: {optimizer: adam, iterations: 1, batch_size: 8}
            """ + (declared ? "\nclosed_form: riccati_lq\n" : "\n"), file: "lq.yaml")
    }

    /// p′ = p²/α, q′ = −(σ²/2) d p and m′ = −2(p/α) m + σ² d integrated by RK4 with 20 000 steps
    /// (backward from T for p and q, forward for m, p from its closed form inside m's right-hand
    /// side): the closed forms agree to 1e-9 relative (RK4's error at h = 5e-5 is ~1e-17; the
    /// tolerance leaves room for rounding over 20 000 steps). Three cases: convex g, g = 0
    /// (P = 0 limit), concave g within the admissible range.
    @Test(arguments: [(2.0, 1.0), (0.0, 1.0), (-0.8, 1.0)])
    func matchesNumericalIntegration(scale: Double, weight: Double) throws {
        let e = try #require(RiccatiLQ(problem: Self.problem(d: 3, sigma: 0.7, weight: weight, scale: scale)))
        let alpha = e.kineticWeight, d = Double(e.dimension), s2 = e.sigma * e.sigma
        let n = 20_000, h = e.horizon / Double(n)
        var p = e.terminalCurvature, q = 0.0
        for _ in 0..<n {   // backward in time: dp/d(−t) = −p²/α, dq/d(−t) = (σ²/2) d p
            func f(_ p: Double) -> Double { -p * p / alpha }
            let k1 = f(p), k2 = f(p + h / 2 * k1), k3 = f(p + h / 2 * k2), k4 = f(p + h * k3)
            let g1 = s2 / 2 * d * p, g2 = s2 / 2 * d * (p + h / 2 * k1), g3 = s2 / 2 * d * (p + h / 2 * k2), g4 = s2 / 2 * d * (p + h * k3)
            p += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4); q += h / 6 * (g1 + 2 * g2 + 2 * g3 + g4)
        }
        #expect(abs(p - e.curvature(0)) <= 1e-9 * max(1, abs(p)), "p(0) \(p) vs \(e.curvature(0))")
        #expect(abs(q - e.offset(0)) <= 1e-9 * max(1, abs(q)), "q(0) \(q) vs \(e.offset(0))")
        var m = e.initialSecondMoment, t = 0.0
        for _ in 0..<n {
            func f(_ m: Double, _ t: Double) -> Double { -2 * e.curvature(t) / alpha * m + s2 * d }
            let k1 = f(m, t), k2 = f(m + h / 2 * k1, t + h / 2), k3 = f(m + h / 2 * k2, t + h / 2), k4 = f(m + h * k3, t + h)
            m += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4); t += h
        }
        #expect(abs(m - e.terminalSecondMoment) <= 1e-9 * max(1, m), "m(T) \(m) vs \(e.terminalSecondMoment)")
    }

    /// The optimal SDE dX = −(p(t)/α)(X − c) dt + σ dW simulated (Euler–Maruyama, 200 steps,
    /// 8000 paths, fixed seed): the sample L = E∫ α/2 |v|² dt and G = λ E g(X_T) agree with the
    /// closed form within 4 standard errors plus 1 % for the scheme's O(h) bias at h = 1/200.
    @Test func matchesAMonteCarloOfTheControlledSDE() throws {
        let p = try Self.problem(d: 4, sigma: 0.6)
        let e = try #require(RiccatiLQ(problem: p))
        Self.expectMonteCarloMatches(e, alphas: p.kineticWeightsPerAxis, sigmas: p.sigmasPerAxis,
                                     mean: [Double](repeating: 1, count: 4), sd: [Double](repeating: 0.5, count: 4), seed: 7)
    }

    /// Simulates the optimal SDE dXⱼ = −(pⱼ(t)/αⱼ)(Xⱼ − cⱼ) dt + σⱼ dWⱼ from X₀ⱼ ~ N(meanⱼ, sdⱼ²)
    /// (Euler–Maruyama, 200 steps, 8000 paths, the given seed) and expects the sample L = E∫Σ αⱼ/2 vⱼ² dt
    /// and G = λ E g(X_T) within 4 standard errors plus 1 % (the scheme's O(h) bias at h = 1/200)
    /// of the closed form.
    static func expectMonteCarloMatches(_ e: RiccatiLQ, alphas: [Double], sigmas: [Double],
                                        mean: [Double], sd: [Double], seed: UInt64) {
        let d = e.dimension, paths = 8000, steps = 200, h = e.horizon / Double(steps)
        var rng = RandomSource(seed: seed)
        var lSamples: [Double] = [], gSamples: [Double] = []
        for _ in 0..<paths {
            let start: [Double] = rng.gaussians(d), noise: [Double] = rng.gaussians(steps * d)
            var x = (0..<d).map { mean[$0] + sd[$0] * start[$0] }
            var l = 0.0
            for k in 0..<steps {
                let t = Double(k) * h
                for j in 0..<d {
                    let v = -e.curvature(t, coordinate: j) / alphas[j] * (x[j] - e.center[j])
                    l += alphas[j] / 2 * v * v * h
                    x[j] += v * h + sigmas[j] * h.squareRoot() * noise[k * d + j]
                }
            }
            var r2 = 0.0
            for j in 0..<d { r2 += (x[j] - e.center[j]) * (x[j] - e.center[j]) }
            lSamples.append(l); gSamples.append(e.terminalCurvature / 2 * r2)
        }
        func meanAndError(_ a: [Double]) -> (Double, Double) {
            let m = a.reduce(0, +) / Double(a.count)
            let v = a.reduce(0) { $0 + ($1 - m) * ($1 - m) } / Double(a.count - 1)
            return (m, (v / Double(a.count)).squareRoot())
        }
        let (l, le) = meanAndError(lSamples), (g, ge) = meanAndError(gSamples), exact = e.costs
        #expect(abs(l - exact.kinetic) <= 4 * le + 0.01 * exact.kinetic, "L \(l) ± \(le) vs \(exact.kinetic)")
        #expect(abs(g - exact.terminal) <= 4 * ge + 0.01 * exact.terminal, "G \(g) ± \(ge) vs \(exact.terminal)")
    }

    /// The costs on an Euler grid tend to the continuous ones at first order: the error with 2n
    /// steps is about half that with n (ratio within 0.45…0.55 for n = 100, 200), and 10 000
    /// steps are within 1e-3 relative.
    @Test func eulerCostsConvergeAtFirstOrder() throws {
        let e = try #require(RiccatiLQ(problem: Self.problem(d: 5, sigma: 0.5)))
        let exact = e.costs.total
        let e1 = e.eulerCosts(steps: 100).total - exact, e2 = e.eulerCosts(steps: 200).total - exact
        #expect((0.45...0.55).contains(e2 / e1), "\(e1), \(e2)")
        #expect(abs(e.eulerCosts(steps: 10_000).total - exact) <= 1e-3 * exact)
    }

    /// A concave g steeper than α/T has value −∞: outside the family, and a file that declares
    /// the closed form for it is refused with that reason.
    @Test func refusesProblemsOutsideTheFamily() throws {
        #expect(RiccatiLQ.whyNot(try Self.problem(d: 2, sigma: 0.5)) == nil)
        let steep = try Self.problem(d: 2, sigma: 0, weight: 1, scale: -2, alpha: 1.5, declared: false)   // P = −2 ≤ −α/T = −1.5
        #expect(RiccatiLQ(problem: steep) == nil)
        #expect(RiccatiLQ.whyNot(steep)?.contains("−∞") == true)
        #expect(throws: ProblemError.self) { try Self.problem(d: 2, sigma: 0, weight: 1, scale: -2, alpha: 1.5) }
    }
}

extension RiccatiLQTests {
    /// `kinetic_weight` and `sigma` per coordinate (one coordinate without noise).
    static func perCoordinateProblem() throws -> Problem {
        try Problem.parse(yaml: """
            name: lq
            dimension: 3
            horizon: 1
            kinetic_weight: [1, 2.5, 0.6]
            sigma: [0.7, 0, 0.3]
            initial_density: {type: gaussian, mean: [1, -0.5, 0.2], variance: [0.25, 0.5, 0.1]}
            terminal_cost: {type: preference, weight: 1, g: {type: quadratic, center: [0.5, 0.5, 0.5], scale: 2}}
            penalties: {hjb: 1, terminal_hjb: 1}
            integrator: {scheme: euler, steps: 10}
            training: {optimizer: adam, iterations: 1, batch_size: 8}
            closed_form: riccati_lq
            """, file: "lq.yaml")
    }

    /// Per coordinate: pᵢ′ = pᵢ²/αᵢ, q′ = −Σᵢ(σᵢ²/2)pᵢ and mᵢ′ = −2(pᵢ/αᵢ)mᵢ + σᵢ² by RK4 (20 000
    /// steps) against the closed forms, 1e-9 relative; and Φ's HJB residual
    /// −∂ₜΦ − Σᵢ(σᵢ²/2)∂ᵢᵢΦ + Σᵢ(∂ᵢΦ)²/(2αᵢ) at random points, by central differences in t.
    @Test func perCoordinateMatchesNumericalIntegration() throws {
        let p = try Self.perCoordinateProblem()
        let e = try #require(RiccatiLQ(problem: p))
        let alphas = p.kineticWeightsPerAxis, sigmas = p.sigmasPerAxis, d = 3
        let n = 20_000, h = e.horizon / Double(n)
        var q = 0.0
        var ps = [Double](repeating: e.terminalCurvature, count: d)
        for _ in 0..<n {
            for i in 0..<d {
                let a = alphas[i], s2 = sigmas[i] * sigmas[i]
                func f(_ p: Double) -> Double { -p * p / a }
                let p0 = ps[i]
                let k1 = f(p0), k2 = f(p0 + h / 2 * k1), k3 = f(p0 + h / 2 * k2), k4 = f(p0 + h * k3)
                q += h / 6 * s2 / 2 * (p0 + 2 * (p0 + h / 2 * k1) + 2 * (p0 + h / 2 * k2) + (p0 + h * k3))
                ps[i] += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)
            }
        }
        for i in 0..<d {
            #expect(abs(ps[i] - e.curvature(0, coordinate: i)) <= 1e-9 * max(1, abs(ps[i])), "p\(i + 1)(0)")
        }
        #expect(abs(q - e.offset(0)) <= 1e-9 * max(1, abs(q)), "q(0) \(q) vs \(e.offset(0))")
        for i in 0..<d {
            var m = e.initialSecondMoments[i], t = 0.0
            let a = alphas[i], s2 = sigmas[i] * sigmas[i]
            for _ in 0..<n {
                func f(_ m: Double, _ t: Double) -> Double { -2 * e.curvature(t, coordinate: i) / a * m + s2 }
                let k1 = f(m, t), k2 = f(m + h / 2 * k1, t + h / 2), k3 = f(m + h / 2 * k2, t + h / 2), k4 = f(m + h * k3, t + h)
                m += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4); t += h
            }
            #expect(abs(m - e.terminalSecondMoments[i]) <= 1e-9 * max(1, m), "m\(i + 1)(T) \(m) vs \(e.terminalSecondMoments[i])")
        }
        var rng = RandomSource(seed: 9)
        for _ in 0..<5 {
            let x: [Double] = rng.gaussians(d), t = 0.1 + 0.8 * rng.uniformOpen(), dt = 1e-5
            let phiT = (e.value(at: x, time: t + dt) - e.value(at: x, time: t - dt)) / (2 * dt)
            let g = e.gradient(at: x, time: t)
            var r = -phiT
            for i in 0..<d { r += -sigmas[i] * sigmas[i] / 2 * e.curvature(t, coordinate: i) + g[i] * g[i] / (2 * alphas[i]) }
            #expect(abs(r) <= 1e-7, "HJB residual \(r)")
        }
    }

    /// The optimally controlled SDE with αᵢ, σᵢ per coordinate (Euler–Maruyama, 200 steps, 8000
    /// paths): L and G within 4 standard errors plus 1 % of the closed form; Euler costs on the
    /// solve's grid converge to it at first order.
    @Test func perCoordinateMatchesAMonteCarlo() throws {
        let p = try Self.perCoordinateProblem()
        let e = try #require(RiccatiLQ(problem: p))
        Self.expectMonteCarloMatches(e, alphas: p.kineticWeightsPerAxis, sigmas: p.sigmasPerAxis,
                                     mean: [1, -0.5, 0.2], sd: [0.25, 0.5, 0.1].map { $0.squareRoot() }, seed: 8)
        let exact = e.costs
        let e1 = e.eulerCosts(steps: 100).total - exact.total, e2 = e.eulerCosts(steps: 200).total - exact.total
        #expect((0.45...0.55).contains(e2 / e1), "\(e1), \(e2)")
    }
}
