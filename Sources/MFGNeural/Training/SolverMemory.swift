import MFGMath
import MFGProblem

/// The memory a solve or an evaluation of a problem will need, estimated from its sizes before
/// anything is allocated, so that a problem that cannot fit is refused with the number and what to
/// lower instead of dying in the allocator. The parts follow what the solver actually allocates
/// (`TrajectoryScratch`, `PotentialWorkspace`, `Trainer`, `CharacteristicsObjective`); small
/// fixed costs (the program itself, BLAS buffers, the problem) are not counted.
public enum SolverMemory {
    /// A solve: every worker's scratch for the run's steps and for the 4× steps of the
    /// closing time-step check, the training batch (largest of the two stages) and the samples
    /// it is drawn from, the validation set (twice: the check's solver has its own), the
    /// per-block gradients of a batch, parameters and optimizer state, the history, the
    /// `storedPaths` agents' paths written into the final checkpoint, and the fields of a
    /// sample-coupled running term (`nonlocalPart`).
    public static func solve(_ problem: Problem, threads: Int, blockSize: Int? = nil, storedPaths: Int) -> MemoryEstimate {
        let tr = problem.training, d = Double(problem.dimension), s = scalarBytes(problem)
        let batch = max(tr.batchSize, tr.stage2?.batchSize ?? 0), validation = tr.validationSize
        let steps = problem.integrator.steps
        let network = NetworkLayout(problem, blockSize: blockSize)
        let workers = Double(min(threads, blockCount(max(batch, validation), network.blockSize)))
        let p = network.parameters
        let optimizer = tr.optimizer == .adam ? 2 * p * 8 : (2 * Double(tr.lbfgsMemory) + 6) * p * 8
        let iterations = Double(tr.iterations + (tr.stage2?.iterations ?? 0))
        let sizes = ["dimension", "network.width", "network.residual_layers", "integrator.steps"]
        return MemoryEstimate(what: "a solve of this problem", parts: [
            .init(name: "network workspaces", bytes: workers * network.scratch(steps: steps), lower: sizes),
            .init(name: "time-step check", bytes: workers * network.scratch(steps: 4 * steps) + d * Double(validation) * s,
                  lower: ["integrator.steps"] + sizes),
            .init(name: "batch", bytes: d * Double(batch) * (2 * s + 8), lower: ["training.batch_size", "dimension"]),
            .init(name: "validation set", bytes: d * Double(validation) * (s + 8), lower: ["training.validation_size", "dimension"]),
            .init(name: "per-block gradients", bytes: Double(blockCount(batch, network.blockSize)) * p * s,
                  lower: ["training.batch_size", "network.width"]),
            .init(name: "parameters and optimizer", bytes: p * (4 * 8 + 4 * s) + optimizer,
                  lower: ["network.width", "training.lbfgs_memory", "dimension"]),
            .init(name: "history", bytes: iterations * 10 * 8, lower: ["training.iterations"]),
            .init(name: "stored paths", bytes: Double(steps + 1) * d * Double(storedPaths) * (s + 24), lower: ["--paths"]),
            nonlocalPart(problem, evaluations: [(batch, steps, true, "training.batch_size"),
                                                   (validation, steps, false, "training.validation_size"),
                                                   (validation, 4 * steps, false, "training.validation_size")]),
        ])
    }

    /// The sample-coupled terms' memory (`NonlocalCost`, e.g. the pairwise interaction): for one
    /// evaluation on n samples with `steps` steps, the per-node fields over the whole batch
    /// (`NonlocalFields`: points, residuals, each term's fᵢ and vᵢ, the pullback with a gradient),
    /// the global phase's Double buffers (points and pullback, d·n each; f, v, the two seeds, the
    /// cost and penalty weights, n each; the residual, n in the problem's precision), the largest
    /// term's own working memory for one call (`scratchBytes`), and the per-sample influence of
    /// `sampleCosts` (n). The fields live for one evaluation, and evaluations run one after the
    /// other, so a solve needs the largest of its evaluations (`evaluations`: samples, steps,
    /// gradient, the setting that sizes them), not their sum. 0 without such terms.
    static func nonlocalPart(_ problem: Problem, evaluations: [(samples: Int, steps: Int, gradient: Bool, setting: String)])
        -> MemoryEstimate.Part {
        let terms = problem.nonlocalRunningCosts
        guard !terms.isEmpty else { return .init(name: "nonlocal term fields", bytes: 0, lower: []) }
        let d = problem.dimension, stages = TimeStepper(problem.integrator.scheme).stages
        func bytes(_ n: Int, _ steps: Int, _ gradient: Bool) -> Double {
            let slots = steps * stages
            let fields = problem.training.precision == .float32
                ? NonlocalFields<Float>.byteCount(n: n, d: d, slots: slots, terms: terms.count, gradient: gradient)
                : NonlocalFields<Double>.byteCount(n: n, d: d, slots: slots, terms: terms.count, gradient: gradient)
            let global = Double(2 * d * n + 7 * n) * 8 + Double(n) * scalarBytes(problem)
            let scratch = terms.map { $0.scratchBytes(count: n, gradient: gradient) }.max() ?? 0
            return fields + global + scratch
        }
        let sized = evaluations.map { (bytes($0.samples, $0.steps, $0.gradient), $0.setting) }
        let largest = sized.max { $0.0 < $1.0 }!
        var lower = [largest.1]
        for s in ["training.batch_size", "training.validation_size", "integrator.steps"] where !lower.contains(s) { lower.append(s) }
        return .init(name: "nonlocal term fields", bytes: largest.0, lower: lower)
    }

    /// An evaluation on `samples` fresh samples (their costs, end points and, with `paths`, their
    /// characteristics at every step), with each worker's scratch. `flag` names the command-line
    /// option that sets `samples` (for what to lower).
    public static func evaluation(_ problem: Problem, threads: Int, samples: Int, paths: Bool, flag: String) -> MemoryEstimate {
        let d = Double(problem.dimension), s = scalarBytes(problem), n = Double(samples)
        let network = NetworkLayout(problem, blockSize: nil)
        let workers = Double(min(threads, blockCount(samples, network.blockSize)))
        let steps = problem.integrator.steps
        return MemoryEstimate(what: "this evaluation", parts: [
            .init(name: "network workspaces", bytes: workers * network.scratch(steps: steps),
                  lower: ["--steps", "--threads"]),
            .init(name: "samples", bytes: d * n * (3 * s + 32), lower: [flag]),
            .init(name: "paths", bytes: paths ? Double(steps + 1) * (d + 1) * n * (s + 16) : 0, lower: [flag, "--steps"]),
            .init(name: "parameters", bytes: network.parameters * 8 * 4, lower: []),
            nonlocalPart(problem, evaluations: [(samples, steps, false, flag)]),
        ])
    }

    /// Bytes of one sample value in the problem's precision.
    private static func scalarBytes(_ problem: Problem) -> Double { problem.training.precision == .float32 ? 4 : 8 }

    private static func blockCount(_ n: Int, _ blockSize: Int) -> Int { (n + blockSize - 1) / max(1, blockSize) }

    /// The network of a problem as the solver will size it.
    private struct NetworkLayout {
        let shape: NetworkShape?
        let blockSize: Int
        let parameters: Double
        let precision: TrainingSettings.Precision
        let stages: Int

        init(_ problem: Problem, blockSize: Int?) {
            shape = try? NetworkShape(problem: problem)
            precision = problem.training.precision
            stages = TimeStepper(problem.integrator.scheme).stages
            if let shape {
                self.blockSize = blockSize ?? (precision == .float32 ? CharacteristicsObjective<Float>.suggestedBlockSize(shape)
                                                                     : CharacteristicsObjective<Double>.suggestedBlockSize(shape))
                parameters = Double(ParameterLayout(shape).count)
            } else {
                self.blockSize = blockSize ?? 32
                parameters = 0
            }
        }

        /// One worker's `TrajectoryScratch` for `steps` steps.
        func scratch(steps: Int) -> Double {
            guard let shape else { return 0 }
            switch precision {
            case .float32: return TrajectoryScratch<Float>.byteCount(shape: shape, capacity: blockSize, steps: steps, stages: stages)
            case .float64: return TrajectoryScratch<Double>.byteCount(shape: shape, capacity: blockSize, steps: steps, stages: stages)
            }
        }
    }
}

/// An estimate of the memory something will need, by part.
public struct MemoryEstimate: Sendable, Equatable {
    public struct Part: Sendable, Equatable {
        public let name: String
        public let bytes: Double
        /// The settings that size this part, the most effective first: what to lower.
        public let lower: [String]

        public init(name: String, bytes: Double, lower: [String]) {
            self.name = name; self.bytes = bytes; self.lower = lower
        }
    }

    /// "a solve of this problem", "this evaluation".
    public let what: String
    public let parts: [Part]

    public init(what: String, parts: [Part]) {
        self.what = what
        self.parts = parts
    }

    public var bytes: Double { parts.reduce(0) { $0 + $1.bytes } }

    /// Throws when the estimate exceeds `limit` (by default what this process may use now);
    /// `file` is the input the sizes come from, for the message.
    public func check(file: String, against limit: MemoryLimit = .current) throws(MemoryLimitError) {
        guard bytes <= limit.bytes else { throw MemoryLimitError(file: file, estimate: self, limit: limit) }
    }
}

/// A problem (or a command's flags) that needs more memory than this process may use.
///
/// `description` is one line naming the file, the setting to lower first (that of the largest
/// part), the estimate, its three largest parts and the limit, e.g.
///
///     problems/x.yaml: training.validation_size: a solve of this problem needs about 37.3 GiB (validation set 29.8 GiB, batch 7.45 GiB, network workspaces 12 MiB), more than the 23.5 GiB this process may use (physical memory); lower training.validation_size, dimension or training.batch_size
public struct MemoryLimitError: Error, Equatable, Sendable, CustomStringConvertible {
    public let file: String
    public let estimate: MemoryEstimate
    public let limit: MemoryLimit

    /// The parts of the estimate, largest first.
    public var largestParts: [MemoryEstimate.Part] { estimate.parts.filter { $0.bytes > 0 }.sorted { $0.bytes > $1.bytes } }

    /// The settings to lower, from the largest parts (at most three, without repeats).
    public var lower: [String] {
        var out: [String] = []
        for part in largestParts { for f in part.lower where !out.contains(f) { out.append(f) } }
        return Array(out.prefix(3))
    }

    /// The setting named first (the largest part's).
    public var field: String { lower.first ?? "" }

    public var description: String {
        let parts = largestParts.prefix(3).map { "\($0.name) \(MemoryLimit.format($0.bytes))" }.joined(separator: ", ")
        let list = lower.count <= 1 ? lower.joined() : lower.dropLast().joined(separator: ", ") + " or " + lower.last!
        return "\(file): " + (field.isEmpty ? "" : "\(field): ")
            + "\(estimate.what) needs about \(MemoryLimit.format(estimate.bytes)) (\(parts)), more than the "
            + "\(MemoryLimit.format(limit.bytes)) this process may use (\(limit.source)); lower \(list)"
    }
}
