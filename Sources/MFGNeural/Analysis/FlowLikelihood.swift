import MFGMath

/// The negative log-likelihood of ρ₀'s samples under the flow, the continuous-normalising-flow
/// view of a KL-terminal problem (`mfg evaluate`).
///
/// Along a characteristic x₀ ↦ z_T, log ρ(z_T, T) = log ρ₀(x₀) − ℓ_T (ℓ̇ = −ΔₓΦ/α_L; docs/
/// equations-to-code.md). Read backwards, the flow is a density model for ρ₀: if ρ(·, T) were
/// exactly ρ₁, then ρ₀(x₀) = ρ₁(z_T)·e^{ℓ_T}, so the model's density at a sample is
/// ρ̂₀(x₀) = ρ₁(z_T)e^{ℓ_T} and its negative log-likelihood is
///
///     NLL(x₀) = −log ρ₁(z_T) − ℓ_T   (nats).
///
/// Per sample the KL term gives Gᵢ/λ_G = log ρ₀(x₀) − ℓ_T − log ρ₁(z_T), so NLL = Gᵢ/λ_G − log ρ₀(x₀),
/// and E_ρ₀[NLL] = KL(ρ_T ‖ ρ₁) + H(ρ₀) ≥ H(ρ₀) (H the differential entropy E[−log ρ₀]): the
/// cross-entropy of ρ₀ under the model, equal to H(ρ₀) exactly when the flow lands on ρ₁.
public struct FlowLikelihood: Sendable {
    /// Mean NLL over the samples and its standard error.
    public let mean: Double, standardError: Double
    /// The entropy estimate E[−log ρ₀(x₀)] on the same samples, and its standard error.
    public let entropy: Double, entropyError: Double

    /// From the per-sample KL terms Gᵢ (λ_G(log ρ_T − log ρ₁) at z_T), λ_G, and log ρ₀(x₀ᵢ).
    /// Nil when the arrays are empty or differ in length, or λ_G ≤ 0.
    public init?(terminal: [Double], weight: Double, logInitial: [Double]) {
        guard !terminal.isEmpty, terminal.count == logInitial.count, weight > 0 else { return nil }
        let nll = zip(terminal, logInitial).map { $0 / weight - $1 }
        (mean, standardError) = PairedEstimate.meanAndStandardError(nll)
        (entropy, entropyError) = PairedEstimate.meanAndStandardError(logInitial.map { -$0 })
    }
}
