import MFGMath
import MFGProblem

/// The architecture of the potential network
///
///     Φ(x, t; θ) = wᵀN(s) + ½ sᵀ(AᵀA)s + cᵀs + b                       (always)
///                + ½ xᵀM(t)x + v(t)ᵀx                                (`quadratic` ≠ none)
///                + c(t) = Σₖ φₖ(τ) cₖ                                 (`timeTerm`, with a quadratic part)
///                + Σᵢ Σⱼ wᵢⱼ σ(aᵢⱼ xᵢ + bᵢⱼ τ + cᵢⱼ)                    (`separableWidth` q > 0)
///                  [aᵢⱼ + eᵢⱼ τ in place of aᵢⱼ with `separableForm` time_scaled]
///                  [or Σᵢ Σₘ Σₖ φₖ(τ) θᵢₘₖ Bₘ(xᵢ), quintic B-splines on q intervals of
///                   `splineRange`, with `separableForm` spline]
///
/// with s = (x, t), τ = t/T (T = `timeScale`), M(t) = Σₖ φₖ(τ) Sₖ and v(t) = Σₖ φₖ(τ) vₖ over the
/// shifted Legendre polynomials φ₀…φ_p on [0, 1] (see `TimeBasis`), Sₖ symmetric (full or
/// diagonal), i = 1…d, j = 1…q.
///
/// N is a ResNet: u₀ = σ(K₀s + b₀), u_k = u_{k−1} + h σ(K_k u_{k−1} + b_k) for k = 1…R. Its
/// spatial Hessian has rank ≤ m and AᵀA is positive semi-definite of rank ≤ r, so the first line
/// alone cannot curve Φ in more than m + r directions; the quadratic part carries full-rank,
/// indefinite curvature that changes in time, the separable part non-quadratic shapes in every
/// coordinate at once (docs/architecture.md).
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
    /// Structure of the time-varying quadratic ½xᵀM(t)x + v(t)ᵀx (none: no such part).
    public let quadratic: QuadraticStructure
    /// Degree p of the time basis of M(t) and v(t) (0…4; unused without a quadratic part).
    public let timeDegree: Int
    /// Units q per coordinate of the separable part (0…64; 0: no separable part).
    public let separableWidth: Int
    /// Whether Φ has the time-only polynomial c(t) (only with a quadratic part, whose basis it
    /// uses). It moves no agent (∇ₓc = 0, Δₓc = 0) and enters only ∂ₜΦ in the HJB residual and
    /// Φ(·, T) in the terminal mismatch: see `PotentialNetwork+Quadratic.swift` for why it matters.
    public let timeTerm: Bool
    /// The form of the separable units: `fixed` (a·xᵢ) or `timeScaled` ((a + eτ)·xᵢ, one more
    /// block sep_e). Stored as `fixed` without a separable part.
    public let separableForm: SeparableForm
    /// The interval the spline form's knots cover (stored as the default without that form).
    public let splineRange: ClosedRange<Double>
    /// T in τ = t/T, the time variable of the quadratic and separable parts (the problem's
    /// horizon, so τ ∈ [0, 1] on the time interval and one initialisation fits every horizon).
    public let timeScale: Double

    /// Validates and builds a shape; `rank` defaults to min(10, d + 1), `step` to 1/R. Without a
    /// quadratic part `timeDegree` is stored as the default 2, and without any optional part
    /// `timeScale` as 1 (neither is used then).
    public init(dimension: Int, width: Int, residualLayers: Int, rank: Int? = nil,
                step: Double? = nil, quadratic: QuadraticStructure = .none,
                timeDegree: Int = NetworkSettings.defaultTimeDegree, separableWidth: Int = 0,
                timeTerm: Bool = false, timeScale: Double = 1,
                separableForm: SeparableForm = .fixed,
                splineRange: ClosedRange<Double> = NetworkSettings.defaultSplineRange) throws(NetworkError) {
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
        guard NetworkSettings.timeDegreeRange.contains(timeDegree) else {
            throw .invalidShape("time degree must be in \(NetworkSettings.timeDegreeRange), got \(timeDegree)")
        }
        guard NetworkSettings.separableWidthRange.contains(separableWidth) else {
            throw .invalidShape("separable width must be in \(NetworkSettings.separableWidthRange), got \(separableWidth)")
        }
        guard timeScale > 0, timeScale.isFinite else {
            throw .invalidShape("time scale must be positive and finite, got \(timeScale)")
        }
        if quadratic == .full, !NetworkSettings.fullQuadraticFits(dimension: dimension, timeDegree: timeDegree) {
            throw .invalidShape("a full quadratic needs d²(p + 1) = \(dimension)²·\(timeDegree + 1) values, more than "
                                + "the limit \(NetworkSettings.fullQuadraticValueLimit)")
        }
        self.dimension = dimension
        self.width = width
        self.residualLayers = residualLayers
        self.rank = r
        self.step = h
        // Fields a shape does not use take canonical values, so equal networks have equal
        // shapes (a problem's horizon does not make its network without parts differ).
        self.quadratic = quadratic
        let spline = separableWidth > 0 && separableForm == .spline
        self.timeDegree = quadratic == .none && !spline ? NetworkSettings.defaultTimeDegree : timeDegree
        self.separableWidth = separableWidth
        if timeTerm && quadratic == .none {
            throw .invalidShape("a time-only term needs a quadratic part (it uses its time basis)")
        }
        self.timeTerm = timeTerm
        self.separableForm = separableWidth == 0 ? .fixed : separableForm
        guard !spline || (splineRange.lowerBound.isFinite && splineRange.upperBound.isFinite
                          && splineRange.lowerBound < splineRange.upperBound) else {
            throw .invalidShape("the spline range must be finite with low < high, got \(splineRange)")
        }
        self.splineRange = spline ? splineRange : NetworkSettings.defaultSplineRange
        self.timeScale = quadratic == .none && separableWidth == 0 ? 1 : timeScale
    }

    /// Length of the input s = (x, t).
    public var inputSize: Int { dimension + 1 }

    /// Whether the trace sweep replaces K₀E (m × d) by an m × m factor L with LLᵀ = K₀E(K₀E)ᵀ
    /// (when d > m): the trace depends on K₀E only through that Gram matrix, so the per-sample
    /// Jacobians shrink from m × d to m × m and the sweep's cost stops growing with d.
    public var usesGramFactor: Bool { dimension > width }

    /// Columns of the per-sample Jacobians the trace sweep carries: min(d, m).
    public var jacobianWidth: Int { min(dimension, width) }

    /// Whether Φ has the time-varying quadratic part.
    public var hasQuadratic: Bool { quadratic != .none }

    /// Number of basis polynomials of the quadratic part, p + 1 (0 without one).
    public var timeBasisCount: Int { hasQuadratic ? timeDegree + 1 : 0 }

    /// Values per coefficient matrix Sₖ: d² (full), d (diagonal), 0 (none).
    public var quadraticMatrixCount: Int {
        switch quadratic {
        case .none: return 0
        case .diagonal: return dimension
        case .full: return dimension * dimension
        }
    }

    /// Whether Φ has the separable part.
    public var hasSeparable: Bool { separableWidth > 0 }

    /// Whether the separable units are time-scaled (block sep_e).
    public var hasTimeScaledSeparable: Bool { hasSeparable && separableForm == .timeScaled }

    /// Whether the separable part is the spline form (block sep_spline).
    public var hasSplineSeparable: Bool { hasSeparable && separableForm == .spline }

    /// Coefficients per coordinate and time polynomial of the spline form: q + 5 (0 without it).
    public var splineBasisCount: Int { hasSplineSeparable ? separableWidth + 5 : 0 }

    /// Whether the shape is today's network alone (no quadratic or separable part).
    public var isLegacy: Bool { !hasQuadratic && !hasSeparable }

    public var description: String {
        var text = "d=\(dimension) m=\(width) R=\(residualLayers) r=\(rank) h=\(step)"
        if hasQuadratic { text += " quadratic=\(quadratic.rawValue) p=\(timeDegree)" }
        if timeTerm { text += " c(t)" }
        if hasSeparable { text += " separable=\(separableWidth)" }
        if hasTimeScaledSeparable { text += " time_scaled" }
        if hasSplineSeparable {
            text += " spline [\(splineRange.lowerBound), \(splineRange.upperBound)]"
            if !hasQuadratic { text += " p=\(timeDegree)" }
        }
        if !isLegacy { text += " T=\(timeScale)" }
        return text
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
    /// An importance weight (`CharacteristicsObjective.evaluate`) that is negative or not finite.
    case invalidWeight(index: Int, value: Double)
    /// A trace weight (`PotentialWorkspace.setTraceWeights`) that is negative or not finite.
    case invalidTraceWeight(index: Int, value: Double)

    public var description: String {
        switch self {
        case .invalidShape(let s): return "invalid network shape: \(s)"
        case .batchMismatch(let e, let g): return "batch does not fit the network: expected \(e), got \(g)"
        case .emptyBatch: return "empty batch: at least one sample is needed"
        case .parameterMismatch(let n, let e, let g):
            return "parameter '\(n)' has the wrong shape: expected \(e), got \(g)"
        case .missingParameter(let n): return "parameter '\(n)' is missing"
        case .unknownParameter(let n): return "parameter '\(n)' is not part of this network"
        case .invalidWeight(let i, let v):
            return "importance weight \(i + 1) is \(v) (weights must be finite and ≥ 0)"
        case .invalidTraceWeight(let i, let v):
            return "trace weight \(i + 1) is \(v) (weights must be finite and ≥ 0)"
        }
    }
}
