/// Why training stopped or could not start.
public enum TrainingError: Error, Equatable, CustomStringConvertible, Sendable {
    /// A term became NaN/∞ or exploded; the last good parameters are kept by the caller.
    case diverged(iteration: Int, term: String, value: Double)
    /// A stored state does not belong to this problem or solver.
    case incompatibleState(String)
    case network(NetworkError)
    /// The problem's sizes need more memory than this process may use (nothing was allocated).
    case insufficientMemory(MemoryLimitError)
    /// An importance weight ρ₀/q of a training batch is not finite or exceeds its bound.
    case invalidWeights(String)

    public var description: String {
        switch self {
        case .diverged(let it, let term, let v):
            return "training diverged at iteration \(it): term '\(term)' = \(v); "
                + "lower the learning rate or raise the batch size"
        case .incompatibleState(let s): return "cannot resume: \(s)"
        case .network(let e): return e.description
        case .insufficientMemory(let e): return e.description
        case .invalidWeights(let s): return "importance sampling: \(s)"
        }
    }
}
