import MFGMath
import MFGProblem

/// The costs of a potential mean-field game in the form the characteristics objective needs:
/// the kinetic weight, the running and terminal costs as lists of weighted local terms
/// (`LocalCost`, the extension point), and the penalty weights.
///
/// J = L + Σₖ λₖ∫∫fₖρ + Σⱼ λⱼ∫gⱼρ(·,T), with L = α_L∫∫½|v|²ρ = ∫∫|∇Φ|²/(2α_L)ρ, plus the
/// penalties β_HJB ∫∫|−∂ₜΦ − (σ²/2)ΔΦ + |∇Φ|²/(2α_L) − δF/δρ|ρ and β_T ∫|Φ(·,T) − δG/δρ|ρ(·,T).
/// With per-coordinate αᵢ, σᵢ: L = ∫∫Σᵢ(∂ᵢΦ)²/(2αᵢ)ρ and the residual's −Σᵢ(σᵢ²/2)∂ᵢᵢΦ.
public struct CostModel<T: Scalar>: Sendable {
    public var dimension: Int
    public var horizon: Double
    /// α_L: the kinetic weight (Hamiltonian |p|²/(2α_L), velocity −∇Φ/α_L).
    public var kineticWeight: Double
    /// The terms of the running cost F, summed in this order (e.g. obstacle, entropy).
    public var running: [any LocalCost]
    /// The terms of the terminal cost G, summed in this order (e.g. kl).
    public var terminal: [any LocalCost]
    /// The running terms that couple the samples (`NonlocalCost`, e.g. the pairwise interaction),
    /// summed after `running`; estimated from the whole batch at every quadrature node.
    public var nonlocal: [any NonlocalCost]
    /// β_HJB: weight of the HJB residual along paths.
    public var hjbWeight: Double
    /// β_T: weight of the terminal mismatch |Φ(z(T), T) − δG/δρ|.
    public var terminalHJBWeight: Double
    /// σ ≥ 0, the noise of the dynamics dX = −∇Φ/α_L dt + σ dW (0: deterministic paths). With
    /// σ > 0 the paths follow Euler–Maruyama and the HJB residual gains −(σ²/2)ΔΦ.
    public var sigma: Double
    /// αᵢ per coordinate (nil: `kineticWeight` on every coordinate): velocity −∂ᵢΦ/αᵢ, kinetic
    /// Σᵢ(∂ᵢΦ)²/(2αᵢ), ℓ̇ = −Σᵢ∂ᵢᵢΦ/αᵢ.
    public var kineticWeights: [Double]?
    /// σᵢ per coordinate (nil: `sigma` on every coordinate; `sigma` is then max σᵢ): noise σᵢ√h ξ
    /// per coordinate, HJB residual −Σᵢ(σᵢ²/2)∂ᵢᵢΦ.
    public var sigmas: [Double]?

    public init(dimension: Int, horizon: Double, kineticWeight: Double, running: [any LocalCost],
                terminal: [any LocalCost], hjbWeight: Double, terminalHJBWeight: Double, sigma: Double = 0,
                nonlocal: [any NonlocalCost] = [],
                kineticWeights: [Double]? = nil, sigmas: [Double]? = nil) {
        self.kineticWeights = kineticWeights; self.sigmas = sigmas
        self.dimension = dimension; self.horizon = horizon; self.kineticWeight = kineticWeight
        self.running = running; self.terminal = terminal; self.nonlocal = nonlocal
        self.hjbWeight = hjbWeight; self.terminalHJBWeight = terminalHJBWeight
        self.sigma = sigma
    }
}

/// One cost term's value, by the term's name (`LocalCost.name`).
public struct TermValue: Equatable, Sendable {
    public var name: String
    public var value: Double

    public init(name: String, value: Double) { self.name = name; self.value = value }
}

/// The named terms of the objective, as sample means.
public struct ObjectiveTerms: Equatable, Sendable, CustomStringConvertible {
    /// Kinetic cost L = α_L ∫∫ ½|v|² ρ.
    public var kinetic: Double = 0
    /// Running interaction cost F = Σₖ λₖ∫∫fₖρ over the running terms (e.g. λ_Q ∫∫ Qρ + λ_E ∫∫ ρ log ρ; weights included).
    public var interaction: Double = 0
    /// Terminal cost G (weight included).
    public var terminal: Double = 0
    /// F term by term (weights included), in the order of `CostModel.running` then `nonlocal`; sums to `interaction`.
    public var runningByTerm: [TermValue] = []
    /// G term by term (weights included), in the order of `CostModel.terminal`; sums to `terminal`.
    public var terminalByTerm: [TermValue] = []
    /// Unweighted HJB residual ∫∫ |−∂ₜΦ + H(∇Φ) − δF/δρ| ρ.
    public var hjb: Double = 0
    /// Unweighted terminal mismatch ∫ |Φ(·, T) − δG/δρ| ρ(·, T).
    public var terminalHJB: Double = 0
    /// L + F + G + β_HJB·hjb + β_T·terminalHJB: what training minimises.
    public var total: Double = 0

    public init() {}

    /// The MFG objective J = L + F + G without the penalties.
    public var cost: Double { kinetic + interaction + terminal }

    public var description: String {
        func f(_ x: Double) -> String { x.formatted4 }
        return "J=\(f(total)) L=\(f(kinetic)) F=\(f(interaction)) G=\(f(terminal)) HJB=\(f(hjb)) tHJB=\(f(terminalHJB))"
    }

    static func + (a: ObjectiveTerms, b: ObjectiveTerms) -> ObjectiveTerms {
        var c = ObjectiveTerms()
        c.kinetic = a.kinetic + b.kinetic; c.interaction = a.interaction + b.interaction
        c.terminal = a.terminal + b.terminal; c.hjb = a.hjb + b.hjb
        c.terminalHJB = a.terminalHJB + b.terminalHJB; c.total = a.total + b.total
        c.runningByTerm = elementwiseSum(a.runningByTerm, b.runningByTerm)
        c.terminalByTerm = elementwiseSum(a.terminalByTerm, b.terminalByTerm)
        return c
    }

    /// a + b entry by entry (same terms in the same order), an empty list being the neutral start.
    private static func elementwiseSum(_ a: [TermValue], _ b: [TermValue]) -> [TermValue] {
        if a.isEmpty { return b }
        if b.isEmpty { return a }
        return zip(a, b).map { TermValue(name: $0.name, value: $0.value + $1.value) }
    }

    /// Names and values in a fixed order (for loss histories and files).
    public var named: [(String, Double)] {
        [("total", total), ("kinetic", kinetic), ("interaction", interaction), ("terminal", terminal),
         ("hjb", hjb), ("terminal_hjb", terminalHJB)]
    }

    /// `named`, then each running term as `running_<name>` and each terminal term as
    /// `terminal_<name>` (weights included): what the training history records, so that
    /// metrics.csv has a column per term.
    public var namedWithTerms: [(String, Double)] {
        named + runningByTerm.map { ("running_" + $0.name, $0.value) } + terminalByTerm.map { ("terminal_" + $0.name, $0.value) }
    }
}

extension Double {
    /// Four significant digits, scientific when small or large.
    var formatted4: String {
        let a = abs(self)
        if a != 0 && (a < 1e-3 || a >= 1e5) {
            return String(format: "%.3e", self)
        }
        return String(format: "%.4g", self)
    }
}
