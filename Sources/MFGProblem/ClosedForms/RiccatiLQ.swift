import Foundation

/// The exact solution of the linear-quadratic control problem with noise: no running cost, the
/// terminal preference g(x) = ½·s·|x − c|² with weight λ, kinetic weight α_L, noise σ ≥ 0 (one
/// scalar for all coordinates), any Gaussian ρ₀ = N(μ₀, Σ₀). The HJB equation
///
///     −∂ₜΦ − (σ²/2) ΔΦ + |∇Φ|²/(2α_L) = 0,   Φ(x, T) = λ g(x)
///
/// has the quadratic solution Φ(x, t) = ½ p(t)|x − c|² + q(t): matching the powers of |x − c|
/// gives the (scalar) Riccati equation p′ = p²/α_L with p(T) = P = λs, and q′ = −(σ²/2) d p with
/// q(T) = 0, whose solutions are, with φ(t) = 1 + P(T − t)/α_L,
///
///     p(t) = P/φ(t),   q(t) = (σ²/2) d α_L ln φ(t).
///
/// They exist on [0, T] when φ > 0 there, i.e. P > −α_L/T (a concave g steep enough makes the
/// value −∞). The optimal velocity is v = −∇Φ/α_L = −(p/α_L)(x − c), so Y = X − c solves
/// dY = −(p/α_L)Y dt + σ dW, and since p/α_L = −φ′/φ the second moment m(t) = E|Y_t|² solves
/// m′ = 2(φ′/φ)m + σ²d, i.e. (m/φ²)′ = σ²d/φ²:
///
///     m(T) = m₀/φ₀² + σ² d (α_L/P)(1 − 1/φ₀),   m₀ = tr Σ₀ + |μ₀ − c|²,  φ₀ = φ(0)
///
/// (σ² d T/φ₀ in the limit P → 0). The optimal costs: J = E Φ(X₀, 0) = ½ p(0) m₀ + q(0),
/// G = λ E g(X_T) = ½ P m(T), L = J − G. With σ = 0 this is deterministic LQ transport.
/// `RiccatiLQTests` checks p, q and m against a numerical integration of their ODEs and J
/// against a Monte Carlo simulation of the optimally controlled SDE.
///
/// **Per coordinate** (`kinetic_weight` or `sigma` a list): the HJB −∂ₜΦ − Σᵢ(σᵢ²/2)∂ᵢᵢΦ +
/// Σᵢ(∂ᵢΦ)²/(2αᵢ) = 0 separates, Φ = ½Σᵢpᵢ(t)(xᵢ − cᵢ)² + q(t) with pᵢ′ = pᵢ²/αᵢ, pᵢ(T) = P, so
/// φᵢ(t) = 1 + P(T − t)/αᵢ, pᵢ = P/φᵢ, q(t) = Σᵢ(σᵢ²/2)αᵢ ln φᵢ(t), and per coordinate
/// mᵢ(T) = m₀ᵢ/φᵢ(0)² + σᵢ²(αᵢ/P)(1 − 1/φᵢ(0)), m₀ᵢ = Σ₀,ᵢᵢ + (μ₀ᵢ − cᵢ)². With equal entries these
/// are the formulas above summed over coordinates (the isotropic members use those, unchanged).
public struct RiccatiLQ: Sendable, Equatable {
    public let dimension: Int
    public let horizon: Double
    public let kineticWeight: Double
    public let sigma: Double
    /// P = λ·s, the curvature of Φ(·, T).
    public let terminalCurvature: Double
    /// c, the preference's centre.
    public let center: [Double]
    /// m₀ = E|X₀ − c|² = tr Σ₀ + |μ₀ − c|².
    public let initialSecondMoment: Double
    /// αᵢ and σᵢ per coordinate, nil for the isotropic problem (then `kineticWeight`, `sigma`).
    public let kineticWeights: [Double]?, sigmas: [Double]?
    /// m₀ᵢ = Σ₀,ᵢᵢ + (μ₀ᵢ − cᵢ)² per coordinate.
    public let initialSecondMoments: [Double]
    private var perCoordinate: Bool { kineticWeights != nil || sigmas != nil }
    private var alphas: [Double] { kineticWeights ?? [Double](repeating: kineticWeight, count: dimension) }
    private var noise: [Double] { sigmas ?? [Double](repeating: sigma, count: dimension) }

    public init?(problem: Problem) {
        guard Self.whyNot(problem) == nil, case .preference(let weight, .quadratic(let center, let scale)) = problem.terminal,
              case .gaussian(let g) = problem.initialDensity else { return nil }
        dimension = problem.dimension; horizon = problem.horizon; kineticWeight = problem.kineticWeight
        sigma = problem.sigma; terminalCurvature = weight * scale; self.center = center
        var m0 = 0.0
        var moments: [Double] = []
        for i in 0..<problem.dimension {
            let mi = g.variance[i] + (g.mean[i] - center[i]) * (g.mean[i] - center[i])
            m0 += mi; moments.append(mi)
        }
        initialSecondMoment = m0
        initialSecondMoments = moments
        kineticWeights = problem.kineticWeights; sigmas = problem.sigmas
    }

    /// nil when `problem` is in the family, else the reason it is not.
    public static func whyNot(_ problem: Problem) -> String? {
        if problem.hasRunningCost { return "there must be no running cost" }
        guard case .preference(let weight, .quadratic(_, let scale)) = problem.terminal else {
            return "the terminal cost must be a quadratic preference (g: {type: quadratic})"
        }
        guard case .gaussian = problem.initialDensity else { return "the initial density must be a Gaussian" }
        let p = weight * scale
        guard problem.kineticWeightsPerAxis.allSatisfy({ 1 + p * problem.horizon / $0 > 0 }) else {
            return "λ·scale = \(p) ≤ −α_L/T: the value is −∞ (the concave terminal cost wins over the kinetic cost)"
        }
        return nil
    }

    /// φ(t) = 1 + P(T − t)/α_L.
    public func phi(_ t: Double) -> Double { 1 + terminalCurvature * (horizon - t) / kineticWeight }
    /// p(t) = P/φ(t): the curvature of Φ(·, t) (isotropic problems).
    public func curvature(_ t: Double) -> Double { terminalCurvature / phi(t) }
    /// pᵢ(t) = P/φᵢ(t), φᵢ = 1 + P(T − t)/αᵢ: the curvature of Φ(·, t) along coordinate i.
    public func curvature(_ t: Double, coordinate i: Int) -> Double {
        guard let a = kineticWeights else { return curvature(t) }
        return terminalCurvature / (1 + terminalCurvature * (horizon - t) / a[i])
    }
    /// q(t) = (σ²/2) d α_L ln φ(t), or Σᵢ(σᵢ²/2)αᵢ ln φᵢ(t).
    public func offset(_ t: Double) -> Double {
        guard perCoordinate else { return sigma * sigma / 2 * Double(dimension) * kineticWeight * Double.log(phi(t)) }
        let a = alphas, s = noise
        var q = 0.0
        for i in 0..<dimension { q += s[i] * s[i] / 2 * a[i] * Double.log(1 + terminalCurvature * (horizon - t) / a[i]) }
        return q
    }

    /// Φ(x, t) = ½ p(t)|x − c|² + q(t).
    public func value(at x: [Double], time t: Double) -> Double {
        if perCoordinate {
            var v = 0.0
            for i in 0..<dimension { v += curvature(t, coordinate: i) * (x[i] - center[i]) * (x[i] - center[i]) }
            return v / 2 + offset(t)
        }
        var r2 = 0.0
        for i in 0..<dimension { r2 += (x[i] - center[i]) * (x[i] - center[i]) }
        return curvature(t) * r2 / 2 + offset(t)
    }

    /// ∇ₓΦ(x, t) = p(t)(x − c).
    public func gradient(at x: [Double], time t: Double) -> [Double] {
        (0..<dimension).map { curvature(t, coordinate: $0) * (x[$0] - center[$0]) }
    }

    /// E|X_T − c|² under the optimal control.
    public var terminalSecondMoment: Double {
        if perCoordinate { return terminalSecondMoments.reduce(0, +) }
        let phi0 = phi(0), d = Double(dimension), s2 = sigma * sigma
        let noise = terminalCurvature == 0 ? s2 * d * horizon
            : s2 * d * kineticWeight / terminalCurvature * (1 - 1 / phi0)
        return initialSecondMoment / (phi0 * phi0) + noise
    }

    /// The costs of the exact feedback v = −p(t)(x − c)/α_L on the time grid a solve with
    /// `steps` Euler–Maruyama steps uses (left-point rule for L, as the integrator): with
    /// Y_{k+1} = (1 − h p_k/α_L) Y_k + σ√h ξ_k the second moment follows
    /// m_{k+1} = (1 − h p_k/α_L)² m_k + σ² h d exactly. What the run's own time grid can reach:
    /// its J lies O(h) above the continuous optimum (+1.6 % with 10 steps on lq-noise-d10).
    /// E(X_T,i − cᵢ)² per coordinate under the optimal control.
    public var terminalSecondMoments: [Double] {
        let a = alphas, s = noise, P = terminalCurvature
        return (0..<dimension).map { i in
            let phi0 = 1 + P * horizon / a[i]
            let noise = P == 0 ? s[i] * s[i] * horizon : s[i] * s[i] * a[i] / P * (1 - 1 / phi0)
            return initialSecondMoments[i] / (phi0 * phi0) + noise
        }
    }

    public func eulerCosts(steps: Int) -> (kinetic: Double, terminal: Double, total: Double) {
        if perCoordinate {
            let h = horizon / Double(steps), a = alphas, s = noise
            var l = 0.0, g = 0.0
            for i in 0..<dimension {
                var m = initialSecondMoments[i]
                for k in 0..<steps {
                    let v = curvature(Double(k) * h, coordinate: i) / a[i]
                    l += h * a[i] / 2 * v * v * m
                    m = (1 - h * v) * (1 - h * v) * m + s[i] * s[i] * h
                }
                g += terminalCurvature * m / 2
            }
            return (l, g, l + g)
        }
        let h = horizon / Double(steps), d = Double(dimension)
        var m = initialSecondMoment, l = 0.0
        for k in 0..<steps {
            let a = curvature(Double(k) * h) / kineticWeight
            l += h * kineticWeight / 2 * a * a * m
            m = (1 - h * a) * (1 - h * a) * m + sigma * sigma * h * d
        }
        let g = terminalCurvature * m / 2
        return (l, g, l + g)
    }

    /// The optimal costs: L (kinetic), G (terminal), J = L + G.
    public var costs: (kinetic: Double, terminal: Double, total: Double) {
        if perCoordinate {
            var j = offset(0)
            for i in 0..<dimension { j += curvature(0, coordinate: i) * initialSecondMoments[i] / 2 }
            let g = terminalCurvature * terminalSecondMoment / 2
            return (j - g, g, j)
        }
        let j = curvature(0) * initialSecondMoment / 2 + offset(0)
        let g = terminalCurvature * terminalSecondMoment / 2
        return (j - g, g, j)
    }
}


/// The neural ∇ₓΦ against the exact p(t)(x − c) at the agents' positions at several times, and
/// Φ at the mean of ρ₀ at t = 0 (Φ itself, no constant: the value function of a control problem).
public struct RiccatiComparison: Sendable {
    public struct Row: Sendable {
        public let time: Double
        public let points: Int
        /// ‖∇Φ_N − ∇Φ*‖₂/‖∇Φ*‖₂ over the row's points (all coordinates).
        public let gradientRelativeRMS: Double
    }
    public let rows: [Row]
    /// The same over every row's points.
    public let gradientRelativeRMS: Double
    public let originNeural: Double, originExact: Double
    public var originError: Double { abs(originNeural - originExact) / max(abs(originExact), 1e-300) }

    /// `points[k]` and `gradients[k]`: d × n column-major positions and neural ∇ₓΦ at `times[k]`.
    public init(exact: RiccatiLQ, times: [Double], points: [[Double]], gradients: [[Double]], origin: [Double], originNeural: Double) {
        let d = exact.dimension
        var rows: [Row] = [], errAll = 0.0, refAll = 0.0
        for (k, t) in times.enumerated() {
            let n = points[k].count / d, p = (0..<d).map { exact.curvature(t, coordinate: $0) }
            var err = 0.0, ref = 0.0
            for c in 0..<n {
                for j in 0..<d {
                    let g = p[j] * (points[k][c * d + j] - exact.center[j]), e = gradients[k][c * d + j] - g
                    err += e * e; ref += g * g
                }
            }
            rows.append(Row(time: t, points: n, gradientRelativeRMS: (err / max(ref, 1e-300)).squareRoot()))
            errAll += err; refAll += ref
        }
        self.rows = rows
        gradientRelativeRMS = (errAll / max(refAll, 1e-300)).squareRoot()
        self.originNeural = originNeural
        originExact = exact.value(at: origin, time: 0)
    }
}
