import Testing
import MFGProblem
@testable import MFGNeural

/// The end-of-run fit warning (terminal mismatch against the size of δG/δρ) and the start-of-run
/// capacity warning (more spreading directions than the legacy network has).
@Suite("Fit quality and network capacity warnings")
struct FitQualityCheckTests {
    func problem(dimension d: Int = 10, initial: String = "{type: gaussian, mean: 0, variance: 0.3}",
                 target: String? = "{type: gaussian, mean: 0, variance: 1}", terminal: String = "{type: kl, weight: 5}",
                 network: String = "{width: 4, residual_layers: 1}") throws -> Problem {
        try Problem.parse(yaml: """
        name: t
        dimension: \(d)
        horizon: 1
        kinetic_weight: 2
        initial_density: \(initial)
        \(target.map { "target_density: \($0)" } ?? "")
        terminal_cost: \(terminal)
        penalties: {hjb: 1, terminal_hjb: 1}
        network: \(network)
        """, file: "t.yaml")
    }

    func terms(terminal: Double, mismatch: Double) -> ObjectiveTerms {
        var t = ObjectiveTerms()
        t.kinetic = 3; t.terminal = terminal; t.terminalHJB = mismatch
        return t
    }

    /// The numbers measured on the d = 10 all-spread Gaussian problem: the legacy network's
    /// mismatch 1.844 with G = 2.583 (λ_G = 5) is 24 % of λ_G + G and warns; the full quadratic's
    /// 0.004679 with G = 1.167 (0.08 %) does not.
    @Test func warnsOnTheMeasuredFailureOnly() throws {
        let p = try problem()
        let bad = try #require(FitQualityCheck(problem: p, terms: terms(terminal: 2.583, mismatch: 1.844)))
        #expect(abs(bad.relativeMismatch - 1.844 / 7.583) < 1e-12)
        let message = try #require(bad.warning(network: p.network))
        #expect(message.contains("24.3 %"))
        #expect(message.contains("network.quadratic: full"))
        let good = try #require(FitQualityCheck(problem: p, terms: terms(terminal: 1.167, mismatch: 0.004679)))
        #expect(good.passes)
        #expect(good.warning(network: p.network) == nil)
    }

    /// A preference terminal cost is measured against |G|, and skipped when G is 0.
    @Test func preferenceUsesItsOwnSize() throws {
        let p = try problem(target: nil, terminal: "{type: preference, weight: 1, g: {type: quadratic, center: 0}}")
        let check = try #require(FitQualityCheck(problem: p, terms: terms(terminal: 2, mismatch: 0.5)))
        #expect(abs(check.relativeMismatch - 0.25) < 1e-15)
        #expect(FitQualityCheck(problem: p, terms: terms(terminal: 0, mismatch: 0.5)) == nil)
    }

    /// Ten coordinates change spread; a width-4 network without a quadratic part is warned about,
    /// a full quadratic part is not, and nor is a problem whose variances stay within 10 %.
    @Test func capacityWarning() throws {
        let legacy = try problem()
        #expect(NetworkCapacityCheck.changingDirections(legacy) == 10)
        #expect(NetworkCapacityCheck.warning(legacy)?.contains("along 10 directions") == true)
        let full = try problem(network: "{width: 4, residual_layers: 1, quadratic: full}")
        #expect(NetworkCapacityCheck.warning(full) == nil)
        let still = try problem(target: "{type: gaussian, mean: 1, variance: 0.31}")
        #expect(NetworkCapacityCheck.changingDirections(still) == 0)
        #expect(NetworkCapacityCheck.warning(still) == nil)
        let rotated = try problem(dimension: 3, initial: "{type: gaussian, mean: 0, variance: [0.3, 0.5, 1], rotation: {seed: 7}}",
                                  target: "{type: gaussian, mean: 0, variance: [1, 0.5, 0.3], rotation: {seed: 7}}",
                                  network: "{width: 2, residual_layers: 1}")
        #expect(NetworkCapacityCheck.changingDirections(rotated) == 3)
        #expect(NetworkCapacityCheck.warning(rotated) != nil)
    }
}
