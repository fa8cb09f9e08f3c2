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

    func terms(terminal: Double) -> ObjectiveTerms {
        var t = ObjectiveTerms()
        t.kinetic = 3; t.terminal = terminal
        return t
    }

    /// Mismatches ±a around an offset c (alternating): E|r − median| = a exactly.
    func mismatch(offset c: Double, size a: Double, count: Int = 1000) -> [Double] {
        (0..<count).map { c + ($0 % 2 == 0 ? a : -a) }
    }

    /// The size of the measured failure (legacy network, all-spread Gaussian transport in
    /// d = 10: 1.844 with G = 2.583, λ_G = 5, 24 % of λ_G + G) warns, with the number and the
    /// hint; the full quadratic's 0.004679 with G = 1.167 (0.08 %) does not.
    @Test func warnsOnTheMeasuredFailureOnly() throws {
        let p = try problem()
        let bad = try #require(FitQualityCheck(problem: p, terms: terms(terminal: 2.583), mismatch: mismatch(offset: 0.3, size: 1.844)))
        #expect(abs(bad.relativeMismatch - 1.844 / 7.583) < 1e-12)
        let message = try #require(bad.warning(network: p.network))
        #expect(message.contains("24.3 %"))
        #expect(message.contains("network.quadratic: full"))
        let good = try #require(FitQualityCheck(problem: p, terms: terms(terminal: 1.167), mismatch: mismatch(offset: 0, size: 0.004679)))
        #expect(good.passes)
        #expect(good.warning(network: p.network) == nil)
    }

    /// A constant offset is allowed, whatever its size: the median is found (also for an odd
    /// count and an asymmetric distribution, where it is not the mean) and E|r − median| is what
    /// is measured.
    @Test func theOffsetIsAllowedTheSpreadIsNot() throws {
        let p = try problem()
        let offset = try #require(FitQualityCheck(problem: p, terms: terms(terminal: 2.583), mismatch: mismatch(offset: 1.5, size: 0.05)))
        #expect(offset.passes && abs(offset.relativeMismatch - 0.05 / 7.583) < 1e-12)
        #expect(abs(offset.constantOffset - 1.5) < 1e-15)
        // 0, 0, 0, 1, 10 (shuffled): median 0, E|r − 0| = 11/5, while the mean (2.2) would give 3.52.
        let skewed = try #require(FitQualityCheck(problem: p, terms: terms(terminal: 2.583), mismatch: [10, 0, 1, 0, 0]))
        #expect(skewed.constantOffset == 0 && abs(skewed.terminalMismatch - 2.2) < 1e-15)
        #expect(!skewed.passes && skewed.warning(network: p.network)?.contains("29.0 %") == true)
        #expect(FitQualityCheck(problem: p, terms: terms(terminal: 2.583), mismatch: []) == nil)
        #expect(FitQualityCheck(problem: p, terms: terms(terminal: 2.583), mismatch: [1, .nan]) == nil)
    }

    /// The check measures the mismatch up to a constant: adding 0.7 to c(t)'s constant
    /// coefficient (φ₀ = 1, so Φ + 0.7 everywhere) moves no agent — L and G stay bit-identical —
    /// shifts every per-sample r = Φ(·, T) − δG/δρ by 0.7 and E|r| by a lot, and leaves the check
    /// unchanged (to rounding of the sum, 1e-12 relative).
    @Test func aConstantInPhiDoesNotCount() throws {
        _ = blasSingleThreaded
        let p = try problem(dimension: 3, network: "{width: 4, residual_layers: 1, quadratic: full, time_degree: 2, time_term: polynomial}")
        let solver = try Solver(problem: p, threads: 1, blockSize: 32)
        let theta = solver.state.parameters
        var shifted = theta
        shifted[try #require(ParameterLayout(solver.shape).timeTermOffset)] += 0.7
        let a = try solver.validationCosts(parameters: theta)
        let b = try solver.validationCosts(parameters: shifted)
        #expect(a.terms == (try solver.validationTerms(parameters: theta)))
        #expect(a.kinetic == b.kinetic && a.terminal == b.terminal)
        #expect(a.terminalMismatch.count == p.training.validationSize)
        #expect(zip(a.terminalMismatch, b.terminalMismatch).allSatisfy { abs($1 - $0 - 0.7) < 1e-12 })
        // The per-sample mismatch is the one the objective's terminal term averages.
        let meanAbs = a.terminalMismatch.reduce(0) { $0 + abs($1) } / Double(a.terminalMismatch.count)
        #expect(abs(meanAbs - a.terms.terminalHJB) < 1e-12 * a.terms.terminalHJB)
        #expect(abs(b.terms.terminalHJB - a.terms.terminalHJB) > 0.1)
        let checkA = try #require(FitQualityCheck(problem: p, costs: a))
        let checkB = try #require(FitQualityCheck(problem: p, costs: b))
        #expect(abs(checkB.relativeMismatch / checkA.relativeMismatch - 1) < 1e-12)
        #expect(abs(checkB.constantOffset - checkA.constantOffset - 0.7) < 1e-12)
    }

    /// A preference terminal cost is measured against |G|, and skipped when G is 0.
    @Test func preferenceUsesItsOwnSize() throws {
        let p = try problem(target: nil, terminal: "{type: preference, weight: 1, g: {type: quadratic, center: 0}}")
        let check = try #require(FitQualityCheck(problem: p, terms: terms(terminal: 2), mismatch: mismatch(offset: -3, size: 0.5)))
        #expect(abs(check.relativeMismatch - 0.25) < 1e-15)
        #expect(FitQualityCheck(problem: p, terms: terms(terminal: 0), mismatch: mismatch(offset: 0, size: 0.5)) == nil)
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
