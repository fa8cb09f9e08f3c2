import MFGMath

/// The architecture of the potential network Φ(x, t; θ) = wᵀN(s) + ½ sᵀ(AᵀA)s + cᵀs + b, s = (x, t).
///
/// N is a ResNet: u₀ = σ(K₀s + b₀), u_k = u_{k−1} + h σ(K_k u_{k−1} + b_k) for k = 1…R.
public struct NetworkShape: Equatable, Sendable, CustomStringConvertible {
    /// Spatial dimension d (the input s has d + 1 entries, time last).
    public let dimension: Int
    /// Width m of every hidden layer.
    public let width: Int
    /// Number R of residual layers after the opening layer.
    public let residualLayers: Int
    /// Rank r of the quadratic part AᵀA (A is r × (d + 1)).
    public let rank: Int
    /// Residual step h (default 1/R).
    public let step: Double

    /// Validates and builds a shape; `rank` defaults to min(10, d + 1), `step` to 1/R.
    public init(dimension: Int, width: Int, residualLayers: Int, rank: Int? = nil,
                step: Double? = nil) throws(NetworkError) {
        guard dimension >= 1 else { throw .invalidShape("dimension must be at least 1, got \(dimension)") }
        guard width >= 1 else { throw .invalidShape("width must be at least 1, got \(width)") }
        guard residualLayers >= 0 else {
            throw .invalidShape("residual layers must be at least 0, got \(residualLayers)")
        }
        let r = rank ?? min(10, dimension + 1)
        guard r >= 1, r <= dimension + 1 else {
            throw .invalidShape("rank must be in 1...\(dimension + 1), got \(r)")
        }
        let h = step ?? (residualLayers > 0 ? 1.0 / Double(residualLayers) : 1.0)
        guard h > 0, h.isFinite else { throw .invalidShape("step must be positive, got \(h)") }
        self.dimension = dimension
        self.width = width
        self.residualLayers = residualLayers
        self.rank = r
        self.step = h
    }

    /// Length of the input s = (x, t).
    public var inputSize: Int { dimension + 1 }

    /// Whether the trace sweep replaces K₀E (m × d) by an m × m factor L with LLᵀ = K₀E(K₀E)ᵀ
    /// (when d > m): the trace depends on K₀E only through that Gram matrix, so the per-sample
    /// Jacobians shrink from m × d to m × m and the sweep's cost stops growing with d.
    public var usesGramFactor: Bool { dimension > width }

    /// Columns of the per-sample Jacobians the trace sweep carries: min(d, m).
    public var jacobianWidth: Int { min(dimension, width) }

    public var description: String {
        "d=\(dimension) m=\(width) R=\(residualLayers) r=\(rank) h=\(step)"
    }
}

/// Errors of the neural solver: shapes that do not fit, parameter files that do not match.
public enum NetworkError: Error, Equatable, CustomStringConvertible, Sendable {
    case invalidShape(String)
    case batchMismatch(expected: String, got: String)
    case emptyBatch
    case parameterMismatch(name: String, expected: String, got: String)
    case missingParameter(String)
    case unknownParameter(String)

    public var description: String {
        switch self {
        case .invalidShape(let s): return "invalid network shape: \(s)"
        case .batchMismatch(let e, let g): return "batch does not fit the network: expected \(e), got \(g)"
        case .emptyBatch: return "empty batch: at least one sample is needed"
        case .parameterMismatch(let n, let e, let g):
            return "parameter '\(n)' has the wrong shape: expected \(e), got \(g)"
        case .missingParameter(let n): return "parameter '\(n)' is missing"
        case .unknownParameter(let n): return "parameter '\(n)' is not part of this network"
        }
    }
}
