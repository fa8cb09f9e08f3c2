/// How the network is trained.
public struct TrainingSettings: Sendable, Equatable {
    public enum Optimizer: String, Sendable, Equatable, CaseIterable {
        case adam
        case lbfgs
    }

    /// How batches of ρ₀ are drawn (see `Density.sampleMomentMatched`).
    public enum Sampling: String, Sendable, Equatable, CaseIterable {
        /// Independent draws.
        case iid
        /// Independent draws, then each mixture component's block is whitened so that the batch
        /// has exactly the component's mean and covariance.
        case momentMatched = "moment_matched"
        /// Training batches drawn from a proposal q that covers ρ₀ and samples its low-density
        /// regions more often, each sample weighted by ρ₀/q (`ImportanceSampling`); the
        /// validation set stays independent draws from ρ₀.
        case importance
    }

    /// Importance sampling of ρ₀ in training (`sampling: importance`): the defensive mixture
    /// q = (1 − ε)ρ₀ + ε N(m, c² diag v) per factor of ρ₀ (per block of a product density, else
    /// over all of x), m and v the factor's mean and marginal variances, ε = `mix`, c = `widen`.
    /// Because q ≥ (1 − ε)ρ₀, q covers ρ₀'s support and each factor's weight ρ₀/q is at most
    /// 1/(1 − ε) (a product of F factors: at most (1 − ε)^−F).
    public struct ImportanceSampling: Sendable, Equatable {
        /// Whether the HJB penalties are weighted too, or averaged over the proposal's samples.
        public enum Penalties: String, Sendable, Equatable, CaseIterable {
            /// The penalties estimate E_ρ₀ of the residuals, like the costs.
            case weighted
            /// The penalties are plain averages over the samples from q: the residual is then
            /// penalised in q's measure, which puts more weight where ρ₀ is small.
            case unweighted
        }
        /// ε, the share of the wide component.
        public let mix: Double
        /// c, the wide component's standard deviations over the factor's own.
        public let widen: Double
        public let penalties: Penalties

        /// The allowed ranges: 0 < ε < 1 (ε = 1 would drop ρ₀ from q, which then need not cover
        /// it, and the weights lose their bound); 1 ≤ c ≤ 10.
        public static let mixRange: ClosedRange<Double> = 0.001...0.9
        public static let widenRange: ClosedRange<Double> = 1...10

        public init(mix: Double, widen: Double, penalties: Penalties) {
            self.mix = mix; self.widen = widen; self.penalties = penalties
        }

        public static let defaults = ImportanceSampling(mix: 0.2, widen: 1, penalties: .weighted)
    }

    public enum Precision: String, Sendable, Equatable, CaseIterable {
        case float32
        case float64
    }

    /// Learning-rate schedule.
    public enum Schedule: Sendable, Equatable {
        /// The learning rate stays fixed.
        case constant
        /// The learning rate is multiplied by `factor` every `every` iterations.
        case stepDecay(factor: Double, every: Int)
    }

    /// Which parameters a stage trains.
    public enum Trained: String, Sendable, Equatable, CaseIterable {
        /// Every parameter.
        case all
        /// Only the time-varying quadratic part (S₀…S_p, v₀…v_p and, with `network.time_term`,
        /// c_time); the ResNet, AᵀA, c, b and the separable units keep their values. With
        /// moment-matched batches the quadratic part's share of the batch objective depends on
        /// the batch only through its mean and covariance, which are ρ₀'s exactly, so such a
        /// stage cannot fit sampling noise, whatever the penalty weights.
        case quadratic
        /// The quadratic part and the ResNet's output weights w (m numbers): the stage can also
        /// scale down what the first stage left in the ResNet, which a quadratic-only stage must
        /// work around. The moment argument above then no longer holds exactly, but the extra
        /// fitting capacity is m numbers against thousands of samples.
        case quadraticAndOutput = "quadratic_and_output"

        /// Whether the stage trains the quadratic part only (with or without w), which needs one.
        public var needsQuadratic: Bool { self != .all }
    }

    /// The paper's multilevel second stage: continue training with other settings.
    public struct Stage: Sendable, Equatable {
        public let iterations: Int
        public let batchSize: Int
        public let learningRate: Double
        /// The parameters this stage trains (default all).
        public let trains: Trained
        public init(iterations: Int, batchSize: Int, learningRate: Double, trains: Trained = .all) {
            self.iterations = iterations
            self.batchSize = batchSize
            self.learningRate = learningRate
            self.trains = trains
        }
    }

    /// Where training starts (`training.start`).
    public enum Start: Sendable, Equatable {
        /// The network as initialised from `seed` (random ResNet weights, the optional
        /// quadratic and separable parts zero).
        case random
        /// The network fitted to a coarse grid solution of the same problem (`GridStartSettings`).
        case grid(GridStartSettings)
    }

    public let optimizer: Optimizer
    public let iterations: Int
    /// Number of samples of ρ₀ per batch.
    public let batchSize: Int
    /// A fresh batch is drawn every `resampleEvery` iterations (1 = every iteration).
    public let resampleEvery: Int
    public let learningRate: Double
    public let schedule: Schedule
    /// Number of samples of the fixed validation set.
    public let validationSize: Int
    public let seed: UInt64
    public let precision: Precision
    /// Write a checkpoint every this many iterations (0 = only at the end).
    public let checkpointEvery: Int
    /// Log every this many iterations: report progress, evaluate the validation set and keep the
    /// iterate as the best if it is; also the first and the last iteration. 0: only the last
    /// (`logs(iteration:of:)`).
    public let logEvery: Int
    /// Number of (s, y) pairs L-BFGS keeps.
    public let lbfgsMemory: Int
    /// Optional second stage (finer batch, smaller step).
    public let stage2: Stage?
    /// How training batches and the validation set are drawn.
    public let sampling: Sampling
    /// Where training starts.
    public let start: Start
    /// The proposal when `sampling` is `.importance` (nil otherwise).
    public let importance: ImportanceSampling?

    public init(optimizer: Optimizer, iterations: Int, batchSize: Int, resampleEvery: Int,
                learningRate: Double, schedule: Schedule, validationSize: Int, seed: UInt64,
                precision: Precision, checkpointEvery: Int, logEvery: Int, lbfgsMemory: Int,
                stage2: Stage?, sampling: Sampling = .iid, start: Start = .random,
                importance: ImportanceSampling? = nil) {
        self.optimizer = optimizer
        self.iterations = iterations
        self.batchSize = batchSize
        self.resampleEvery = resampleEvery
        self.learningRate = learningRate
        self.schedule = schedule
        self.validationSize = validationSize
        self.seed = seed
        self.precision = precision
        self.checkpointEvery = checkpointEvery
        self.logEvery = logEvery
        self.lbfgsMemory = lbfgsMemory
        self.stage2 = stage2
        self.sampling = sampling
        self.start = start
        self.importance = sampling == .importance ? (importance ?? .defaults) : nil
    }

    /// Whether (1-based) iteration `i` of a run of `total` iterations is logged (`logEvery`): every
    /// `logEvery`-th, the first and the last; with `logEvery` 0 the last only. The trainer evaluates
    /// the validation set (and so may take a new best iterate) exactly at these iterations.
    public func logs(iteration i: Int, of total: Int) -> Bool {
        if i == total { return true }
        guard logEvery > 0 else { return false }
        return i == 1 || i % logEvery == 0
    }

    /// The learning rate in force at (0-based) iteration k of the first stage.
    public func learningRate(atIteration k: Int) -> Double {
        switch schedule {
        case .constant: return learningRate
        case .stepDecay(let factor, let every):
            var rate = learningRate
            for _ in 0..<(k / every) { rate *= factor }
            return rate
        }
    }

    public static let defaults = TrainingSettings(
        optimizer: .adam, iterations: 1000, batchSize: 1024, resampleEvery: 1, learningRate: 0.01,
        schedule: .constant, validationSize: 4096, seed: 1, precision: .float64,
        checkpointEvery: 0, logEvery: 50, lbfgsMemory: 10, stage2: nil)
}

/// A start from a grid solution (`training.start: grid`): the problem is solved on space-time
/// grids coarser than its reference (the file's `reference` grids, or the automatic ones of a
/// block-separable problem, each halved `coarsen` times), to a loose `tolerance`; the network is
/// then fitted by least squares to that solution's ∇ₓΦ and Φ (and, with `fitLaplacianWeight`
/// > 0, the diagonal of its spatial Hessian) at points drawn from its densities (docs/validation.md, "Leaving the
/// rigid-translation minimum"), and training starts there.
public struct GridStartSettings: Sendable, Equatable {
    /// Times the reference grid is halved in every axis and in time (0: the reference grid itself).
    public var coarsen: Int
    /// Stopping tolerance of the grid solve (both residuals).
    public var tolerance: Double
    /// Iteration limit of the grid solve.
    public var maxIterations: Int
    /// L-BFGS iterations of the least-squares fit.
    public var fitIterations: Int
    /// Points drawn from the grid densities for the fit (spread evenly over the time levels).
    public var fitPoints: Int
    /// The grid of the two-coordinate blocks (the whole problem when d = 2) instead of a
    /// halving of the reference's; one-coordinate blocks then keep their reference grids.
    public var grid: ReferenceSettings.Grid?
    /// Weight β of the fit's curvature term (`PotentialFit`): in d = 1 β(1/n)Σ(ΔₓΦ − Lₛ)², in
    /// d > 1 an estimate of β(1/n)ΣₛΣᵢ(∂ᵢᵢΦ − Hₛᵢ)² from a few coordinates per block of points;
    /// 0 leaves it out.
    public var fitLaplacianWeight: Double
    /// Whether the network is fitted as a whole or one block at a time (`fit_by`).
    public var fitBy: FitScope
    /// Fits from this many draws of the network's parameters (`fit_restarts`); the start of the
    /// lowest training objective on the validation set is kept. The first draw is the seed's
    /// usual one, so 1 changes nothing.
    public var fitRestarts: Int
    /// With `fit_by: block`, iterations of training each distinct block alone (`block_iterations`):
    /// the block's own one-coordinate game, solved by the run's optimizer, batch, integrator and
    /// penalties from its kept fit, before the copy; 0 copies the fit itself.
    public var blockIterations: Int

    /// How the fit treats a block-separable problem's copies of a block.
    public enum FitScope: String, CaseIterable, Sendable {
        /// One least-squares fit of the whole d-dimensional network.
        case joint
        /// Each distinct one-coordinate block fitted once on a one-coordinate network and
        /// copied into its coordinates (every block must have one coordinate).
        case block
    }

    public init(coarsen: Int = 1, tolerance: Double = 1e-4, maxIterations: Int = 20000,
                fitIterations: Int = 1500, fitPoints: Int = 8192, grid: ReferenceSettings.Grid? = nil,
                fitLaplacianWeight: Double = 0, fitBy: FitScope = .joint, fitRestarts: Int = 1, blockIterations: Int = 0) {
        self.coarsen = coarsen; self.tolerance = tolerance; self.maxIterations = maxIterations
        self.fitIterations = fitIterations; self.fitPoints = fitPoints; self.grid = grid
        self.fitLaplacianWeight = fitLaplacianWeight; self.fitBy = fitBy; self.fitRestarts = fitRestarts
        self.blockIterations = blockIterations
    }

    public static let defaults = GridStartSettings()
    /// Allowed ranges (the problem reader's checks).
    public static let coarsenRange = 0...4
    public static let fitIterationsRange = 0...100_000
    public static let fitPointsRange = 16...1_000_000
    public static let maxIterationsRange = 1...10_000_000
    public static let fitLaplacianWeightRange = 0.0...1000.0
    public static let fitRestartsRange = 1...64
    public static let blockIterationsRange = 0...100_000
}
