import Foundation
import MFGMath

/// A validated, immutable mean-field game: what is minimised, and how the solver should try.
///
/// The cost is (the convention of docs/equations-to-code.md)
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
    /// Path the problem was loaded from, as given (for messages).
    public let file: String
    /// `file` made absolute against the working directory, with `.` and `..` removed: what
    /// checkpoints and grid results store, so that a problem rebuilt from one (its sample files,
    /// which are found beside the problem file, and `validate`'s look at the file) resolves from
    /// any folder, not only from the one the run was started in.
    public var absoluteFile: String { URL(fileURLWithPath: file).standardizedFileURL.path }
    /// The YAML text verbatim (stored in checkpoints so a run can be reproduced).
    public let sourceText: String
    /// Dimension d.
    public let dimension: Int
    /// Horizon T.
    public let horizon: Double
    /// α_L, with H(p) = |p|²/(2α_L). With per-coordinate weights (`kineticWeights`) this is
    /// their geometric mean, a representative scale only: every solver path reads the list.
    public let kineticWeight: Double
    /// αᵢ > 0 per coordinate when `kinetic_weight` is a list of d numbers (nil: the scalar α_L on
    /// every coordinate). Kinetic cost ½Σᵢαᵢvᵢ², H(p) = Σᵢpᵢ²/(2αᵢ), velocity vᵢ = −∂ᵢΦ/αᵢ; along a
    /// path log ρ changes by −Σᵢ∂ᵢᵢΦ/αᵢ dt (docs/equations-to-code.md).
    public let kineticWeights: [Double]?
    public let initialDensity: Density
    /// ρ₁, required by a KL terminal cost (and only then).
    public let targetDensity: Density?
    /// Q of the running cost λ_Q ∫ Q ρ, a sum of bumps (the weight λ_Q is `obstacleWeight`);
    /// nil without an obstacle. One obstacle in the file is one term with coefficient 1 and its
    /// weight as λ_Q; several share λ_Q when their weights agree, else λ_Q = 1 and each term's
    /// coefficient is its weight.
    public let obstacles: BumpSum?
    /// λ_Q (0 when there is no obstacle).
    public let obstacleWeight: Double
    /// λ_E ≥ 0 of the running cost λ_E ∫ ρ log ρ.
    public let entropyWeight: Double
    /// The local congestion λ_C/p ∫ ρ^p (nil without one).
    public let congestion: Congestion?
    /// The shaped obstacles (boxes, disks, capsules) of `running_cost.obstacle` entries with a
    /// `shape:` other than `gaussian`, each with its own weight (nil without any).
    public let shapedObstacles: ShapedObstacles?
    /// The pairwise interaction (λ/2)∫∫K(x − y)ρρ of `running_cost.interaction` (nil without
    /// one): a `NonlocalCost`, `Problem.nonlocalRunningCosts`.
    public let interaction: Interaction?
    public let terminal: TerminalCost
    public let penalties: Penalties
    public let network: NetworkSettings
    public let integrator: IntegratorSettings
    public let training: TrainingSettings
    /// Grid of the d = 2 reference solver.
    public let reference: ReferenceSettings?
    /// A closed form the file declares (and that validation confirmed applies).
    public let closedForm: ClosedFormKind?
    /// σ ≥ 0, the noise of every agent's dynamics dX = v dt + σ dW (W a standard Brownian motion
    /// in ℝᵈ, the same σ on every coordinate); 0 (the default) is the deterministic game. With
    /// σ > 0 the HJB equation gains −(σ²/2)ΔΦ and the density follows the Fokker–Planck equation
    /// ∂ₜρ + ∇·(ρv) = (σ²/2)Δρ (docs/equations-to-code.md).
    /// With per-coordinate noise (`sigmas`) this is the largest σᵢ, so σ > 0 still means "noisy".
    public let sigma: Double
    /// σᵢ ≥ 0 per coordinate when `sigma` is a list of d numbers (nil: the scalar σ on every
    /// coordinate): dXᵢ = vᵢ dt + σᵢ dWᵢ, HJB −∂ₜΦ − Σᵢ(σᵢ²/2)∂ᵢᵢΦ + H(∇Φ) = δF/δρ.
    public let sigmas: [Double]?

    /// αᵢ for every coordinate (the scalar repeated when isotropic).
    public var kineticWeightsPerAxis: [Double] { kineticWeights ?? [Double](repeating: kineticWeight, count: dimension) }
    /// σᵢ for every coordinate (the scalar repeated when isotropic).
    public var sigmasPerAxis: [Double] { sigmas ?? [Double](repeating: sigma, count: dimension) }
    /// Whether the kinetic cost and the noise are the same on every coordinate (the form every
    /// closed form and the Cole–Hopf reference assume).
    public var isIsotropic: Bool { kineticWeights == nil && sigmas == nil }

    /// Memberwise initialiser for problems built in code (tests, generated cases). It does not
    /// re-run the file validation; callers are responsible for consistent values.
    public init(name: String, summary: String = "", file: String = "<memory>", sourceText: String = "",
                dimension: Int, horizon: Double, kineticWeight: Double,
                initialDensity: Density, targetDensity: Density?,
                obstacles: BumpSum?, obstacleWeight: Double, entropyWeight: Double, congestion: Congestion? = nil,
                shapedObstacles: ShapedObstacles? = nil, interaction: Interaction? = nil, terminal: TerminalCost, penalties: Penalties,
                network: NetworkSettings, integrator: IntegratorSettings, training: TrainingSettings,
                reference: ReferenceSettings?, closedForm: ClosedFormKind?, sigma: Double = 0,
                kineticWeights: [Double]? = nil, sigmas: [Double]? = nil) {
        self.name = name
        self.summary = summary
        self.file = file
        self.sourceText = sourceText
        self.dimension = dimension
        self.horizon = horizon
        self.initialDensity = initialDensity
        self.targetDensity = targetDensity
        self.obstacles = obstacles
        self.obstacleWeight = obstacleWeight
        self.entropyWeight = entropyWeight
        self.congestion = congestion
        self.shapedObstacles = shapedObstacles
        self.interaction = interaction
        self.terminal = terminal
        self.penalties = penalties
        self.network = network
        self.integrator = integrator
        self.training = training
        self.reference = reference
        self.closedForm = closedForm
        // A list whose entries agree is the scalar (one code path, bit for bit today's).
        let alphas = kineticWeights.flatMap { Set($0).count > 1 ? $0 : nil }
        self.kineticWeights = alphas
        self.kineticWeight = alphas.map { a in Double.exp(a.reduce(0) { $0 + Double.log($1) } / Double(a.count)) }
            ?? kineticWeights?.first ?? kineticWeight
        let noise = sigmas.flatMap { Set($0).count > 1 ? $0 : nil }
        self.sigmas = noise
        self.sigma = noise?.max() ?? sigmas?.first ?? sigma
    }

    /// The same with at most one obstacle bump (the form of most problems built in code).
    public init(name: String, summary: String = "", file: String = "<memory>", sourceText: String = "",
                dimension: Int, horizon: Double, kineticWeight: Double,
                initialDensity: Density, targetDensity: Density?,
                obstacle: Bump?, obstacleWeight: Double, entropyWeight: Double,
                terminal: TerminalCost, penalties: Penalties,
                network: NetworkSettings, integrator: IntegratorSettings, training: TrainingSettings,
                reference: ReferenceSettings?, closedForm: ClosedFormKind?, sigma: Double = 0) {
        self.init(name: name, summary: summary, file: file, sourceText: sourceText, dimension: dimension,
                  horizon: horizon, kineticWeight: kineticWeight, initialDensity: initialDensity,
                  targetDensity: targetDensity, obstacles: obstacle.map { BumpSum($0) },
                  obstacleWeight: obstacleWeight, entropyWeight: entropyWeight, terminal: terminal,
                  penalties: penalties, network: network, integrator: integrator, training: training,
                  reference: reference, closedForm: closedForm, sigma: sigma)
    }

    /// The same game solved with other network and training settings (a block of a grid start
    /// trained alone, `GridStart`).
    public func solved(with network: NetworkSettings, training: TrainingSettings) -> Problem {
        replacing(network: network, training: training, closedForm: closedForm)
    }

    /// The same game with these settings and closed-form declaration.
    func replacing(network: NetworkSettings, training: TrainingSettings, closedForm: ClosedFormKind?) -> Problem {
        Problem(name: name, summary: summary, file: file, sourceText: sourceText, dimension: dimension,
                horizon: horizon, kineticWeight: kineticWeight, initialDensity: initialDensity,
                targetDensity: targetDensity, obstacles: obstacles, obstacleWeight: obstacleWeight,
                entropyWeight: entropyWeight, congestion: congestion, shapedObstacles: shapedObstacles, interaction: interaction,
                terminal: terminal, penalties: penalties, network: network,
                integrator: integrator, training: training, reference: reference, closedForm: closedForm, sigma: sigma,
                kineticWeights: kineticWeights, sigmas: sigmas)
    }

    /// The obstacle when Q is a single bump (coefficient 1), as in most problems: for diagnostics
    /// and figures that need its centre and shape (nil when Q is a sum of several bumps).
    public var obstacle: Bump? { obstacles?.single }

    /// Q as evaluated by the solvers, or nil when the obstacle term is absent or has weight 0.
    public var activeObstacles: BumpSum? { obstacleWeight != 0 ? obstacles : nil }

    /// Whether the problem has a running cost F (obstacle, entropy, congestion, shaped obstacles or an interaction).
    public var hasRunningCost: Bool {
        activeObstacles != nil || entropyWeight != 0 || congestion != nil || shapedObstacles != nil || interaction != nil
    }
}
