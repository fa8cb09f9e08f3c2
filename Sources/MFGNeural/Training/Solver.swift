import MFGMath
import MFGProblem

/// The neural solver of one problem, in the precision its file asks for. This non-generic
/// façade is what the command line uses; inside, a `Trainer<Float>` or `Trainer<Double>` does
/// the work (so every kernel is specialised within this module).
public final class Solver {
    public let problem: Problem
    /// Concrete cases rather than an existential: calls through a protocol of a generic class
    /// run its unspecialised generic code (measured 30× slower); a switch keeps them concrete.
    private enum Core {
        case float32(Trainer<Float>)
        case float64(Trainer<Double>)
    }
    private let core: Core
    private let threads: Int
    private let blockSize: Int?

    /// A solver starting fresh (network initialised from the problem's seed, or from
    /// `initialParameters`: a start fitted to a grid solution, module MFGStart) or resuming.
    /// `blockSize` nil picks one from the network shape and precision
    /// (`CharacteristicsObjective.suggestedBlockSize`).
    /// `frozen` ranges of θ (in the layout of the problem's network) are held at their starting
    /// values throughout.
    public init(problem: Problem, threads: Int = 2, blockSize: Int? = nil,
                resume: TrainingState? = nil, initialParameters: [Double]? = nil,
                frozen: [Range<Int>] = []) throws(TrainingError) {
        self.problem = problem
        self.threads = threads
        self.blockSize = blockSize
        switch problem.training.precision {
        case .float32: core = .float32(try Trainer<Float>(problem: problem, threads: threads, blockSize: blockSize, resume: resume,
                                                              initialParameters: initialParameters, frozen: frozen))
        case .float64: core = .float64(try Trainer<Double>(problem: problem, threads: threads, blockSize: blockSize, resume: resume,
                                                                initialParameters: initialParameters, frozen: frozen))
        }
    }

    public var state: TrainingState {
        switch core { case .float32(let t): return t.state; case .float64(let t): return t.state }
    }
    public var shape: NetworkShape {
        switch core { case .float32(let t): return t.shape; case .float64(let t): return t.shape }
    }
    public var totalIterations: Int {
        switch core { case .float32(let t): return t.totalIterations; case .float64(let t): return t.totalIterations }
    }

    /// Trains until the schedule ends or `observer` answers `.stop`. The observer sees every
    /// iteration and may read `state` (for checkpoints).
    public func train(observer: (TrainingProgress) -> TrainingControl) throws(TrainingError) {
        try require(SolverMemory.solve(problem, threads: threads, blockSize: blockSize, storedPaths: 0))
        switch core { case .float32(let t): try t.train(observer); case .float64(let t): try t.train(observer) }
    }

    /// Objective terms of the given parameters on `samples` fresh samples from ρ₀ (seeded).
    public func terms(parameters: [Double], samples: Int, seed: UInt64) throws(TrainingError) -> ObjectiveTerms {
        try requireEvaluation(samples: samples, paths: false)
        switch core {
        case .float32(let t): return try t.terms(parameters, samples, seed)
        case .float64(let t): return try t.terms(parameters, samples, seed)
        }
    }

    /// Per-sample costs of the given parameters on the run's own validation set (its `terms` are
    /// `validationTerms`'s).
    public func validationCosts(parameters: [Double]) throws(TrainingError) -> SampleCosts {
        try requireEvaluation(samples: problem.training.validationSize, paths: false)
        switch core {
        case .float32(let t): return try t.validationCosts(parameters)
        case .float64(let t): return try t.validationCosts(parameters)
        }
    }

    /// Objective terms of the given parameters on the run's own validation set.
    public func validationTerms(parameters: [Double]) throws(TrainingError) -> ObjectiveTerms {
        switch core {
        case .float32(let t): return try t.validationTerms(parameters)
        case .float64(let t): return try t.validationTerms(parameters)
        }
    }

    /// Characteristics from `count` seeded samples: x₀, and z(tₙ), ℓ(tₙ) for n = 0…steps.
    public func paths(parameters: [Double], count: Int, seed: UInt64) throws(TrainingError) -> SolverPaths {
        try requireEvaluation(samples: count, paths: true)
        switch core {
        case .float32(let t): return try t.paths(parameters, count, seed)
        case .float64(let t): return try t.paths(parameters, count, seed)
        }
    }

    /// One integration from `count` seeded samples (the same x₀ as `paths` and `terms` with that
    /// seed): the objective terms, and each sample's costs and end point.
    public func sampleCosts(parameters: [Double], count: Int, seed: UInt64) throws(TrainingError) -> SampleCosts {
        try requireEvaluation(samples: count, paths: false)
        switch core {
        case .float32(let t): return try t.sampleCosts(parameters, count, seed)
        case .float64(let t): return try t.sampleCosts(parameters, count, seed)
        }
    }

    /// Refuses (before allocating) work whose estimate exceeds what this process may use.
    private func require(_ estimate: MemoryEstimate) throws(TrainingError) {
        do { try estimate.check(file: problem.file) } catch { throw .insufficientMemory(error) }
    }

    private func requireEvaluation(samples: Int, paths: Bool) throws(TrainingError) {
        try require(SolverMemory.evaluation(problem, threads: threads, samples: samples, paths: paths, flag: "samples"))
    }

    /// Φ, ∇ₛΦ and ΔₓΦ at the columns (x, t) of `points` ((d+1) × n).
    public func potential(parameters: [Double], points: Matrix<Double>) throws(TrainingError) -> PotentialValues<Double> {
        switch core {
        case .float32(let t): return try t.potential(parameters, points)
        case .float64(let t): return try t.potential(parameters, points)
        }
    }
}

/// Paths of the characteristics: `z[n]` is d × count (column-major) at tₙ = nT/steps.
public struct SolverPaths: Sendable {
    public var times: [Double]
    public var z: [[Double]]
    public var ell: [[Double]]
    public var logRho0: [Double]

    public init(times: [Double], z: [[Double]], ell: [[Double]], logRho0: [Double]) {
        self.times = times; self.z = z; self.ell = ell; self.logRho0 = logRho0
    }
}

/// Per-sample costs of a solution: what each agent, starting at its x₀, pays, and where it ends.
public struct SampleCosts: Sendable {
    /// The objective terms (averages, with the HJB residuals), as `Solver.terms` gives them.
    public var terms: ObjectiveTerms
    /// Initial points, d × n (column-major).
    public var x0: [Double]
    /// End points z(T), d × n.
    public var terminalPoints: [Double]
    /// ∫|∇ₓΦ|²/(2α_L) dt along each characteristic (the scheme's quadrature).
    public var kinetic: [Double]
    /// ∫(λ_Q Q + λ_E log ρ) dt along each characteristic (zero without a running cost).
    public var interaction: [Double]
    /// G per sample: λ_G(log ρ(z_T, T) − log ρ₁(z_T)) for a KL terminal cost, λ_G g(z_T) for a preference.
    public var terminal: [Double]
    /// The terminal mismatch Φ(z_T, T) − δG/δρ(z_T) per sample, signed (empty when not computed).
    public var terminalMismatch: [Double]
    /// Per sample, the first-order influence on F's estimate (`CharacteristicsObjective.sampleCosts`):
    /// `interaction` with a sample-coupled term's ∫λfᵢ dt replaced by ∫λvᵢ dt. Equal to
    /// `interaction` without such terms. For standard errors only (its mean is not F).
    public var interactionInfluence: [Double]

    public init(terms: ObjectiveTerms = ObjectiveTerms(), x0: [Double], terminalPoints: [Double] = [],
                kinetic: [Double], interaction: [Double]? = nil, terminal: [Double], terminalMismatch: [Double] = [],
                interactionInfluence: [Double]? = nil) {
        self.terms = terms; self.x0 = x0; self.terminalPoints = terminalPoints
        self.kinetic = kinetic; self.terminal = terminal; self.terminalMismatch = terminalMismatch
        self.interaction = interaction ?? [Double](repeating: 0, count: kinetic.count)
        self.interactionInfluence = interactionInfluence ?? self.interaction
    }

    /// Standard errors of the estimates of L, F, G and J = L + F + G: the sample standard
    /// deviation over √n of the per-sample values, which for L, G and the local running terms are
    /// independent draws. A sample-coupled term (the pairwise interaction) is a U-statistic whose
    /// per-sample values share their pairs; its first-order variance is the variance of each
    /// sample's influence (Hoeffding: 4σ₁²/n for a degree-2 U-statistic, twice the standard error
    /// its per-sample values would give), so F and J use `interactionInfluence` (docs/validation.md,
    /// "The interaction's standard error").
    public var standardErrors: (kinetic: Double, interaction: Double, terminal: Double, cost: Double) {
        func se(_ x: [Double]) -> Double { PairedEstimate.meanAndStandardError(x).1 }
        let total = (0..<kinetic.count).map { kinetic[$0] + interactionInfluence[$0] + terminal[$0] }
        return (se(kinetic), se(interactionInfluence), se(terminal), se(total))
    }
}

/// The solver's services, per precision.
extension Trainer {

    func train(_ observer: (TrainingProgress) -> TrainingControl) throws(TrainingError) {
        try run { progress, _ in observer(progress) }
    }

    private func networkWith(_ parameters: [Double]) throws(TrainingError) -> PotentialNetwork<T> {
        do { return try PotentialNetwork(shape: shape, parameters: parameters.map { T($0) }) }
        catch { throw .network(error) }
    }

    func terms(_ parameters: [Double], _ samples: Int, _ seed: UInt64) throws(TrainingError) -> ObjectiveTerms {
        let net = try networkWith(parameters)
        let s = try self.samples(count: samples, seed: seed)
        return try evaluate(net, s, gradient: false).terms
    }

    func validationTerms(_ parameters: [Double]) throws(TrainingError) -> ObjectiveTerms {
        try validationTerms(try networkWith(parameters))
    }

    func paths(_ parameters: [Double], _ count: Int, _ seed: UInt64) throws(TrainingError) -> SolverPaths {
        let net = try networkWith(parameters)
        let s = try self.samples(count: count, seed: seed)
        do {
            let p = try objective.paths(net, x0: s.x0, logRho0: s.logRho0, noiseKey: s.noiseKey)
            let steps = objective.steps
            return SolverPaths(times: (0...steps).map { Double($0) * problem.horizon / Double(steps) },
                               z: p.z.map { $0.map { Double($0) } }, ell: p.ell.map { $0.map { Double($0) } },
                               logRho0: s.logRho0.map { Double($0) })
        } catch { throw .network(error) }
    }

    func sampleCosts(_ parameters: [Double], _ count: Int, _ seed: UInt64) throws(TrainingError) -> SampleCosts {
        try sampleCosts(try networkWith(parameters), try self.samples(count: count, seed: seed))
    }

    func validationCosts(_ parameters: [Double]) throws(TrainingError) -> SampleCosts {
        try sampleCosts(try networkWith(parameters), try validation())
    }

    private func sampleCosts(_ net: PotentialNetwork<T>, _ s: Samples) throws(TrainingError) -> SampleCosts {
        do {
            let c = try objective.sampleCosts(net, x0: s.x0, logRho0: s.logRho0, noiseKey: s.noiseKey)
            return SampleCosts(terms: c.terms, x0: s.x0.map { Double($0) }, terminalPoints: c.terminalPoints.map { Double($0) },
                               kinetic: c.kinetic, interaction: c.interaction, terminal: c.terminal,
                               terminalMismatch: c.terminalMismatch, interactionInfluence: c.interactionInfluence)
        } catch { throw .network(error) }
    }

    func potential(_ parameters: [Double], _ points: Matrix<Double>) throws(TrainingError) -> PotentialValues<Double> {
        let net = try networkWith(parameters)
        do {
            let p = try Matrix<T>(rows: points.rows, cols: points.cols, storage: points.storage.map { T($0) })
            let v = try net.evaluate(p)
            return PotentialValues(phi: v.phi.map { Double($0) },
                                   gradient: try Matrix(rows: v.gradient.rows, cols: v.gradient.cols,
                                                        storage: v.gradient.storage.map { Double($0) }),
                                   laplacian: v.laplacian.map { Double($0) })
        } catch let e as NetworkError { throw .network(e) }
        catch { throw .network(.invalidShape("\(error)")) }
    }
}
