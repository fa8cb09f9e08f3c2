import MFGProblem

/// Whether a trained solution's costs depend on the time grid they were integrated on.
///
/// The solver integrates the characteristics and the log-determinant ℓ with the problem's fixed
/// number of Runge–Kutta steps, and training minimises the *discrete* objective. When the paths
/// curve faster than the steps resolve, ℓ (and with it G, and the entropy part of F) carries a
/// time error that training can learn to exploit: the discrete objective goes down, the true one
/// does not. Integrating the same Φ again with several times as many steps on the same samples
/// shows it: the exact-in-time objective barely moves for an honest solution and jumps for an
/// exploited one. Measured (65 536 samples, J with the run's steps → 16 steps): crowd-motion-d2
/// 19.83 → 19.87, ot-d2 10.82 → 10.83, ot-d10 10.83 → 10.83, but ot-d50 (2 RK4 steps) 10.53 → 11.58:
/// its G of 0.13 was 1.21 on a fine grid.
public struct TimeStepCheck: Sendable {
    /// Terms with the run's own steps, and with `fineSteps`, on the same samples.
    public let coarse: ObjectiveTerms, fine: ObjectiveTerms
    public let steps: Int, fineSteps: Int
    /// Largest acceptable |J_fine − J| / |J_fine|.
    public let tolerance: Double

    public init(coarse: ObjectiveTerms, fine: ObjectiveTerms, steps: Int, fineSteps: Int, tolerance: Double = 0.01) {
        self.coarse = coarse; self.fine = fine; self.steps = steps; self.fineSteps = fineSteps
        self.tolerance = tolerance
    }

    /// How many steps to check with: four times the run's.
    public static func fineSteps(for steps: Int) -> Int { 4 * steps }

    /// (J_fine − J) / |J_fine|.
    public var relativeChange: Double { (fine.cost - coarse.cost) / max(abs(fine.cost), 1e-300) }

    public var passes: Bool { abs(relativeChange) <= tolerance }

    /// One line for the user: the two values, and a warning when they differ by more than the
    /// tolerance. With noise (`stochastic`) there is no log-determinant: the Euler–Maruyama
    /// scheme's own O(h) error is what moves J (docs/validation.md, "Linear-quadratic problems
    /// with noise": the exact feedback itself costs 1.6 % more on 10 steps).
    public func message(scheme: String, stochastic: Bool = false) -> String {
        guard relativeChange.isFinite else {
            return "warning: time-step check: J = L + F + G is \(format(coarse.cost)) with \(steps) \(scheme) steps and "
                + "\(format(fine.cost)) with \(fineSteps): not finite, so the solution does not hold on a finer time grid"
        }
        let values = "J = L + F + G is \(format(coarse.cost)) with \(steps) \(scheme) steps, \(format(fine.cost)) with \(fineSteps) "
            + "(\(String(format: "%+.2f", 100 * relativeChange)) %; G \(format(coarse.terminal)) → \(format(fine.terminal)))"
        if passes { return "time-step check: " + values }
        if stochastic {
            return "warning: time-step check: " + values + ". The solution depends on the time grid: the Euler–Maruyama "
                + "scheme's O(h) error; J with \(steps) steps is not the continuous-time cost (solve with more steps, or "
                + "measure with `mfg evaluate --steps`)"
        }
        return "warning: time-step check: " + values + ". The solution depends on the time grid: training has likely "
            + "exploited the error of the log-determinant; solve again with more integrator steps than \(steps)"
    }

    private func format(_ x: Double) -> String { String(format: "%.4g", x) }
}
