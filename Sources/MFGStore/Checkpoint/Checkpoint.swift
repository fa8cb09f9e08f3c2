import MFGNeural
import MFGProblem

/// A training checkpoint: the problem it solves (file text), the network's shape and
/// parameters (current and best), the optimizer state, the sampler state, the history, and
/// the summary of the last validation. docs/checkpoint-format.md lists every dataset.
public struct Checkpoint: Sendable {
    /// Format identifier and version written into the root attributes.
    public static let formatName = "mfg-checkpoint"
    public static let formatVersion: Int64 = 1
    /// Most agents whose paths a checkpoint stores (`mfg solve --paths`); larger stored paths are refused.
    public static let maximumStoredPaths = 100_000

    public var softwareVersion: String
    public var problemName: String
    public var problemFile: String
    /// The problem file's YAML text at the time of the run.
    public var problemSource: String
    /// "float32" or "float64".
    public var precision: String
    public var seed: UInt64
    public var shape: NetworkShape
    public var state: TrainingState
    public var totalIterations: Int
    /// Validation terms of the best parameters, when computed (end of a run, evaluate).
    public var summary: ObjectiveTerms?
    public var summarySamples: Int
    /// Characteristics of a sample of agents under the best parameters, when stored.
    public var paths: SolverPaths?
    /// Whether the file carried checksums and they matched (`Checkpoint.read`); false for a file
    /// written before checksums were introduced, which is read unverified.
    public var checksummed = true

    public init(softwareVersion: String = SoftwareVersion.current, problemName: String, problemFile: String,
                problemSource: String, precision: String, seed: UInt64, shape: NetworkShape,
                state: TrainingState, totalIterations: Int, summary: ObjectiveTerms? = nil,
                summarySamples: Int = 0, paths: SolverPaths? = nil) {
        self.softwareVersion = softwareVersion; self.problemName = problemName; self.problemFile = problemFile
        self.problemSource = problemSource; self.precision = precision; self.seed = seed; self.shape = shape
        self.state = state; self.totalIterations = totalIterations; self.summary = summary
        self.summarySamples = summarySamples; self.paths = paths
    }
}

/// Why a checkpoint or result file cannot be used.
public enum CheckpointError: Error, CustomStringConvertible, Equatable, Sendable {
    case notACheckpoint(file: String, found: String)
    case notAReference(file: String, found: String)
    case unsupportedVersion(file: String, found: Int64, supported: Int64)
    case corrupt(file: String, detail: String)
    /// Sound, but larger than this process can hold.
    case tooLarge(file: String, detail: String)
    case store(String)

    public var description: String {
        switch self {
        case .notACheckpoint(let f, let found):
            return "\(f): not an mfg checkpoint (format attribute is '\(found)')"
        case .notAReference(let f, let found):
            return "\(f): not an mfg reference result (format attribute is '\(found)'); make one with `mfg reference`"
        case .unsupportedVersion(let f, let v, let s):
            return "\(f): format version \(v) is not supported (this mfg reads version \(s))"
        case .corrupt(let f, let d): return "\(f): damaged checkpoint: \(d)"
        case .tooLarge(let f, let d): return "\(f): \(d)"
        case .store(let s): return s
        }
    }
}

extension CheckpointError {
    /// The error a reader of `path` reports for whatever the HDF5 layer threw: ours unchanged,
    /// a missing or truncated file said plainly, anything else as damage.
    static func reading(_ path: String, _ error: any Error) -> CheckpointError {
        switch error {
        case let e as CheckpointError: return e
        case StoreError.notHDF5: return .corrupt(file: path, detail: "not an HDF5 file or truncated")
        case StoreError.fileNotFound: return .store("\(path): no such file")
        case StoreError.unreadable(_, let reason): return .store("\(path): \(reason)")
        case let e as StoreError:
            // The store's message names the file too: keep it once.
            let text = e.description
            return .corrupt(file: path, detail: text.hasPrefix(e.file + ": ") ? String(text.dropFirst(e.file.count + 2)) : text)
        default: return .corrupt(file: path, detail: "\(error)")
        }
    }
}

extension Checkpoint {
    /// Why the stored network is not the one `problem` (the checkpoint's own problem, parsed)
    /// asks for, or nil when it is: a file whose network attributes were changed is refused.
    public func networkMismatch(_ problem: Problem) -> String? {
        do {
            let wanted = try NetworkShape(problem: problem)
            return wanted == shape ? nil : "the stored network (\(shape)) is not the one its problem asks for (\(wanted))"
        } catch {
            return "its problem's network is invalid: \(error.description)"
        }
    }
}
