import Testing
import MFGMath
@testable import MFGProblem

/// `sigma` and the `log_quadratic` terminal cost in problem files: read, checked on one line
/// naming the file and the field, and refused with the terms that need log ρ along a path.
@Suite("Noise (sigma) and log_quadratic in problem files")
struct NoiseFileTests {
    static func yaml(sigma: String?, terminal: String = "{type: log_quadratic, weight: 1, offset: 1, divisor: 2}",
                     running: String = "", scheme: String = "euler", extra: String = "") -> String {
        """
        dimension: 3
        horizon: 1
        kinetic_weight: 0.5
        \(sigma.map { "sigma: \($0)" } ?? "")
        initial_density: {type: gaussian, mean: 0, variance: 1.0e-12}
        \(running)
        terminal_cost: \(terminal)
        penalties: {hjb: 1, terminal_hjb: 1}
        integrator: {scheme: \(scheme), steps: 10}
        \(extra)
        """
    }

    func message(_ text: String) -> String {
        do { _ = try Problem.parse(yaml: text, file: "x.yaml"); return "accepted" } catch { return error.description }
    }

    @Test func sigmaAndTheLogQuadraticAreRead() throws {
        let p = try Problem.parse(yaml: Self.yaml(sigma: "1.4142135623730951", extra: "closed_form: cole_hopf"), file: "x.yaml")
        #expect(p.sigma == 2.0.squareRoot())
        #expect(p.closedForm == .coleHopf)
        #expect(p.terminalCosts.map(\.name) == ["log_quadratic"])
        #expect(p.terminal == .logQuadratic(weight: 1, g: LogQuadratic(center: [0, 0, 0], offset: 1, divisor: 2)))
        // Without sigma: the deterministic game, and sigma is part of the game's identity.
        let q = try Problem.parse(yaml: Self.yaml(sigma: nil), file: "x.yaml")
        #expect(q.sigma == 0)
        #expect(p.gameDifferences(from: q).map(\.field) == ["sigma"])
        // Kept by the re-integrated copy (the time-step check).
        #expect(p.integrated(with: IntegratorSettings(scheme: .euler, steps: 40)).sigma == p.sigma)
    }

    @Test(arguments: [("-0.5", "sigma: -0.5 is out of range"), (".nan", "sigma"), (".inf", "sigma"),
                      ("[1, 1, 1, 1]", "sigma: has 4 entries"), ("[1, -1, 1]", "sigma[2]: -1 is out of range"),
                      ("abc", "sigma")])
    func badSigmaIsRefusedNamingTheField(_ value: String, _ expected: String) {
        let m = message(Self.yaml(sigma: value))
        #expect(m.hasPrefix("x.yaml: " + expected), "\(m)")
        #expect(!m.contains("\n"))
    }

    @Test func termsThatNeedLogRhoAreRefusedWithNoise() {
        let kl = message(Self.yaml(sigma: "1", terminal: "{type: kl, weight: 1}",
                                   extra: "target_density: {type: gaussian, mean: 0, variance: 1}"))
        #expect(kl.hasPrefix("x.yaml: sigma") && kl.contains("terminal_cost (kl)") && kl.contains("preference"), "\(kl)")
        let entropy = message(Self.yaml(sigma: "1", running: "running_cost: {entropy: {weight: 0.1}}"))
        #expect(entropy.contains("running_cost.entropy"), "\(entropy)")
        let congestion = message(Self.yaml(sigma: "1", running: "running_cost: {congestion: {weight: 0.1}}"))
        #expect(congestion.contains("running_cost.congestion"), "\(congestion)")
        // The congestion of a marginal is a kernel estimate over the batch, not log ρ along a path: accepted.
        #expect(message(Self.yaml(sigma: "1", running: "running_cost: {congestion: {weight: 0.1, coordinates: [1, 2], bandwidth: 0.2}}"))
                == "accepted")
        // Obstacles are density-free: accepted with noise.
        #expect(message(Self.yaml(sigma: "1", running: "running_cost: {obstacle: {weight: 1, amplitude: 1, coordinates: [1], center: [0], variance: [1]}}")) == "accepted")
        // The same terms are fine without noise.
        #expect(message(Self.yaml(sigma: "0", running: "running_cost: {entropy: {weight: 0.1}}")) == "accepted")
    }

    @Test func noiseNeedsTheEulerScheme() {
        let m = message(Self.yaml(sigma: "1", scheme: "rk4"))
        #expect(m.hasPrefix("x.yaml: sigma") && m.contains("integrator.scheme: euler"), "\(m)")
    }

    @Test func coleHopfOutsideItsFamilyIsRefused() {
        let m = message(Self.yaml(sigma: nil, extra: "closed_form: cole_hopf"))
        #expect(m.contains("cole_hopf does not apply") && m.contains("sigma must be positive"), "\(m)")
    }

    @Test func badLogQuadraticParametersAreRefused() {
        let m = message(Self.yaml(sigma: "1", terminal: "{type: log_quadratic, weight: 1, offset: 0}"))
        #expect(m.hasPrefix("x.yaml: terminal_cost.offset"), "\(m)")
        let c = message(Self.yaml(sigma: "1", terminal: "{type: log_quadratic, weight: 1, center: [1, 2]}"))
        #expect(c.hasPrefix("x.yaml: terminal_cost.center"), "\(c)")
    }

    /// The Monte Carlo Cole–Hopf estimator against quadrature in d = 1: ψ = E exp(−λg(x + σ√τ ξ)/c)
    /// by the trapezoid rule on ξ ∈ [−12, 12] with 24 001 nodes (the integrand is smooth and its
    /// tails are below e^(−72): the rule is exact to rounding here), at several (x, t). The MC value
    /// must lie within 4 standard errors (a two-sided miss has probability 6e-5 per point for a
    /// Gaussian error; M = 200 000 keeps the delta method's bias, ≈ c·se²/2, below 1e-3 se), and the
    /// standard error itself must be small (< 2e-3 for values 0.08 … 1.4), so the check has teeth.
    @Test func coleHopfMonteCarloMatchesQuadratureInOneDimension() throws {
        let text = """
        dimension: 1
        horizon: 1
        kinetic_weight: 0.5
        sigma: 1.4142135623730951
        initial_density: {type: gaussian, mean: 0, variance: 1}
        terminal_cost: {type: log_quadratic, weight: 1, offset: 1, divisor: 2}
        penalties: {hjb: 1, terminal_hjb: 1}
        integrator: {scheme: euler, steps: 10}
        """
        let p = try Problem.parse(yaml: text, file: "x.yaml")
        let ref = try #require(ColeHopfReference(problem: p))
        #expect(abs(ref.scale - 1) < 1e-15)   // α_L σ² = ½ · (√2)²
        var rng = RandomSource(seed: 7)
        let xi = ref.draws(samples: 200_000, rng: &rng)
        let g = LogQuadratic(center: [0], offset: 1, divisor: 2)
        for (x, t) in [(0.0, 0.0), (0.7, 0.25), (-2.0, 0.5), (3.0, 0.9)] {
            let mc = ref.value(at: [x], time: t, draws: xi)
            let s = 2.0.squareRoot() * (1 - t).squareRoot()
            let nodes = 24_001, lo = -12.0, step = 24.0 / Double(nodes - 1)
            var psi = 0.0
            for k in 0..<nodes {
                let z = lo + Double(k) * step
                var y = x + s * z
                let weight = (k == 0 || k == nodes - 1) ? 0.5 : 1
                psi += weight * step * Double.exp(-0.5 * z * z) / (2 * Double.pi).squareRoot() * Double.exp(-g.value(at: &y))
            }
            let exact = -Double.log(psi)
            #expect(abs(mc.value - exact) <= 4 * mc.standardError, "x = \(x), t = \(t): \(mc.value) vs \(exact) ± \(mc.standardError)")
            #expect(mc.standardError < 2e-3)   // the values are 0.08 … 1.4
        }
        // Outside the family: no reference.
        let q = try Problem.parse(yaml: text.replacingOccurrences(of: "sigma: 1.4142135623730951", with: "sigma: 0"), file: "x.yaml")
        #expect(ColeHopfReference(problem: q) == nil)
        #expect(ColeHopfReference.whyNot(q) != nil)
    }
}
