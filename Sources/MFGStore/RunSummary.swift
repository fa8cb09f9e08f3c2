import Foundation
import MFGNeural

/// The content of `summary.json`: what a finished run ended with, for scripts that compare runs.
///
/// Everything is taken from the final checkpoint (`init?(checkpoint:)`), which stays the source
/// of truth. Keys are snake_case; `validation` holds the final validation terms of the best
/// parameters (`ObjectiveTerms`) with the running and terminal costs term by term.
public struct RunSummary: Codable, Equatable, Sendable {
    /// The final validation terms (weights included; the penalties unweighted, as in the checkpoint).
    public struct Terms: Codable, Equatable, Sendable {
        /// The training objective L + F + G + β_HJB·hjb + β_T·terminal_hjb.
        public var total: Double
        /// J = L + F + G.
        public var cost: Double
        public var kinetic: Double
        public var interaction: Double
        public var terminal: Double
        public var hjb: Double
        public var terminalHJB: Double
        /// F term by term (`obstacle`, `entropy`, `preference`, …); sums to `interaction`.
        public var runningByTerm: [String: Double]
        /// G term by term (`kl`, `preference`, …); sums to `terminal`.
        public var terminalByTerm: [String: Double]

        public init(_ t: ObjectiveTerms) {
            total = t.total; cost = t.cost; kinetic = t.kinetic; interaction = t.interaction
            terminal = t.terminal; hjb = t.hjb; terminalHJB = t.terminalHJB
            runningByTerm = Dictionary(t.runningByTerm.map { ($0.name, $0.value) }, uniquingKeysWith: +)
            terminalByTerm = Dictionary(t.terminalByTerm.map { ($0.name, $0.value) }, uniquingKeysWith: +)
        }

        enum CodingKeys: String, CodingKey {
            case total, cost, kinetic, interaction, terminal, hjb
            case terminalHJB = "terminal_hjb", runningByTerm = "running_by_term", terminalByTerm = "terminal_by_term"
        }
    }

    public var problemName: String
    /// The problem file's path as the run was given it.
    public var problemFile: String
    /// `SoftwareVersion.current` of the `mfg` that wrote the checkpoint.
    public var softwareVersion: String
    /// "float32" or "float64".
    public var precision: String
    public var seed: UInt64
    /// Completed iterations, and those the problem file asks for (both stages).
    public var iterations: Int
    public var totalIterations: Int
    /// The iteration whose parameters are kept (lowest validation objective among the logged ones).
    public var bestIteration: Int
    /// Size of the validation set the terms were computed on.
    public var validationSamples: Int
    /// Wall seconds of training, over all sessions of the run.
    public var wallSeconds: Double
    public var validation: Terms

    /// The summary of a finished run's checkpoint; nil when it holds no final validation terms.
    public init?(checkpoint cp: Checkpoint) {
        guard let terms = cp.summary else { return nil }
        problemName = cp.problemName; problemFile = cp.problemFile; softwareVersion = cp.softwareVersion
        precision = cp.precision; seed = cp.seed
        iterations = cp.state.iteration; totalIterations = cp.totalIterations
        bestIteration = cp.state.bestIteration; validationSamples = cp.summarySamples
        wallSeconds = cp.state.wallSeconds
        validation = Terms(terms)
    }

    enum CodingKeys: String, CodingKey {
        case problemName = "problem_name", problemFile = "problem_file", softwareVersion = "software_version"
        case precision, seed, iterations, totalIterations = "total_iterations", bestIteration = "best_iteration"
        case validationSamples = "validation_samples", wallSeconds = "wall_seconds", validation
    }

    /// The JSON text (keys sorted, indented, a final newline); `file` names the destination in the
    /// error for a number JSON cannot hold (NaN, ±∞).
    public func json(file: String) throws(StoreError) -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        do {
            return Array(try encoder.encode(self)) + Array("\n".utf8)
        } catch let EncodingError.invalidValue(value, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw .invalidArgument(file: file, path: field, reason: "\(value) is not a finite number (allowed: finite numbers)")
        } catch {
            throw .invalidArgument(file: file, path: "/", reason: "cannot encode the summary as JSON: \(error)")
        }
    }
}
