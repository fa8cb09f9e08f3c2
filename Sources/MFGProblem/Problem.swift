import MFGMath

/// A validated, immutable mean-field game: what is minimised, and how the solver should try.
///
/// The cost is (DESIGN.md's convention)
///
///     J = α_L ∫₀ᵀ∫ ½|v|² ρ + ∫₀ᵀ [λ_Q ∫ Q ρ + λ_E ∫ ρ log ρ] dt + G(ρ(·,T)),
///
/// with H(p) = |p|²/(2α_L), v = −∇Φ/α_L. Build one with `Problem.load(path:)` or
/// `Problem.parse(yaml:file:)`; both reject anything unknown or inconsistent with a
/// `ProblemError` naming the field.
public struct Problem: Sendable {
    public let name: String
    /// One-line description from the file (empty when absent).
    public let summary: String
    /// Path the problem was loaded from (for messages).
    public let file: String
    /// The YAML text verbatim (stored in checkpoints so a run can be reproduced).
    public let sourceText: String
    /// Dimension d.
    public let dimension: Int
    /// Horizon T.
    public let horizon: Double
    /// α_L, with H(p) = |p|²/(2α_L).
    public let kineticWeight: Double
    public let initialDensity: Density
    /// ρ₁, required by a KL terminal cost (and only then).
    public let targetDensity: Density?
    /// Q of the running cost λ_Q ∫ Q ρ (the weight λ_Q is `obstacleWeight`).
    public let obstacle: Bump?
    /// λ_Q (0 when there is no obstacle).
    public let obstacleWeight: Double
    /// λ_E ≥ 0 of the running cost λ_E ∫ ρ log ρ.
    public let entropyWeight: Double
    public let terminal: TerminalCost
    public let penalties: Penalties
    public let network: NetworkSettings
    public let integrator: IntegratorSettings
    public let training: TrainingSettings
    /// Grid of the d = 2 reference solver.
    public let reference: ReferenceSettings?
    /// A closed form the file declares (and that validation confirmed applies).
    public let closedForm: ClosedFormKind?

    /// Memberwise initialiser for problems built in code (tests, generated cases). It does not
    /// re-run the file validation; callers are responsible for consistent values.
    public init(name: String, summary: String = "", file: String = "<memory>", sourceText: String = "",
                dimension: Int, horizon: Double, kineticWeight: Double,
                initialDensity: Density, targetDensity: Density?,
                obstacle: Bump?, obstacleWeight: Double, entropyWeight: Double,
                terminal: TerminalCost, penalties: Penalties,
                network: NetworkSettings, integrator: IntegratorSettings, training: TrainingSettings,
                reference: ReferenceSettings?, closedForm: ClosedFormKind?) {
        self.name = name
        self.summary = summary
        self.file = file
        self.sourceText = sourceText
        self.dimension = dimension
        self.horizon = horizon
        self.kineticWeight = kineticWeight
        self.initialDensity = initialDensity
        self.targetDensity = targetDensity
        self.obstacle = obstacle
        self.obstacleWeight = obstacleWeight
        self.entropyWeight = entropyWeight
        self.terminal = terminal
        self.penalties = penalties
        self.network = network
        self.integrator = integrator
        self.training = training
        self.reference = reference
        self.closedForm = closedForm
    }

    /// Whether the problem has a running cost F (obstacle or entropy).
    public var hasRunningCost: Bool { (obstacle != nil && obstacleWeight != 0) || entropyWeight != 0 }
}
