import MFGMath
import MFGProblem

/// A trained solution beside the closed form of its problem (Gaussian transport with a KL
/// terminal cost), on fresh samples x₀ ~ ρ₀.
///
/// **Costs.** L and G of the solution are expectations over ρ₀ of per-agent costs. Their plain
/// Monte Carlo estimates are noisy: the KL integrand λ_G(log ρ_T − log ρ₁) varies a lot from
/// agent to agent, and on 65 536 samples the standard error of G is about 1.2 % of G, as large
/// as the 1 % the check is meant to resolve (the exact solution itself, evaluated on one such
/// sample set, was 1 % off). So each cost is also estimated with the exact per-agent cost at
/// the same x₀ as a paired control variate (`PairedEstimate`): unbiased for the solution's own
/// expected cost, with a standard error of about 0.04 % of G. The relative errors reported and
/// checked are those of the paired estimates.
///
/// **Gradient.** ‖∇ₓΦ(x₀, 0) − ∇ₓΦ*(x₀, 0)‖ / ‖∇ₓΦ*(x₀, 0)‖, sums of squares over the samples.
///
/// **Terminal law.** The sample mean of z(T) beside m*, and the standard deviation of z(T) along
/// every principal direction of the closed form (the coordinate axes when the covariances are
/// diagonal, the common eigenvectors of Σ₀ and Σ₁ when they are rotated) beside s*ⱼ. Those are
/// paired estimates too: with yⱼ = vⱼᵀz(T) for the neural end point and y*ⱼ = vⱼᵀx*(T) for the
/// exact end point of the same agent, the variance is estimated as
/// s*ⱼ² + mean(n/(n−1)·(yⱼ − ȳⱼ)² − (y*ⱼ − m*ⱼ)²), whose standard error is a small fraction of
/// the plain sample variance's √(2/n)·s² when the solution moves agents nearly as the exact one
/// does; the standard deviation is its square root (standard error divided by 2s). With
/// per-coordinate kinetic weights the principal coordinates are scaled (y = VᵀDx); for diagonal
/// covariances the reported standard deviations are divided back by Dⱼⱼ, those of x_j.
public struct ClosedFormComparison: Sendable {
    /// The terminal standard deviation along one principal direction.
    public struct DirectionSpread: Sendable, Equatable {
        /// 0-based index of the coordinate (or principal direction).
        public let direction: Int
        /// The solution's standard deviation (paired estimate).
        public let neural: Double
        /// Its standard error.
        public let standardError: Double
        /// s*ⱼ.
        public let exact: Double
        /// (neural − exact)/exact.
        public var relativeError: Double { (neural - exact) / exact }
    }

    public let exact: GaussianKLTransport
    public let samples: Int
    public let kinetic: PairedEstimate
    public let terminal: PairedEstimate
    public let total: PairedEstimate
    /// HJB residual and terminal mismatch of the solution on the same samples.
    public let hjb: Double, terminalHJB: Double
    public let gradientError: Double
    /// Sample mean of z(T) (ambient coordinates).
    public let terminalMean: [Double]
    /// Terminal standard deviations per coordinate, or per principal direction when the closed
    /// form has a rotated basis (`exact.basis`), in direction order.
    public let spreads: [DirectionSpread]

    /// - Parameters:
    ///   - costs: the solution's per-sample costs and end points at n samples x₀, with its
    ///     terms (`Solver.sampleCosts`).
    ///   - gradients: ∇ₛΦ at (x₀, 0), (d + 1) × n (`Solver.potential`; the time row is ignored).
    /// (The solver calls stay with the caller: a module-internal caller of `Solver` here once
    /// broke the release link, see docs/architecture.md.)
    public init(exact: GaussianKLTransport, costs: SampleCosts, gradients: Matrix<Double>) {
        let d = exact.d, samples = costs.kinetic.count, zT = costs.terminalPoints
        precondition(costs.x0.count == d * samples && zT.count == d * samples && gradients.cols == samples
                     && gradients.rows == d + 1, "ClosedFormComparison: inconsistent sample counts")
        self.exact = exact
        self.samples = samples
        let kineticControl = exact.kineticCosts(from: costs.x0, count: samples)
        let terminalControl = exact.terminalCosts(from: costs.x0, count: samples)
        kinetic = PairedEstimate(values: costs.kinetic, controls: kineticControl, controlMean: exact.kineticCost)
        terminal = PairedEstimate(values: costs.terminal, controls: terminalControl, controlMean: exact.terminalCost)
        total = PairedEstimate(values: zip(costs.kinetic, costs.terminal).map { $0 + $1 },
                               controls: zip(kineticControl, terminalControl).map { $0 + $1 },
                               controlMean: exact.totalCost)
        hjb = costs.terms.hjb
        terminalHJB = costs.terms.terminalHJB

        let exactGradients = exact.gradients(costs.x0, count: samples, at: 0)
        var num = 0.0, den = 0.0
        for c in 0..<samples {
            for j in 0..<d {
                let g = exactGradients[c * d + j], e = gradients[j, c] - g
                num += e * e; den += g * g
            }
        }
        gradientError = (num / max(den, 1e-300)).squareRoot()

        var mean = [Double](repeating: 0, count: d)
        for c in 0..<samples { for j in 0..<d { mean[j] += zT[c * d + j] } }
        terminalMean = mean.map { $0 / Double(samples) }
        spreads = Self.spreads(exact: exact, x0: costs.x0, terminalPoints: zT, count: samples)
    }

    /// Paired estimates of the terminal standard deviation along each principal direction.
    static func spreads(exact: GaussianKLTransport, x0: [Double], terminalPoints zT: [Double], count n: Int)
        -> [DirectionSpread] {
        let d = exact.d
        let exactEnds = exact.paths(from: x0, count: n, at: exact.T)
        var neural = [Double](repeating: 0, count: d * n), ideal = neural   // principal coordinates, direction-major
        for c in 0..<n {
            let y = exact.principal(Array(zT[(c * d)..<((c + 1) * d)]))
            let yStar = exact.principal(Array(exactEnds[(c * d)..<((c + 1) * d)]))
            for j in 0..<d { neural[j * n + c] = y[j]; ideal[j * n + c] = yStar[j] }
        }
        let correction = Double(n) / Double(n - 1)
        return (0..<d).map { j in
            let ys = neural[(j * n)..<((j + 1) * n)], stars = ideal[(j * n)..<((j + 1) * n)]
            let mean = ys.reduce(0, +) / Double(n)
            let s = exact.sStars[j]
            let e = PairedEstimate(values: ys.map { correction * ($0 - mean) * ($0 - mean) },
                                   controls: stars.map { ($0 - exact.mStar[j]) * ($0 - exact.mStar[j]) },
                                   controlMean: s * s)
            let sd = max(e.estimate, 0).squareRoot()
            // With per-coordinate kinetic weights and diagonal covariances the principal coordinate
            // j is x_j scaled by D_jj (`GaussianKLTransport.scales`): report x_j's own standard
            // deviations (the relative error is the same).
            let unit = exact.basis == nil ? exact.scales?[j] ?? 1 : 1
            return DirectionSpread(direction: j, neural: sd / unit, standardError: e.standardError / (2 * max(sd, 1e-300)) / unit,
                                   exact: s / unit)
        }
    }

    /// |L̂ − L*|/L*, |Ĝ − G*|/G*, |Ĵ − J*|/J* with the paired estimates.
    public var kineticError: Double { abs(kinetic.estimate - exact.kineticCost) / abs(exact.kineticCost) }
    public var terminalError: Double { abs(terminal.estimate - exact.terminalCost) / abs(exact.terminalCost) }
    public var totalError: Double { abs(total.estimate - exact.totalCost) / abs(exact.totalCost) }

    /// |m̂(T) − m*| over all coordinates.
    public var meanError: Double {
        let m = exact.terminalMean
        var s = 0.0
        for j in 0..<exact.d { let r = terminalMean[j] - m[j]; s += r * r }
        return s.squareRoot()
    }

    /// The largest |relative error| of a terminal standard deviation over all directions.
    public var spreadError: Double { spreads.map { abs($0.relativeError) }.max() ?? 0 }

    /// The quantities of the comparison that are NaN or ±∞, by name ("L", "terminal std x2", …):
    /// a comparison with any of them says nothing, and must not pass (comparisons with NaN are
    /// false, and `max` skips it, so tolerance checks alone would let it through).
    public var nonFiniteQuantities: [String] {
        var named: [(String, Double)] = []
        for (name, e) in [("L", kinetic), ("G", terminal), ("J", total)] {
            named += [(name, e.estimate), ("\(name) standard error", e.standardError), ("\(name) plain MC", e.plain),
                      ("\(name) plain standard error", e.plainStandardError)]
        }
        named += [("HJB residual", hjb), ("terminal mismatch", terminalHJB), ("∇ₓΦ error", gradientError)]
        named += terminalMean.enumerated().map { ("terminal mean x\($0.offset + 1)", $0.element) }
        for s in spreads {
            let name = (exact.basis == nil ? "x" : "v") + String(s.direction + 1)
            named += [("terminal std \(name)", s.neural), ("terminal std \(name) standard error", s.standardError)]
        }
        return named.filter { !$0.1.isFinite }.map(\.0)
    }

    /// The `count` directions with the largest |relative error|, worst first.
    public func worstSpreads(_ count: Int) -> [DirectionSpread] {
        Array(spreads.sorted { (abs($0.relativeError), -$0.direction) > (abs($1.relativeError), -$1.direction) }.prefix(count))
    }
}
