import Testing
import MFGProblem
@testable import MFGNeural

/// The negative-KL warning: KL = G/λ_G below −0.05 is flagged, small negative values (Monte
/// Carlo noise) and non-KL terminal costs are not.
@Suite("Negative KL estimate")
struct NegativeKLCheckTests {
    func problem(terminal: String, target: Bool = true) throws -> Problem {
        try Problem.parse(yaml: """
        name: t
        dimension: 2
        horizon: 1
        kinetic_weight: 1
        initial_density: {type: gaussian, mean: [0, 3], variance: 0.3}
        \(target ? "target_density: {type: gaussian, mean: [0, -3], variance: 0.3}" : "")
        terminal_cost: \(terminal)
        penalties: {hjb: 1, terminal_hjb: 1}
        """, file: "t.yaml")
    }

    @Test func flagsOnlyClearlyNegativeKL() throws {
        let p = try problem(terminal: "{type: kl, weight: 5}")
        // The heavy-obstacle run's G = −1.38 with λ_G = 5: KL ≈ −0.276.
        let kl = try #require(NegativeKLCheck.suspiciousKL(problem: p, terminal: -1.38))
        #expect(abs(kl - (-0.276)) < 1e-12)
        #expect(NegativeKLCheck.suspiciousKL(problem: p, terminal: -0.1) == nil)   // KL −0.02: noise
        #expect(NegativeKLCheck.suspiciousKL(problem: p, terminal: 0.8) == nil)
        #expect(NegativeKLCheck.message(kl: kl, steps: 4).contains("more integrator steps than 4"))
    }

    @Test func ignoresPreferenceTerminalCosts() throws {
        let p = try problem(terminal: "{type: preference, weight: 1, g: {type: quadratic, center: [0, -3], scale: 2}}",
                            target: false)
        #expect(NegativeKLCheck.suspiciousKL(problem: p, terminal: -10) == nil)
    }
}
