import MFGMath

/// The Cole–Hopf solution of the stochastic HJB equation without density coupling, computed by
/// Monte Carlo: the reference of `mfg validate` for the HJB-LQ family.
///
/// **Family**: σ > 0, no running cost, and one terminal term λ g(x) that does not depend on the
/// density (preference or log-quadratic). Then the HJB equation decouples from ρ:
///
///     −∂ₜΦ − (σ²/2)ΔΦ + |∇Φ|²/(2α_L) = 0,   Φ(·, T) = λg.
///
/// **Derivation** (docs/validation.md, "Cole–Hopf"): put Φ = −c ln ψ. Then ∇Φ = −c∇ψ/ψ,
/// ΔΦ = −cΔψ/ψ + c|∇ψ|²/ψ², ∂ₜΦ = −c∂ₜψ/ψ, and the equation times ψ/c reads
/// ∂ₜψ + (σ²/2)Δψ + (c/(2α_L) − σ²/2)|∇ψ|²/ψ = 0. With c = α_Lσ² the quadratic term vanishes and
/// ψ solves the backward heat equation, ψ(t, x) = E[ψ(T, x + σW_{T−t})] (Feynman–Kac), so
///
///     Φ(t, x) = −α_Lσ² ln E[exp(−λ g(x + σ√(T − t) ξ)/(α_Lσ²))],   ξ ~ N(0, I_d).
///
/// For the Han–Jentzen–E benchmark (α_L = ½, σ = √2, λ = 1): c = 1 and
/// Φ(t, x) = −ln E[exp(−g(x + √2 W_{T−t}))]. Φ is the value function itself (no free constant).
///
/// **Estimator**: with M draws ξₘ, aₘ = λg(x + σ√(T−t)ξₘ)/c, m̂ = (1/M)Σ exp(−aₘ) (computed
/// after shifting by min aₘ, so nothing underflows), Φ̂ = −c ln m̂, and by the delta method the
/// standard error c·s/(√M m̂), s the sample standard deviation of exp(−aₘ). (ln of a mean is
/// biased by ≈ c s²/(2M m̂²), the square of the relative standard error times c/2: negligible
/// beside the standard error itself for the M used.)
public struct ColeHopfReference: Sendable {
    /// α_L σ².
    public let scale: Double
    /// σ.
    public let sigma: Double
    /// T.
    public let horizon: Double
    /// d.
    public let dimension: Int
    /// λg, the one terminal term.
    public let terminal: any LocalCost

    /// The reference of `problem`, or nil when it is outside the family (`whyNot` says why).
    public init?(problem: Problem) {
        guard Self.whyNot(problem) == nil else { return nil }
        sigma = problem.sigma
        scale = problem.kineticWeight * problem.sigma * problem.sigma
        horizon = problem.horizon
        dimension = problem.dimension
        terminal = problem.terminalCosts[0]
    }

    /// nil when `problem` is in the Cole–Hopf family, else the reason it is not.
    public static func whyNot(_ problem: Problem) -> String? {
        guard problem.sigma > 0 else { return "sigma must be positive (the formula divides by α_L σ²)" }
        guard problem.isIsotropic else { return "kinetic_weight and sigma must be one number each (the transform needs one α_L σ²)" }
        if problem.hasRunningCost { return "there must be no running cost" }
        let terms = problem.terminalCosts
        guard terms.count == 1 else { return "the terminal cost must be one term" }
        if terms[0].dependsOnDensity { return "the terminal cost must not depend on the density (\(terms[0].name) does)" }
        return nil
    }

    /// M standard normal draws in ℝᵈ (d × M), to be shared by many points (common random
    /// numbers: each point's estimate stays unbiased with its own standard error; the errors of
    /// nearby points are correlated, which makes their differences more precise, not less).
    public func draws(samples m: Int, rng: inout RandomSource) -> [Double] {
        rng.gaussians(dimension * m)
    }

    /// Φ(t, x) and its standard error at the point `x` (d values) from the draws ξ (d × M, M ≥ 2,
    /// `draws`): the terminal term evaluated at x + σ√(T − t) ξₘ in chunks of 1024.
    public func value(at x: [Double], time t: Double, draws xi: [Double]) -> (value: Double, standardError: Double) {
        let d = dimension, m = xi.count / d
        precondition(x.count == d && m >= 2 && xi.count == d * m, "ColeHopfReference.value: need d values and ≥ 2 draws")
        let spread = sigma * max(horizon - t, 0).squareRoot()
        let chunk = min(m, 1024)
        var points = [Double](repeating: 0, count: d * chunk)
        var a = [Double](); a.reserveCapacity(m)
        var values = [Double](repeating: 0, count: chunk), derivative = values, slopes = values, slopes2 = values
        var gradient = [Double](repeating: 0, count: d * chunk), gradient2 = gradient
        let logDensity = [Double](repeating: 0, count: chunk)   // unused: the term is density-free
        var done = 0
        while done < m {
            let k = min(chunk, m - done)
            for j in 0..<k { for i in 0..<d { points[j * d + i] = x[i] + spread * xi[(done + j) * d + i] } }
            terminal.evaluate(LocalCostInput(points: points, logDensity: logDensity, dimension: d, count: k),
                              LocalCostOutput(value: &values, derivative: &derivative, valueGradient: &gradient,
                                              derivativeGradient: &gradient2, valueSlope: &slopes, derivativeSlope: &slopes2))
            for j in 0..<k { a.append(terminal.weight * values[j] / scale) }
            done += k
        }
        return Self.logMeanExp(a, scale: scale)
    }

    /// −c ln((1/M)Σ exp(−aₘ)) and its delta-method standard error, shifted by min a.
    public static func logMeanExp(_ a: [Double], scale c: Double) -> (value: Double, standardError: Double) {
        let m = Double(a.count)
        let lo = a.min() ?? 0
        var sum = 0.0, sum2 = 0.0
        for v in a { let y = Double.exp(-(v - lo)); sum += y; sum2 += y * y }
        let mean = sum / m
        let variance = max(sum2 / m - mean * mean, 0) * m / (m - 1)
        let value = -c * (Double.log(mean) - lo)
        return (value, c * (variance / m).squareRoot() / mean)
    }
}
