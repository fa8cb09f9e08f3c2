/// The terminal cost G(ρ(·, T)).
public enum TerminalCost: Sendable, Equatable {
    /// G = λ_G KL(ρ(·,T) ‖ ρ₁) with ρ₁ the problem's `targetDensity`;
    /// δG/δρ = λ_G (log ρ − log ρ₁ + 1).
    case kl(weight: Double)
    /// G = λ_G ∫ g ρ(·,T); δG/δρ = λ_G g.
    case preference(weight: Double, g: Preference)

    /// The weight λ_G.
    public var weight: Double {
        switch self {
        case .kl(let w): return w
        case .preference(let w, _): return w
        }
    }
}

/// Weights of the HJB penalty terms (the paper's α₄ and α₅, with names).
public struct Penalties: Sendable, Equatable {
    /// Weight of ∫₀ᵀ |−∂ₜΦ + H(∇Φ) − δF/δρ| along the paths.
    public let hjb: Double
    /// Weight of |Φ(z(T), T) − δG/δρ(z(T))| at the end of the paths.
    public let terminalHJB: Double

    public init(hjb: Double, terminalHJB: Double) {
        self.hjb = hjb
        self.terminalHJB = terminalHJB
    }
}

/// A problem whose exact solution is known in closed form (declared in the file, then checked).
public enum ClosedFormKind: String, Sendable, Equatable, CaseIterable {
    /// Gaussian ρ₀ → Gaussian ρ₁ with commuting covariances (diagonal, or sharing a rotation),
    /// KL terminal cost and no running cost; see `GaussianKLTransport`.
    case gaussianKLTransport = "gaussian_kl_transport"
}
