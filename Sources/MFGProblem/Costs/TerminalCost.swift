/// The terminal cost G(ρ(·, T)).
public enum TerminalCost: Sendable, Equatable {
    /// G = λ_G KL(ρ(·,T) ‖ ρ₁) with ρ₁ the problem's `targetDensity`;
    /// δG/δρ = λ_G (log ρ − log ρ₁ + 1).
    case kl(weight: Double)
    /// G = λ_G ∫ g ρ(·,T); δG/δρ = λ_G g.
    case preference(weight: Double, g: Preference)
    /// G = λ_G ∫ g ρ(·,T) with g(x) = ln((a + |x − c|²)/b) (`LogQuadratic`, `LogQuadraticCost`);
    /// δG/δρ = λ_G g.
    case logQuadratic(weight: Double, g: LogQuadratic)

    /// The weight λ_G.
    public var weight: Double {
        switch self {
        case .kl(let w): return w
        case .preference(let w, _): return w
        case .logQuadratic(let w, _): return w
        }
    }
}

/// Weights of the HJB penalty terms (the paper's α₄ and α₅, with names), and optionally a
/// schedule that moves them to other weights late in training.
///
/// Why a schedule: both penalties are L1 norms of residuals that vanish at the exact solution,
/// so in exact arithmetic with a network that can represent the solution they do not move the
/// minimiser. In practice the network's ResNet part leaves small residuals of both signs, and an
/// L1 term's subgradient does not shrink with the residual: with weight β it pulls on θ with a
/// force of order β however small the residuals are. Along the nearly flat direction of J that
/// trades the kinetic cost against the terminal cost (every terminal standard deviation a little
/// smaller), that force moves the optimum: measured on `gaussian-spread-d100`, β = 1 left every
/// standard deviation 0.27 % short (G 4.6 % high), β = 0.1 from the start 0.10 %. Small weights
/// from the start, though, let the ResNet part fit each batch (it "fakes" log-determinants), so
/// the weights are lowered only once training has settled (docs/validation.md, "Every coordinate
/// matters").
public struct Penalties: Sendable, Equatable {
    /// Weights moved to by `final`, linearly in the (0-based) iteration k: the start weights
    /// for k < `from`, the final ones for k ≥ `to`, (k − from)/(to − from) of the way in
    /// between; `from == to` is a step at iteration `from`.
    public struct Schedule: Sendable, Equatable {
        /// Final weight of the HJB residual.
        public let hjb: Double
        /// Final weight of the terminal mismatch.
        public let terminalHJB: Double
        /// First (0-based) iteration whose weights differ from the start weights.
        public let from: Int
        /// First (0-based) iteration with the final weights (≥ `from`).
        public let to: Int

        public init(hjb: Double, terminalHJB: Double, from: Int, to: Int) {
            self.hjb = hjb
            self.terminalHJB = terminalHJB
            self.from = from
            self.to = to
        }
    }

    /// Weight of ∫₀ᵀ |−∂ₜΦ + H(∇Φ) − δF/δρ| along the paths (at the start of training).
    public let hjb: Double
    /// Weight of |Φ(z(T), T) − δG/δρ(z(T))| at the end of the paths (at the start of training).
    public let terminalHJB: Double
    /// Optional move to other weights during training (nil: the weights stay fixed).
    public let final: Schedule?

    public init(hjb: Double, terminalHJB: Double, final: Schedule? = nil) {
        self.hjb = hjb
        self.terminalHJB = terminalHJB
        self.final = final
    }

    /// The weights (β_HJB, β_T) in force at (0-based) training iteration k. A function of k
    /// alone, so a resumed run uses exactly the weights of an uninterrupted one.
    public func weights(atIteration k: Int) -> (hjb: Double, terminalHJB: Double) {
        guard let f = final, k >= f.from else { return (hjb, terminalHJB) }
        if k >= f.to { return (f.hjb, f.terminalHJB) }
        let s = Double(k - f.from) / Double(f.to - f.from)
        return (hjb + s * (f.hjb - hjb), terminalHJB + s * (f.terminalHJB - terminalHJB))
    }

    /// The weights the run ends with (and that evaluation and best-iterate selection use).
    public var finalWeights: (hjb: Double, terminalHJB: Double) {
        guard let f = final else { return (hjb, terminalHJB) }
        return (f.hjb, f.terminalHJB)
    }

    /// True when the weights jump at iteration k (a step schedule, `from == to == k`): the
    /// objective changes at once there, and curvature pairs gathered before no longer describe it.
    public func jumps(atIteration k: Int) -> Bool {
        guard let f = final else { return false }
        return f.from == f.to && f.from == k && k > 0
            && (f.hjb != hjb || f.terminalHJB != terminalHJB)
    }
}

/// A problem whose exact solution is known in closed form (declared in the file, then checked).
public enum ClosedFormKind: String, Sendable, Equatable, CaseIterable {
    /// Gaussian ρ₀ → Gaussian ρ₁ with commuting covariances (diagonal, or sharing a rotation),
    /// KL terminal cost and no running cost; see `GaussianKLTransport`.
    case gaussianKLTransport = "gaussian_kl_transport"
    /// σ > 0, no running cost, a density-free terminal cost: Φ by the Cole–Hopf formula
    /// (`ColeHopfReference`, Monte Carlo).
    case coleHopf = "cole_hopf"
}
