import MFGProblem

/// Flags a trained potential that visibly fails to solve the HJB system, so a poor fit never
/// passes silently.
///
/// At the optimum Φ(·, T) = δG/δρ on the support of ρ(·, T), exactly. The check measures the
/// signed mismatch r = Φ(z_T, T) − δG/δρ(z_T) per sample up to a constant, as
/// min_c E|r − c| = E|r − median(r)|, because a constant added to Φ moves no agent: a training
/// stage without penalties (`penalties.final` 0) leaves Φ's value free, and its constant drifts
/// while ∇Φ stays right. (The objective's terminal HJB term E|r| counts that constant; a
/// root-mean-square about the mean would weigh the tails, where log ρ is least resolved, far more
/// than the L1 terms training sees.) Measured against the size of δG/δρ it says whether Φ can
/// represent the terminal condition at all. For a KL terminal cost δG/δρ = λ_G(log ρ − log ρ₁ + 1),
/// whose mean is λ_G(1 + KL) = λ_G + G, so the size used is λ_G + |G|; for a preference
/// δG/δρ = λ_G g, and the size used is |G| (skipped when G ≈ 0).
///
/// Measured (validation samples; docs/validation.md, "Warnings for a fit that cannot be right"):
/// the legacy network on all-spread Gaussian transport and the unsolved bimodal problem warn,
/// the solutions `mfg validate` and `mfg compare` pass do not.
public struct FitQualityCheck: Sendable, Equatable {
    /// The terminal mismatch up to a constant, E|r − median(r)|, r = Φ(·,T) − δG/δρ.
    public let terminalMismatch: Double
    /// median(r): the constant the check allows.
    public let constantOffset: Double
    /// The size of δG/δρ it is measured against.
    public let scale: Double
    public let tolerance: Double

    /// From the per-sample mismatch r (`SampleCosts.terminalMismatch`) and the terms' G. Nil when
    /// the terminal cost gives no size to compare with (a preference whose G is 0) or there are
    /// no samples.
    public init?(problem: Problem, terms: ObjectiveTerms, mismatch: [Double], tolerance: Double = 0.05) {
        let scale: Double
        switch problem.terminal {
        case .kl(let weight): scale = weight + abs(terms.terminal)
        case .preference, .logQuadratic: scale = abs(terms.terminal)
        }
        guard scale > 0, scale.isFinite, !mismatch.isEmpty, mismatch.allSatisfy(\.isFinite) else { return nil }
        let sorted = mismatch.sorted(), n = sorted.count
        let median = n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2])
        var sum = 0.0
        for r in sorted { sum += abs(r - median) }
        self.terminalMismatch = sum / Double(n)
        self.constantOffset = median
        self.scale = scale
        self.tolerance = tolerance
    }

    /// From the run's samples (`Solver.sampleCosts`).
    public init?(problem: Problem, costs: SampleCosts, tolerance: Double = 0.05) {
        self.init(problem: problem, terms: costs.terms, mismatch: costs.terminalMismatch, tolerance: tolerance)
    }

    /// terminalMismatch / scale.
    public var relativeMismatch: Double { terminalMismatch / scale }

    public var passes: Bool { relativeMismatch <= tolerance }

    /// One line with the numbers whether or not the check passes (for `mfg evaluate`).
    public var report: String {
        "terminal condition: Φ(·, T) − δG/δρ is on average \(String(format: "%.4g", terminalMismatch)) from its median "
            + "\(String(format: "%.4g", constantOffset)) (a constant moves no agent): "
            + "\(String(format: "%.2f", 100 * relativeMismatch)) % of δG/δρ's size \(String(format: "%.4g", scale)) "
            + "(warning above \(String(format: "%.0f", 100 * tolerance)) %)"
    }

    /// A warning naming the number and what to try, or nil when the fit is acceptable.
    public func warning(network: NetworkSettings) -> String? {
        guard !passes else { return nil }
        var hints: [String] = []
        if network.quadratic != .full { hints.append("network.quadratic: full (curvature that changes in time in every direction)") }
        if network.separableWidth == 0 { hints.append("network.separable_width: 4 (a non-quadratic shape in every coordinate)") }
        hints.append("more training iterations")
        return "warning: poor fit: Φ(·, T) misses the terminal condition δG/δρ by "
            + "\(String(format: "%.1f", 100 * relativeMismatch)) % of its size (mean mismatch up to a constant "
            + "\(String(format: "%.4g", terminalMismatch)) against \(String(format: "%.4g", scale))); "
            + "the densities and costs are not those of an optimum. Try " + hints.joined(separator: ", or ")
    }
}

/// Before training: whether the network can change the spread of as many directions as the
/// problem asks. Without a `quadratic` part the potential's spatial Hessian has rank at most
/// m + r (the ResNet's width plus the rank of AᵀA), and it can be concave (spread a crowd) in at
/// most m directions, so a problem whose initial and target variances differ in more coordinates
/// than that cannot be solved by it (measured: Gaussian transport spreading all 50 coordinates
/// ends 5–6× above the optimum).
public enum NetworkCapacityCheck {
    /// Coordinates whose marginal variance differs by more than 10 % between ρ₀ and the KL target
    /// (every coordinate when either density has a full covariance, whose axes are not the
    /// coordinates); nil for terminal costs without a target.
    public static func changingDirections(_ problem: Problem) -> Int? {
        guard case .kl = problem.terminal, let target = problem.targetDensity else { return nil }
        let rho0 = problem.initialDensity
        if rho0.hasFullCovariance || target.hasFullCovariance { return problem.dimension }
        let v0 = rho0.marginalVariance, v1 = target.marginalVariance
        return zip(v0, v1).filter { abs($1 / $0 - 1) > 0.1 }.count
    }

    /// A warning when the legacy network (no quadratic part) is asked to change more directions
    /// than its width allows.
    public static func warning(_ problem: Problem) -> String? {
        let net = problem.network
        guard net.quadratic == .none, let k = changingDirections(problem), k > net.width else { return nil }
        return "warning: the initial and target densities differ in spread along \(k) directions, but this network "
            + "(width \(net.width), no quadratic part) can spread or contract at most \(net.width): the answer will be wrong "
            + "in the others; add network.quadratic: full (or diagonal, when the covariances are diagonal)"
    }
}

private extension Density {
    /// Whether a Gaussian (or a mixture component) has a full covariance, whose principal axes are
    /// not the coordinates. Products are blocks of one or two coordinates: their marginal
    /// variances describe the spread per coordinate well enough for the capacity count.
    var hasFullCovariance: Bool {
        switch self {
        case .gaussian(let g): return g.full != nil
        case .mixture(let parts): return parts.contains { $0.component.full != nil }
        case .product: return false
        case .samples: return false   // isotropic kernels; the marginal variances count the spread
        }
    }
}
