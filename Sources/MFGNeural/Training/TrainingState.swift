/// The record of a run: per-iteration training terms and periodic validation terms.
public struct TrainingHistory: Equatable, Sendable {
    /// Iteration numbers (1-based) of the training records.
    public var iterations: [Int] = []
    /// Training terms per iteration, by name (see `ObjectiveTerms.named`).
    public var training: [String: [Double]] = [:]
    /// Iterations at which the validation set was evaluated.
    public var validationIterations: [Int] = []
    /// Validation terms at those iterations, by name.
    public var validation: [String: [Double]] = [:]
    /// Seconds since the start of the run at each training record.
    public var seconds: [Double] = []

    public init() {}

    /// Records every series of `ObjectiveTerms.namedWithTerms`. A series the history does not
    /// hold yet is started only in an empty history, so every series has one value per record
    /// (a run resumed from a checkpoint written before the per-term series keeps the six totals).
    mutating func record(iteration: Int, terms: ObjectiveTerms, seconds s: Double) {
        let fresh = iterations.isEmpty
        iterations.append(iteration)
        seconds.append(s)
        for (name, v) in terms.namedWithTerms where fresh || training[name] != nil { training[name, default: []].append(v) }
    }

    mutating func recordValidation(iteration: Int, terms: ObjectiveTerms) {
        let fresh = validationIterations.isEmpty
        validationIterations.append(iteration)
        for (name, v) in terms.namedWithTerms where fresh || validation[name] != nil { validation[name, default: []].append(v) }
    }
}

/// Everything needed to resume a run exactly, in Double whatever the training precision.
///
/// The training samples are not stored: batch e (e = ⌊iteration / resample_every⌋) is drawn
/// from a generator seeded by (seed, e, batch size), and the validation set from (seed,
/// "validation"), so the sampler's whole state is the seed and the iteration.
public struct TrainingState: Equatable, Sendable {
    /// Completed iterations.
    public var iteration: Int
    public var parameters: [Double]
    public var bestIteration: Int
    public var bestValidation: Double
    public var bestParameters: [Double]
    public var optimizer: OptimizerState
    public var history: TrainingHistory
    /// Wall time spent training so far, over all sessions of the run.
    public var wallSeconds: Double
    /// The training objective at the first iteration (the divergence guard compares with it).
    public var initialObjective: Double?

    public init(iteration: Int, parameters: [Double], bestIteration: Int, bestValidation: Double,
                bestParameters: [Double], optimizer: OptimizerState, history: TrainingHistory,
                wallSeconds: Double, initialObjective: Double?) {
        self.iteration = iteration; self.parameters = parameters; self.bestIteration = bestIteration
        self.bestValidation = bestValidation; self.bestParameters = bestParameters
        self.optimizer = optimizer; self.history = history; self.wallSeconds = wallSeconds
        self.initialObjective = initialObjective
    }
}

/// What the trainer reports after each iteration.
public struct TrainingProgress: Sendable {
    public let iteration: Int
    public let totalIterations: Int
    public let training: ObjectiveTerms
    /// Validation terms when this iteration evaluated the validation set.
    public let validation: ObjectiveTerms?
    public let iterationsPerSecond: Double
    public let secondsLeft: Double
    /// 1 or 2 (the multilevel second stage).
    public let stage: Int
    public let batchSize: Int

    public init(iteration: Int, totalIterations: Int, training: ObjectiveTerms, validation: ObjectiveTerms?,
                iterationsPerSecond: Double, secondsLeft: Double, stage: Int, batchSize: Int) {
        self.iteration = iteration; self.totalIterations = totalIterations; self.training = training
        self.validation = validation; self.iterationsPerSecond = iterationsPerSecond
        self.secondsLeft = secondsLeft; self.stage = stage; self.batchSize = batchSize
    }
}

/// The observer's answer: go on, or stop after this iteration (e.g. on Ctrl-C).
public enum TrainingControl: Sendable { case proceed, stop }
