import MFGMath

/// A batched scalar field on ℝᵈ: for n points (d × n, column-major) writes the values (n) and,
/// when a buffer is given, the gradients (d × n).
public typealias BatchedField<T: Scalar> =
    @Sendable (_ points: UnsafePointer<T>, _ count: Int, _ values: UnsafeMutablePointer<T>,
               _ gradients: UnsafeMutablePointer<T>?) -> Void

/// The costs of a potential mean-field game in the form the characteristics objective needs:
/// every term with its named weight, every field batched with its gradient.
///
/// J = L + λ_Q ∫∫Qρ + λ_E ∫∫ρ log ρ + G, with L = α_L∫∫½|v|²ρ = ∫∫|∇Φ|²/(2α_L)ρ, plus the
/// penalties β_HJB ∫∫|−∂ₜΦ + |∇Φ|²/(2α_L) − δF/δρ|ρ and β_T ∫|Φ(·,T) − δG/δρ|ρ(·,T).
public struct CostModel<T: Scalar>: Sendable {
    public enum Terminal: Sendable {
        /// G = λ_G ∫ρ log(ρ/ρ₁): `logTarget` is log ρ₁.
        case kl(weight: Double, logTarget: BatchedField<T>)
        /// G = λ_G ∫ g ρ.
        case preference(weight: Double, g: BatchedField<T>)
    }

    public var dimension: Int
    public var horizon: Double
    /// α_L: the kinetic weight (Hamiltonian |p|²/(2α_L), velocity −∇Φ/α_L).
    public var kineticWeight: Double
    /// Q and λ_Q (nil/0 when the problem has no obstacle or preference running cost).
    public var obstacle: BatchedField<T>?
    public var obstacleWeight: Double
    /// λ_E of the entropy (congestion) term.
    public var entropyWeight: Double
    public var terminal: Terminal
    /// β_HJB: weight of the HJB residual along paths.
    public var hjbWeight: Double
    /// β_T: weight of the terminal mismatch |Φ(z(T), T) − δG/δρ|.
    public var terminalHJBWeight: Double

    public init(dimension: Int, horizon: Double, kineticWeight: Double, obstacle: BatchedField<T>?,
                obstacleWeight: Double, entropyWeight: Double, terminal: Terminal,
                hjbWeight: Double, terminalHJBWeight: Double) {
        self.dimension = dimension; self.horizon = horizon; self.kineticWeight = kineticWeight
        self.obstacle = obstacle; self.obstacleWeight = obstacleWeight; self.entropyWeight = entropyWeight
        self.terminal = terminal; self.hjbWeight = hjbWeight; self.terminalHJBWeight = terminalHJBWeight
    }
}

/// The named terms of the objective, as sample means.
public struct ObjectiveTerms: Equatable, Sendable, CustomStringConvertible {
    /// Kinetic cost L = α_L ∫∫ ½|v|² ρ.
    public var kinetic: Double = 0
    /// Running interaction cost F = λ_Q ∫∫ Qρ + λ_E ∫∫ ρ log ρ (weights included).
    public var interaction: Double = 0
    /// Terminal cost G (weight included).
    public var terminal: Double = 0
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
        return c
    }

    /// Names and values in a fixed order (for loss histories and files).
    public var named: [(String, Double)] {
        [("total", total), ("kinetic", kinetic), ("interaction", interaction), ("terminal", terminal),
         ("hjb", hjb), ("terminal_hjb", terminalHJB)]
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
