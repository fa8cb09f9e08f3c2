/// Structure of the time-varying symmetric quadratic ½xᵀM(t)x + v(t)ᵀx of the potential.
public enum QuadraticStructure: String, Sendable, Equatable, CaseIterable {
    /// No such part (the network of every problem file that does not ask for one).
    case none
    /// M(t) diagonal: d values per basis polynomial, O(d) per sample.
    case diagonal
    /// M(t) a dense symmetric d × d matrix: d² values per basis polynomial, one gemm per block.
    case full
}

/// The form of the separable units (`network.separable_form`).
public enum SeparableForm: String, Sendable, Equatable, CaseIterable {
    /// wσ(a·xᵢ + b·τ + c): at fixed τ a unit's x-scale a is the same at every time, so its shape
    /// only translates in time.
    case fixed
    /// wσ((a + e·τ)·xᵢ + b·τ + c): the x-scale changes linearly in τ (one more parameter e per
    /// unit), so a unit can sharpen (or widen) as t approaches T — for a seam where two fronts
    /// of mass meet and ∂ₓv grows like −k/(1 − kt).
    case timeScaled = "time_scaled"
    /// A quintic B-spline in each coordinate on `separable_width` uniform intervals of
    /// `spline_range`, its K + 5 coefficients per coordinate polynomials of degree `time_degree`
    /// in τ: any smooth one-dimensional shape at a cost per sample and coordinate that does not
    /// grow with K (six coefficients are nonzero at any point), where units cost q activations.
    case spline
}

/// A time-only term c(t) of the potential (`network.time_term`).
public enum TimeTerm: String, Sendable, Equatable, CaseIterable {
    /// No such term: the x-independent part of Φ is what cᵀs, ½sᵀAᵀAs and the ResNet give.
    case none
    /// c(t) = Σₖ φₖ(τ) cₖ over the quadratic part's time basis (needs `quadratic` ≠ none).
    case polynomial
}

/// Shape of the potential network Φ(x, t; θ) = wᵀN(s) + ½sᵀAᵀAs + cᵀs + b
/// [+ ½xᵀM(t)x + v(t)ᵀx] [+ Σᵢ Σⱼ wᵢⱼ σ(aᵢⱼxᵢ + bᵢⱼτ + cᵢⱼ)], τ = t/T.
public struct NetworkSettings: Sendable, Equatable {
    /// Width m of the ResNet layers.
    public let width: Int
    /// Number of residual layers after the opening layer.
    public let residualLayers: Int
    /// Rank r of the quadratic term's A ∈ ℝ^{r×(d+1)} (default min(10, d + 1)).
    public let rank: Int
    /// ResNet step h in u_{k+1} = u_k + h σ(K_k u_k + b_k) (default 1/residualLayers).
    public let step: Double
    /// The time-varying quadratic part: none, diagonal or full.
    public let quadratic: QuadraticStructure
    /// Degree p of the polynomial time basis of M(t) and v(t) (used only with a quadratic part).
    public let timeDegree: Int
    /// Units q per coordinate of the separable part (0: no separable part).
    public let separableWidth: Int
    /// The time-only term c(t) (only with a quadratic part).
    public let timeTerm: TimeTerm
    /// The form of the separable units (used only with `separableWidth` > 0).
    public let separableForm: SeparableForm
    /// The interval of each coordinate the spline form's knots cover (used only by that form);
    /// the spline falls smoothly to zero within five intervals outside it.
    public let splineRange: ClosedRange<Double>

    public init(width: Int, residualLayers: Int, rank: Int, step: Double, quadratic: QuadraticStructure = .none,
                timeDegree: Int = NetworkSettings.defaultTimeDegree, separableWidth: Int = 0,
                timeTerm: TimeTerm = .none, separableForm: SeparableForm = .fixed,
                splineRange: ClosedRange<Double> = NetworkSettings.defaultSplineRange) {
        self.width = width
        self.residualLayers = residualLayers
        self.rank = rank
        self.step = step
        self.quadratic = quadratic
        self.timeDegree = timeDegree
        self.separableWidth = separableWidth
        self.timeTerm = timeTerm
        self.separableForm = separableForm
        self.splineRange = splineRange
    }

    /// The defaults for dimension d: width 16, 2 residual layers, rank min(10, d+1), step 1/2,
    /// no time-varying quadratic, no separable part.
    public static func defaults(dimension d: Int) -> NetworkSettings {
        NetworkSettings(width: 16, residualLayers: 2, rank: min(10, d + 1), step: 0.5)
    }

    /// Default knot interval of the spline form, [−4, 4].
    public static let defaultSplineRange: ClosedRange<Double> = -4...4
    /// Default degree of the time basis.
    public static let defaultTimeDegree = 2
    /// Allowed degrees of the time basis.
    public static let timeDegreeRange = 0...4
    /// Allowed units per coordinate of the separable part.
    public static let separableWidthRange = 0...64
    /// The most values the `full` quadratic's matrices may hold, d²(p + 1): 2¹⁸ = 262 144 (e.g.
    /// d ≤ 295 at p = 2, d ≤ 512 at p = 0). θ is held several times over during training (the
    /// optimizer's moments, and one gradient per block of samples in the objective: 265 copies at
    /// n = 8464 and blocks of 32), so 2¹⁸ values already cost about 0.5 GiB there in Float64.
    public static let fullQuadraticValueLimit = 1 << 18

    /// Whether a `full` quadratic in dimension d with time degree p stays within
    /// `fullQuadraticValueLimit` (checked without overflow for any d).
    public static func fullQuadraticFits(dimension d: Int, timeDegree p: Int) -> Bool {
        let (dd, o1) = d.multipliedReportingOverflow(by: d)
        let (total, o2) = dd.multipliedReportingOverflow(by: p + 1)
        return !o1 && !o2 && total <= fullQuadraticValueLimit
    }
}

/// Time integration of the characteristics.
public struct IntegratorSettings: Sendable, Equatable {
    /// One-step scheme.
    public enum Scheme: String, Sendable, Equatable, CaseIterable {
        /// Classical fourth-order Runge–Kutta.
        case rk4
        /// Forward Euler (first order; for tests and comparisons).
        case euler
    }
    public let scheme: Scheme
    /// Number of equal time steps on [0, T].
    public let steps: Int

    public init(scheme: Scheme, steps: Int) {
        self.scheme = scheme
        self.steps = steps
    }

    public static let defaults = IntegratorSettings(scheme: .rk4, steps: 4)
}
