/// The terminal cost G(ρ(·,T)) of a grid problem.
public enum GridTerminalCost: Sendable, Equatable {
    /// G = λ_G ∫ ρ log(ρ/ρ₁) dx: Kullback–Leibler divergence to the target density ρ₁,
    /// sampled on the cell centres (x₁ fastest: index i + nx·j), strictly positive. The solver
    /// renormalises it to unit mass on the grid.
    case kullbackLeibler(target: [Double], weight: Double)
    /// G = λ_G ∫ g ρ dx: a terminal preference g sampled on the cell centres.
    case preference(g: [Double], weight: Double)

    /// λ_G.
    public var weight: Double {
        switch self {
        case let .kullbackLeibler(_, w), let .preference(_, w): return w
        }
    }
}

/// A two-dimensional potential mean-field game on a rectangle, as plain data (or a
/// one-dimensional one on an interval: see `init(x1Lower:x1Upper:horizon:…)`).
///
/// Minimise over densities ρ ≥ 0 and momenta m = ρv
///
///     J = α_L ∫₀ᵀ∫ |m|²/(2ρ) + λ_Q ∫₀ᵀ∫ Q ρ + λ_E ∫₀ᵀ∫ ρ log ρ + λ_C/p ∫₀ᵀ∫ ρ^p + G(ρ(·,T)),
///     ∂ₜρ + ∇·m = (σ₁²/2)∂₁₁ρ + (σ₂²/2)∂₂₂ρ,  ρ(·,0) = ρ₀,  m·n = 0 and ∇ρ·n = 0 on ∂Ω
///
/// (σ₁ = σ₂ = σ = 0, the default, is the deterministic continuity equation; σ₁ = σ₂ = σ gives
/// (σ²/2)Δρ).
///
/// All fields (ρ₀, Q, and the target or preference in `terminal`) are sampled on the cell
/// centres of the grid the problem is solved on, flattened with x₁ fastest: the value at cell
/// (i, j) is stored at `i + nx * j`, with cell centres x₁ = x1Lower + (i + ½)Δx₁ (and likewise
/// x₂). `GridGeometry.cellCentres` gives them. ρ₀ is renormalised to unit mass on the grid
/// (a density, so Σ ρ₀ Δx₁Δx₂ = 1).
public struct GridProblem: Sendable, Equatable {
    /// Domain Ω = [x1Lower, x1Upper] × [x2Lower, x2Upper].
    public var x1Lower: Double, x1Upper: Double, x2Lower: Double, x2Upper: Double
    /// Horizon T > 0.
    public var horizon: Double
    /// Weight α_L > 0 of the kinetic energy (along x₁ when `kineticWeightX2` is set).
    public var alphaL: Double
    /// α₂ > 0, the kinetic weight along x₂ when it differs from α₁ = `alphaL` (nil: `alphaL` on
    /// both axes): kinetic energy ∫∫ (α₁m₁² + α₂m₂²)/(2ρ).
    public var kineticWeightX2: Double?
    /// Initial density ρ₀ on the cell centres (non-negative, positive mass).
    public var initialDensity: [Double]
    /// Obstacle / running preference Q on the cell centres (nil means Q = 0).
    public var obstacle: [Double]?
    /// Weight λ_Q of ∫ Q ρ.
    public var lambdaQ: Double
    /// Weight λ_E ≥ 0 of the entropy ∫ ρ log ρ.
    public var lambdaE: Double
    /// The terminal cost.
    public var terminal: GridTerminalCost
    /// The congestion λ_C/p ∫∫ ρ^p of the running cost (nil without one).
    public var congestion: GridCongestion?
    /// Noise σ ≥ 0 of the agents' dynamics dX = v dt + σ dW: the constraint becomes the
    /// Fokker–Planck equation ∂ₜρ + ∇·m = (σ²/2)Δρ (zero normal flux of m and of ∇ρ on ∂Ω),
    /// discretised by Crank–Nicolson (`SpaceTimeOperators`). 0 is the deterministic game.
    /// With `sigmaX2` set this is σ₁, the noise along x₁ only.
    public var sigma: Double
    /// σ₂ ≥ 0, the noise along x₂ when it differs from σ₁ = `sigma` (nil: `sigma` on both axes):
    /// dXᵢ = vᵢ dt + σᵢ dWᵢ, Fokker–Planck ∂ₜρ + ∇·m = (σ₁²/2)∂₁₁ρ + (σ₂²/2)∂₂₂ρ. Ignored on a
    /// one-dimensional grid (ny = 1: no x₂ direction).
    public var sigmaX2: Double? = nil
    /// The pairwise interaction (λ/2)∫∫K(x − y)ρρ of the running cost (nil without one): solved by
    /// a fictitious play of problems with the linear cost λKρ̄ₜ (`GridInteraction`).
    public var interaction: GridInteraction? = nil
    /// A linear cell cost that varies in time, q(x, t) per unit mass, added to λ_Q Q: nt levels of
    /// nx·ny cells, level k at t = (k + 1)Δt (the levels of the unknowns; nil: none). The
    /// fictitious play of `interaction` sets it to λKρ̄ₜ.
    public var timeLinear: [Double]? = nil

    public init(x1Lower: Double, x1Upper: Double, x2Lower: Double, x2Upper: Double,
                horizon: Double, alphaL: Double, initialDensity: [Double],
                obstacle: [Double]? = nil, lambdaQ: Double = 0, lambdaE: Double = 0,
                terminal: GridTerminalCost, congestion: GridCongestion? = nil, sigma: Double = 0,
                kineticWeightX2: Double? = nil, sigmaX2: Double? = nil) {
        self.kineticWeightX2 = kineticWeightX2
        self.sigmaX2 = sigmaX2
        self.x1Lower = x1Lower; self.x1Upper = x1Upper
        self.x2Lower = x2Lower; self.x2Upper = x2Upper
        self.horizon = horizon; self.alphaL = alphaL
        self.initialDensity = initialDensity
        self.obstacle = obstacle; self.lambdaQ = lambdaQ; self.lambdaE = lambdaE
        self.terminal = terminal
        self.congestion = congestion
        self.sigma = sigma
    }
}

extension GridProblem {
    /// The x₂ extent [0, 1] of a one-dimensional problem's grid.
    public static let oneDimensionalSpan: ClosedRange<Double> = 0...1

    /// A one-dimensional problem on [x1Lower, x1Upper]: fields sampled on nx cell centres
    /// (`GridProblem.sample(nx:x1:_:)`), solved with `GridSettings(nx:ny:nt:)` and ny = 1.
    ///
    /// It is the two-dimensional problem on [x1Lower, x1Upper] × [0, 1] whose data do not depend
    /// on x₂, discretised with a single cell along x₂, and the discrete scheme is then exactly
    /// the one-dimensional one: with ny = 1 there is no interior x₂ face, so the x₂ flux copies
    /// never enter the divergence A, their part of Aᵀφ is zero, and the proximal step keeps them
    /// at zero (it only scales a copy); the x₂ part of the Poisson operator H = θT_t + ¼(L_x₁ +
    /// L_x₂) is the 1 × 1 Neumann matrix, zero, with the trivial cosine basis [1]; the cell
    /// cost keeps the four x₁ copies of each cell, charged α_L c²/(8ρ) each, which is the
    /// centred staggered 1-D Benamou–Brenier cost α_L m²/(2ρ̄) per face and interval. A unit
    /// x₂ extent makes the cell "area" Δx₁, so masses, costs and ∫ρ log ρ are the 1-D ones.
    /// Tested: `oneDimensionalGridIsTheTwoDimensionalScheme` (the same J as a 2-D grid of a
    /// problem constant in x₂, to rounding).
    public init(x1Lower: Double, x1Upper: Double, horizon: Double, alphaL: Double,
                initialDensity: [Double], obstacle: [Double]? = nil, lambdaQ: Double = 0,
                lambdaE: Double = 0, terminal: GridTerminalCost, congestion: GridCongestion? = nil,
                sigma: Double = 0) {
        self.init(x1Lower: x1Lower, x1Upper: x1Upper, x2Lower: Self.oneDimensionalSpan.lowerBound,
                  x2Upper: Self.oneDimensionalSpan.upperBound, horizon: horizon, alphaL: alphaL,
                  initialDensity: initialDensity, obstacle: obstacle, lambdaQ: lambdaQ, lambdaE: lambdaE,
                  terminal: terminal, congestion: congestion, sigma: sigma)
    }
}

/// Discretisation and iteration settings of the reference solver.
public struct GridSettings: Sendable, Equatable {
    /// Cells along x₁ and x₂ (each ≥ 8, or ny = 1 for a one-dimensional problem, see
    /// `GridProblem.init(x1Lower:x1Upper:horizon:…)`) and time steps (≥ 4).
    public var nx: Int, ny: Int, nt: Int
    /// Upper bound on primal–dual iterations.
    public var maxIterations: Int
    /// Stop when both the constraint residual and the relative optimality residual are below
    /// this value (see `GridResiduals`).
    public var tolerance: Double
    /// Initial primal step τ of the primal–dual iteration; nil picks τ from the problem scale.
    public var primalStep: Double?
    /// Product τσ; must lie in (0, 1) (the preconditioned operator has norm 1). The dual step
    /// is σ = stepProduct / τ.
    public var stepProduct: Double
    /// Residual balancing of τ/σ (Goldstein, Li, Yuan, Esser, Baraniuk 2015) with geometrically
    /// decaying adaptation, which keeps the convergence guarantee of fixed-step PDHG.
    public var adaptiveSteps: Bool
    /// Residuals are evaluated (and the progress callback called) every this many iterations.
    public var checkEvery: Int
    /// Over-relaxation factor γ ∈ [1, 2): each iterate moves γ times the PDHG step
    /// (1 = plain PDHG).
    public var relaxation: Double
    /// Ratio θ = τ_ρ/τ_m of the primal steps of the densities and the fluxes; nil picks
    /// θ = Δt²(1/Δx₁² + 1/Δx₂²)/4 (θ = Δt²/(4Δx₁²) when ny = 1, where the x₂ part of L is
    /// zero), which gives the time and space parts of the preconditioner θD_tD_tᵀ + ¼L the
    /// same largest eigenvalue (see `SpaceTimePoisson`, `GridSolver`).
    public var densityStepRatio: Double?
    /// Threads for the cell-by-cell proximal step (time levels are split between them; each
    /// cell's result is independent of the split, so the solve is bit-identical for any count).
    public var proxThreads: Int

    public init(nx: Int, ny: Int, nt: Int, maxIterations: Int = 5000, tolerance: Double = 1e-4,
                primalStep: Double? = nil, stepProduct: Double = 0.99, adaptiveSteps: Bool = true,
                checkEvery: Int = 10, relaxation: Double = 1.9, proxThreads: Int = 1) {
        self.nx = nx; self.ny = ny; self.nt = nt
        self.maxIterations = maxIterations; self.tolerance = tolerance
        self.primalStep = primalStep; self.stepProduct = stepProduct
        self.adaptiveSteps = adaptiveSteps; self.checkEvery = checkEvery
        self.relaxation = relaxation
        self.proxThreads = max(1, proxThreads)
    }
}

/// Why a grid problem or its settings were rejected.
public enum GridError: Error, Equatable, CustomStringConvertible, Sendable {
    /// Fewer than 8 cells on a space axis (other than ny = 1, the one-dimensional case) or
    /// fewer than 4 time steps.
    case gridTooCoarse(nx: Int, ny: Int, nt: Int)
    /// An array sampled on the cells has the wrong length.
    case sizeMismatch(field: String, expected: Int, got: Int)
    /// A density has a negative or non-finite value, or no mass.
    case invalidDensity(field: String, reason: String)
    /// A scalar parameter is out of range (non-positive horizon or α_L, negative weight, ...).
    case invalidParameter(name: String, value: Double, requirement: String)
    /// Settings out of range (iterations, tolerance, step sizes).
    case invalidSettings(String)

    public var description: String {
        switch self {
        case let .gridTooCoarse(nx, ny, nt):
            return "grid \(nx)×\(ny)×\(nt) is too coarse: need at least 8 cells per space axis (ny = 1 for a one-dimensional problem) and 4 time steps"
        case let .sizeMismatch(field, expected, got):
            return "\(field): expected \(expected) values (one per cell), got \(got)"
        case let .invalidDensity(field, reason):
            return "\(field): \(reason)"
        case let .invalidParameter(name, value, requirement):
            return "\(name) = \(value): must be \(requirement)"
        case let .invalidSettings(what):
            return "invalid settings: \(what)"
        }
    }
}
