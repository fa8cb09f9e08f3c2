import MFGMath
import Synchronization

/// Process-wide source of `PotentialNetwork.revision` stamps.
private let revisionCounter = Atomic<UInt64>(0)

/// The value-function network Φ(x, t; θ) with its parameters θ in one flat vector.
///
/// The evaluation routines (forward pass with exact ∇Φ and ΔₓΦ, and the reverse-mode
/// parameter/input adjoint) live in `PotentialNetwork+Forward.swift` and
/// `PotentialNetwork+Backward.swift`; they work on blocks of samples held in a
/// `PotentialWorkspace`.
public struct PotentialNetwork<T: Scalar>: Sendable {
    public let shape: NetworkShape
    public let layout: ParameterLayout
    /// θ, laid out as `layout` says.
    public var parameters: [T] { didSet { revision = Self.nextRevision() } }
    /// A stamp unique in the process to this content of `parameters`: set when a network is made
    /// and renewed by every change of `parameters` (copies share it, and share their θ), so a
    /// workspace may keep what it derived from θ (the quadratic's M(t)) while the stamp matches.
    public private(set) var revision: UInt64

    private static func nextRevision() -> UInt64 {
        revisionCounter.wrappingAdd(1, ordering: .relaxed).newValue
    }

    /// A network with the given parameters; throws if their count does not match the shape.
    public init(shape: NetworkShape, parameters: [T]) throws(NetworkError) {
        let layout = ParameterLayout(shape)
        guard parameters.count == layout.count else {
            throw .parameterMismatch(name: "θ", expected: "\(layout.count) values for \(shape)",
                                     got: "\(parameters.count) values")
        }
        self.shape = shape
        self.layout = layout
        self.parameters = parameters
        self.revision = Self.nextRevision()
    }

    /// A freshly initialised network that starts training well: Φ is nearly affine at first.
    ///
    /// K₀ ~ N(0, σ₀²/(d+1)), K_k ~ N(0, σ₀²/m) with σ₀ = 0.1 (so σ′ ≈ tanh of small arguments
    /// and the residual layers start close to the identity), b_k = 0, w = 1, A ~ N(0, 0.01²),
    /// c = 0, b = 0. The draws come from `rng`, so a seed fixes the network.
    ///
    /// The optional parts start with zero contribution, so Φ starts as the network without them:
    /// Sₖ = 0 and vₖ = 0 (no draws), separable w = 0 with a, b, c ~ N(0, 1) (distinct units, kinks
    /// at xᵢ = −(bτ + c)/a spread over the data's scale, so w's gradient differs unit by unit).
    /// Their draws follow all the others (the new blocks come last in the layout), so a shape
    /// without them gets exactly the θ it got before they existed. Time-scaled units start with
    /// e = 0 (no draws): the same draws and the same Φ as fixed units of the same width.
    public static func initialized(shape: NetworkShape, rng: inout RandomSource) -> PotentialNetwork {
        let layout = ParameterLayout(shape)
        var theta = [T](repeating: 0, count: layout.count)
        for block in layout.blocks {
            let scale: Double
            switch block.name {
            case "K0": scale = 1.0 / Double(shape.inputSize).squareRoot()
            case "A": scale = 0.01
            case "sep_a", "sep_b", "sep_c": scale = 1
            case "w": theta.replaceSubrange(block.range, with: repeatElement(1, count: block.count)); continue
            case let n where n.hasPrefix("K"): scale = 1.0 / Double(shape.width).squareRoot()
            default: continue
            }
            let draws: [Double] = rng.gaussians(block.count)
            for (i, z) in draws.enumerated() { theta[block.offset + i] = T(z * scale) }
        }
        // The force-unwrap cannot fail: θ was sized from the same layout.
        return try! PotentialNetwork(shape: shape, parameters: theta)
    }

    /// The parameter blocks by name, each with its (rows, cols) and its values (column-major).
    public func namedParameters() -> [(block: ParameterLayout.Block, values: [T])] {
        layout.blocks.map { ($0, Array(parameters[$0.range])) }
    }

    /// Rebuilds a network from named blocks, checking that every block is present with its
    /// exact size and that no unknown name is given.
    public init(shape: NetworkShape, named: [String: [T]]) throws(NetworkError) {
        let layout = ParameterLayout(shape)
        var theta = [T](repeating: 0, count: layout.count)
        for block in layout.blocks {
            guard let values = named[block.name] else { throw .missingParameter(block.name) }
            guard values.count == block.count else {
                throw .parameterMismatch(name: block.name, expected: "\(block.rows)×\(block.cols)",
                                         got: "\(values.count) values")
            }
            theta.replaceSubrange(block.range, with: values)
        }
        for name in named.keys where layout.block(name) == nil { throw .unknownParameter(name) }
        try self.init(shape: shape, parameters: theta)
    }
}
