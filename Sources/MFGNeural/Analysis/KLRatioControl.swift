import Foundation
import MFGMath
import MFGProblem

/// The KL terminal cost G = λ_G KL(ρ_T ‖ ρ₁) estimated with the density ratio as a control
/// variate, and the check that ratio gives for free.
///
/// Each sampled path ends at zᵢ = z(T) with the carried density ρ_N(zᵢ) = ρ₀(x₀ᵢ)e^(−ℓᵢ(T)), and
/// its terminal cost is fᵢ = λ_G(log ρ_N(zᵢ) − log ρ₁(zᵢ)) (`SampleCosts.terminal`). The ratio
/// rᵢ = ρ₁(zᵢ)/ρ_N(zᵢ) = e^(−fᵢ/λ_G) has mean exactly 1 over the paths,
///
///     E[r] = ∫ (ρ₁/ρ_T) ρ_T dz = ∫ ρ₁ dz = 1,
///
/// whenever ρ_N is the density of the end points (the carried density is the push-forward of
/// ρ₀, as it is for σ = 0 up to the integrator's time error) and ρ_T > 0 wherever ρ₁ is (every
/// initial density the problem files allow is positive everywhere, and a flow keeps it so). So
/// uᵢ = rᵢ − 1 is a control of known mean 0, and `RegressionEstimate` fits its coefficient.
/// When ρ_T and ρ₁ are close, fᵢ ≈ λ_G(−uᵢ + uᵢ²/2), the fitted β ≈ −λ_G, and the estimate is
/// about λ_G · mean(rᵢ − 1 − log rᵢ): terms that are each ≥ 0 and of second order in log r, where
/// the plain mean averages first-order terms of both signs. The standard error falls accordingly:
/// measured on moons-d2 (262 144 samples) from 8.0·10⁻⁴ to 1.0·10⁻⁴ (G ≈ 0.016), on bimodal-d10
/// (65 536 samples) from 6.9·10⁻³ to 1.8·10⁻³ (G ≈ 0.31) (docs/validation.md, "A control
/// variate for the KL estimate"). Far from ρ₁ (large d, where log r has a spread of order one)
/// r is heavy-tailed and the fitted β, hence the gain, falls towards 0.
///
/// J = L + F + G is estimated with the same β: Ĵ = L̂ + F̂ + Ĝ, its standard error that of
/// the per-sample kᵢ + (interaction influence)ᵢ + fᵢ − βuᵢ.
///
/// The check: the sample mean of r (with its standard error) should be 1. A carried density that
/// is not the density of the agents — a log-determinant with a large time error — shows as a
/// mean ratio away from 1 by many standard errors, and then neither estimate of G is to be
/// trusted.
public struct KLRatioControl: Sendable {
    /// G with the ratio control (and the plain mean, for comparison).
    public let terminal: RegressionEstimate
    /// J = L̂ + F̂ + Ĝ with the controlled Ĝ.
    public let cost: Double
    /// Its standard error.
    public let costStandardError: Double
    /// (1/n) Σ rᵢ: 1 for a carried density that is the push-forward.
    public let ratioMean: Double
    /// Its standard error.
    public let ratioStandardError: Double

    /// How many standard errors from 1 the mean ratio may be before the carried density is
    /// called inconsistent with the agents' (`carriedDensityDisagrees`).
    public static let ratioTolerance = 4.0

    /// The check failed: the mean ratio is more than `ratioTolerance` standard errors from 1, so
    /// the carried density is not the agents' density and neither estimate of G can be trusted.
    public var carriedDensityDisagrees: Bool { abs(ratioMean - 1) > Self.ratioTolerance * ratioStandardError }

    /// For a problem's own samples: nil unless its terminal cost is a KL and it has no noise
    /// (with σ > 0 the paths carry no density, `SampleCosts.terminal` is not log ρ_N − log ρ₁).
    public init?(problem: Problem, costs: SampleCosts) {
        guard case .kl(let weight) = problem.terminal, problem.sigma == 0 else { return nil }
        self.init(costs: costs, weight: weight)
    }

    /// nil unless `weight` (λ_G of a KL terminal cost) is positive, there are at least 3 samples,
    /// and every ratio is finite (a path whose carried density is 0 or whose target density
    /// overflows has no ratio: the plain estimate is then all there is).
    public init?(costs: SampleCosts, weight: Double) {
        let f = costs.terminal, n = f.count
        guard weight > 0, n >= 3, costs.kinetic.count == n, costs.interactionInfluence.count == n else { return nil }
        let r = f.map { Foundation.exp(-$0 / weight) }
        guard r.allSatisfy(\.isFinite), f.allSatisfy(\.isFinite) else { return nil }
        let u = r.map { $0 - 1 }
        let g = RegressionEstimate(values: f, controls: u, controlMean: 0)
        terminal = g
        cost = costs.terms.kinetic + costs.terms.interaction + g.estimate
        let total = (0..<n).map { costs.kinetic[$0] + costs.interactionInfluence[$0] + f[$0] - g.coefficient * u[$0] }
        costStandardError = PairedEstimate.meanAndStandardError(total).1
        (ratioMean, ratioStandardError) = PairedEstimate.meanAndStandardError(r)
    }
}
