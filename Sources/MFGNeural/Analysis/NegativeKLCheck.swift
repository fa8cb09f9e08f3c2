import MFGProblem

/// Flags a KL terminal cost whose estimate is clearly negative.
///
/// λ_G·KL(ρ(·,T) ‖ ρ₁) is never negative. The solver estimates it along the characteristics as
/// λ_G·E[log ρ₀(x₀) − ℓ(T) − log ρ₁(z(T))], with ℓ the integrated log-determinant. Monte Carlo
/// noise can push that slightly below zero; an estimate below −`tolerance`·λ_G (default 0.05,
/// i.e. KL < −0.05 nats) means ℓ itself is wrong — typically because the paths curve faster
/// than the integrator's steps resolve, and training has learned to exploit the error (measured:
/// the heavy-obstacle crowd problem with 4 RK4 steps reached G = −1.38, with 8 steps and
/// another seed −14). The remedy is more integrator steps.
public enum NegativeKLCheck {
    /// The KL estimate λ_G·KL̂ / λ_G when it is below −`tolerance`, else nil. Nil for terminal
    /// costs other than KL (a preference term may legitimately be negative).
    public static func suspiciousKL(problem: Problem, terminal: Double, tolerance: Double = 0.05) -> Double? {
        guard case .kl(let weight) = problem.terminal, weight > 0 else { return nil }
        let kl = terminal / weight
        return kl < -tolerance ? kl : nil
    }

    /// A one-line explanation for the user.
    public static func message(kl: Double, steps: Int) -> String {
        "warning: the KL estimate is negative (KL ≈ \(String(format: "%.3g", kl)) nats, impossible for the exact "
            + "value): the log-determinant along the paths is inaccurate and training may be exploiting it; "
            + "try more integrator steps than \(steps)"
    }
}
