import Foundation
import MFGMath

/// The exact solution of KL-relaxed transport between Gaussians with diagonal covariances.
///
/// Problem: ρ₀ = N(m₀, v₀I), ρ₁ = N(m₁, v₁I) in ℝᵈ (or, coordinate by coordinate, diagonal
/// variances v₀ⱼ, v₁ⱼ: every formula below then holds per coordinate and the costs add up),
/// no running cost,
///
///     J = α_L ∫₀ᵀ∫ ½|v|² ρ dx dt + λ_G KL(ρ(·,T) ‖ ρ₁).
///
/// The optimum keeps ρ(·,t) Gaussian, N(m(t), s(t)²I), moving on straight lines at constant
/// speed, so J reduces to a function of the end state (m, s):
///
///     L(m, s) = α_L/(2T) (|m − m₀|² + d(s − √v₀)²)                         (α_L/(2T)·W₂²)
///     G(m, s) = λ_G/2 (d s²/v₁ + |m − m₁|²/v₁ − d + d log(v₁/s²))          (λ_G·KL)
///
/// Setting the derivatives to zero, with γ = λ_G T/α_L and κ = γ/v₁,
///
///     m* = (m₀ + κ m₁)/(1 + κ),
///     (α_L/T)(s − √v₀) + λ_G(s/v₁ − 1/s) = 0
///       ⇔ (α_L/T + λ_G/v₁) s² − (α_L/T)√v₀ s − λ_G = 0,
///
/// whose positive root is s*. Paths are x(t) = m(t) + r(t)(x₀ − m₀) with
/// m(t) = m₀ + (t/T)(m* − m₀), r(t) = 1 + (t/T)(q − 1), q = s*/√v₀.
///
/// The value function (v = −∇Φ/α_L, −∂ₜΦ + |∇Φ|²/(2α_L) = 0,
/// Φ(x,T) = λ_G(log ρ(x,T) − log ρ₁(x) + 1)) is quadratic in x:
///
///     Φ(x, t) = ½ a(t) |x − m(t)|² + p·(x − m(t)) + c_T + (T − t)|p|²/(2α_L),
///     a(t) = −α_L(q − 1)/(T + t(q − 1)),   p = −(α_L/T)(m* − m₀),
///     c_T = λ_G (|m* − m₁|²/(2v₁) + (d/2) log(v₁/s*²) + 1).
///
/// **Commuting covariances.** When Σ₀ = V diag(v₀) Vᵀ and Σ₁ = V diag(v₁) Vᵀ share an orthonormal
/// eigenbasis V (they commute; for instance both rotated by the same Q), the problem in the
/// principal coordinates y = Vᵀx is the diagonal one above: the kinetic cost and the KL divergence
/// are invariant under the rotation. So the solution is the diagonal solution in y, and
/// Φ(x, t) = Φ_y(Vᵀx, t), ∇ₓΦ = V∇_yΦ_y, x(t) = V y(t), log ρ(x, t) = log ρ_y(Vᵀx, t)
/// (|det V| = 1). `basis` holds V; the per-direction quantities (`m0`, `variance0`, `m1`,
/// `variance1`, `mStar`, `sStars`, `curvatures`, `momentum`) are then in principal coordinates,
/// while every function of a point takes and returns ambient x.
///
/// **Per-coordinate kinetic weights.** With the kinetic cost ½Σᵢαᵢvᵢ² (H(p) = Σᵢpᵢ²/(2αᵢ)), the
/// scaling u = Dx, Dᵢᵢ = √(αᵢ/α_L), makes it α_L·½|u̇|²: the problem in u is the isotropic one
/// above between N(Dm₀, DΣ₀D) and N(Dm₁, DΣ₁D) (the KL divergence is invariant under the bijection).
/// So when DΣ₀D and DΣ₁D commute (always for diagonal covariances) the solution is the one of
/// those Gaussians, in the principal coordinates y = VᵀDx: Φ(x, t) = Φ_y(VᵀDx, t),
/// ∇ₓΦ = DV∇_yΦ_y (a covector), x(t) = D⁻¹Vy(t), log ρ(x, t) = log ρ_y(VᵀDx, t) + log det D.
/// `scales` holds the Dᵢᵢ (nil: D = I); the costs are unchanged (L is α_L·½∫|u̇|², J is the u-problem's).
///
/// docs/validation.md ("Closed forms") has the derivation.
public struct GaussianKLTransport: Sendable, Equatable {
    public let d: Int
    /// m₀ (in principal coordinates when `basis` is set).
    public let m0: [Double]
    /// Initial variances v₀ⱼ per coordinate (per principal direction when `basis` is set).
    public let variance0: [Double]
    /// m₁ (in principal coordinates when `basis` is set).
    public let m1: [Double]
    /// Target variances v₁ⱼ per coordinate (per principal direction when `basis` is set).
    public let variance1: [Double]
    /// The common eigenbasis V of Σ₀ and Σ₁ (column j is principal direction j, x = Vy), or nil
    /// when both covariances are diagonal in the standard coordinates.
    public let basis: Matrix<Double>?
    /// α_L: the kinetic weight of the principal coordinates (with `scales`, the reference
    /// against which they are scaled: problem files use the geometric mean of the αᵢ).
    public let alphaL: Double
    public let lambdaG: Double
    public let T: Double
    /// Dᵢᵢ = √(αᵢ/α_L) per ambient coordinate for per-coordinate kinetic weights αᵢ (principal
    /// coordinates y = VᵀDx), or nil when every αᵢ = α_L.
    public let scales: [Double]?

    /// Optimal terminal mean m*.
    public let mStar: [Double]
    /// Optimal terminal standard deviations s*ⱼ (ρ(·,T) = N(m*, diag s*²)).
    public let sStars: [Double]

    /// Isotropic variances v₀I and v₁I.
    public init(d: Int, m0: [Double], v0: Double, m1: [Double], v1: Double,
                alphaL: Double, lambdaG: Double, T: Double) {
        self.init(m0: m0, variance0: [Double](repeating: v0, count: d), m1: m1,
                  variance1: [Double](repeating: v1, count: d), alphaL: alphaL, lambdaG: lambdaG, T: T)
    }

    /// Diagonal variances: the problem separates into d one-dimensional ones. With `basis` V,
    /// the means and variances are those of the principal coordinates y = Vᵀx.
    public init(m0: [Double], variance0: [Double], m1: [Double], variance1: [Double],
                alphaL: Double, lambdaG: Double, T: Double, basis: Matrix<Double>? = nil, scales: [Double]? = nil) {
        let d = m0.count
        precondition(d >= 1 && m1.count == d && variance0.count == d && variance1.count == d,
                     "GaussianKLTransport: means and variances must have d entries")
        precondition(variance0.allSatisfy { $0 > 0 } && variance1.allSatisfy { $0 > 0 }
                     && alphaL > 0 && lambdaG > 0 && T > 0,
                     "GaussianKLTransport: variances and weights must be positive")
        self.d = d
        self.m0 = m0
        self.variance0 = variance0
        self.m1 = m1
        self.variance1 = variance1
        self.alphaL = alphaL
        self.lambdaG = lambdaG
        self.T = T
        precondition(basis.map { $0.rows == d && $0.cols == d } ?? true, "GaussianKLTransport: the basis must be d × d")
        precondition(scales.map { $0.count == d && $0.allSatisfy { $0 > 0 && $0.isFinite } } ?? true,
                     "GaussianKLTransport: the scales must be d positive numbers")
        self.basis = basis
        self.scales = scales
        mStar = (0..<d).map { j in
            let kappa = lambdaG * T / (alphaL * variance1[j])
            return (m0[j] + kappa * m1[j]) / (1 + kappa)
        }
        // Positive root of A s² − B s − C = 0 with A, C > 0, B ≥ 0: both terms of
        // B + √(B² + 4AC) are non-negative, so the textbook formula has no cancellation.
        let a = alphaL / T
        sStars = (0..<d).map { j in
            let A = a + lambdaG / variance1[j], B = a * variance0[j].squareRoot(), C = lambdaG
            return (B + (B * B + 4 * A * C).squareRoot()) / (2 * A)
        }
    }

    /// Gaussians N(m₀, Σ₀) → N(m₁, Σ₁) with commuting covariances: the diagonal solution in
    /// their common eigenbasis (the standard one when both are diagonal, so the numbers are those
    /// of the diagonal initialiser).
    ///
    /// - Throws: `CommutatorError` when ‖Σ₀Σ₁ − Σ₁Σ₀‖_F/(‖Σ₀‖_F‖Σ₁‖_F) exceeds
    ///   `commutatorTolerance` (no rotation diagonalises both: the problem does not separate).
    ///
    /// With per-coordinate `kineticWeights` αᵢ (nil: α_L on every coordinate) the covariances
    /// that must commute are the scaled DΣ₀D and DΣ₁D, Dᵢᵢ = √(αᵢ/α_L) (see the type's notes).
    public init(from source: Gaussian, to target: Gaussian, alphaL: Double, lambdaG: Double, T: Double,
                kineticWeights: [Double]? = nil) throws(CommutatorError) {
        precondition(source.dimension == target.dimension, "GaussianKLTransport: dimensions differ")
        precondition(kineticWeights.map { $0.count == source.dimension } ?? true, "GaussianKLTransport: one weight per coordinate")
        let scales = kineticWeights.map { $0.map { ($0 / alphaL).squareRoot() } }
        let dd = source.dimension, sc = scales ?? [Double](repeating: 1, count: dd)
        func scaled(_ x: [Double]) -> [Double] { scales == nil ? x : (0..<dd).map { sc[$0] * x[$0] } }
        if source.full == nil && target.full == nil {
            func scaledVariance(_ v: [Double]) -> [Double] { scales == nil ? v : (0..<dd).map { sc[$0] * sc[$0] * v[$0] } }
            self.init(m0: scaled(source.mean), variance0: scaledVariance(source.variance), m1: scaled(target.mean),
                      variance1: scaledVariance(target.variance), alphaL: alphaL, lambdaG: lambdaG, T: T, scales: scales)
            return
        }
        func scaledCovariance(_ c: Matrix<Double>) -> Matrix<Double> {
            scales == nil ? c : Matrix(rows: dd, cols: dd) { i, j in sc[i] * c[i, j] * sc[j] }
        }
        let s0 = scaledCovariance(source.covariance), s1 = scaledCovariance(target.covariance)
        let commutator = CommonEigenbasis.relativeCommutator(s0, s1)
        guard commutator <= Self.commutatorTolerance else { throw CommutatorError(relativeNorm: commutator) }
        let frame = CommonEigenbasis(s0, s1)
        let v = frame.vectors
        func principal(_ x: [Double]) -> [Double] {
            (0..<x.count).map { j in (0..<x.count).reduce(0.0) { $0 + v[$1, j] * x[$1] } }
        }
        self.init(m0: principal(scaled(source.mean)), variance0: frame.aValues, m1: principal(scaled(target.mean)),
                  variance1: frame.bValues, alphaL: alphaL, lambdaG: lambdaG, T: T, basis: v, scales: scales)
    }

    /// Covariances whose relative commutator is below this count as commuting: covariances
    /// built in floating point from one rotation commute to ≈ 1e-16; a file with 9 significant
    /// digits still passes.
    public static let commutatorTolerance = 1e-9

    /// The closed form of a problem that declares `closed_form: gaussian_kl_transport`
    /// (nil when the problem is not of that form).
    public init?(problem: Problem) {
        guard ClosedFormCheck.whyNot(.gaussianKLTransport, problem) == nil,
              case .gaussian(let g0) = problem.initialDensity,
              case .gaussian(let g1)? = problem.targetDensity else { return nil }
        try? self.init(from: g0, to: g1, alphaL: problem.kineticWeight, lambdaG: problem.terminal.weight,
                       T: problem.horizon, kineticWeights: problem.kineticWeights)
    }

    // MARK: principal coordinates

    /// y = VᵀDx (D = I without `scales`, V = I without a basis).
    public func principal(_ x: [Double]) -> [Double] {
        let u = scales.map { sc in (0..<d).map { sc[$0] * x[$0] } } ?? x
        guard let v = basis else { return u }
        return (0..<d).map { j in
            var s = 0.0
            for i in 0..<d { s += v[i, j] * u[i] }
            return s
        }
    }

    /// x = D⁻¹Vy (a point or a velocity back in ambient coordinates).
    public func ambient(_ y: [Double]) -> [Double] {
        let u = rotated(y)
        return scales.map { sc in (0..<d).map { u[$0] / sc[$0] } } ?? u
    }

    /// ∇ₓΦ = DV∇_yΦ: a gradient (covector) back in ambient coordinates.
    func ambientGradient(_ g: [Double]) -> [Double] {
        let u = rotated(g)
        return scales.map { sc in (0..<d).map { sc[$0] * u[$0] } } ?? u
    }

    /// Vy (y itself without a basis).
    private func rotated(_ y: [Double]) -> [Double] {
        guard let v = basis else { return y }
        return (0..<d).map { i in
            var s = 0.0
            for j in 0..<d { s += v[i, j] * y[j] }
            return s
        }
    }

    /// log det D = Σᵢ log Dᵢᵢ (0 without `scales`): the change of log-density from y to x.
    var logScale: Double { scales.map { $0.reduce(0) { $0 + Double.log($1) } } ?? 0 }

    // MARK: the isotropic case

    /// v₀ of coordinate 1 (of every coordinate when ρ₀ is isotropic).
    public var v0: Double { variance0[0] }
    /// v₁ of coordinate 1 (of every coordinate when ρ₁ is isotropic).
    public var v1: Double { variance1[0] }
    /// s* of coordinate 1 (of every coordinate in the isotropic case).
    public var sStar: Double { sStars[0] }
    /// q = s*/√v₀ of coordinate 1 (see `stretches`).
    public var stretch: Double { stretches[0] }

    // MARK: costs

    /// Ratios qⱼ = s*ⱼ/√v₀ⱼ of final to initial standard deviation.
    public var stretches: [Double] { (0..<d).map { sStars[$0] / variance0[$0].squareRoot() } }

    /// Transport cost L* = α_L/(2T) Σⱼ ((m*ⱼ − m₀ⱼ)² + (s*ⱼ − √v₀ⱼ)²).
    public var kineticCost: Double {
        var sum = squaredDistance(mStar, m0)
        for j in 0..<d { let ds = sStars[j] - variance0[j].squareRoot(); sum += ds * ds }
        return alphaL / (2 * T) * sum
    }

    /// KL(N(m*, diag s*²) ‖ N(m₁, diag v₁)) = ½ Σⱼ (s*ⱼ²/v₁ⱼ + (m*ⱼ − m₁ⱼ)²/v₁ⱼ − 1 + log(v₁ⱼ/s*ⱼ²)).
    public var terminalKL: Double {
        var sum = 0.0
        for j in 0..<d {
            let s2 = sStars[j] * sStars[j], dm = mStar[j] - m1[j], v = variance1[j]
            sum += s2 / v + dm * dm / v - 1 + Double.log(v / s2)
        }
        return 0.5 * sum
    }

    /// Terminal cost G* = λ_G·KL.
    public var terminalCost: Double { lambdaG * terminalKL }

    /// Optimal value J* = L* + G*.
    public var totalCost: Double { kineticCost + terminalCost }

    /// Variances of the optimal terminal law, s*ⱼ².
    public var terminalVariances: [Double] { sStars.map { $0 * $0 } }

    // MARK: flow

    /// Mean m(t) = m₀ + (t/T)(m* − m₀), in ambient coordinates.
    public func mean(at t: Double) -> [Double] { ambient(principalMean(at: t)) }

    /// m(t) in principal coordinates.
    func principalMean(at t: Double) -> [Double] { (0..<d).map { m0[$0] + t / T * (mStar[$0] - m0[$0]) } }

    /// The optimal terminal mean m* in ambient coordinates.
    public var terminalMean: [Double] { ambient(mStar) }

    /// Standard deviations sⱼ(t) = √v₀ⱼ + (t/T)(s*ⱼ − √v₀ⱼ) (per principal direction).
    public func standardDeviations(at t: Double) -> [Double] {
        (0..<d).map { variance0[$0].squareRoot() + t / T * (sStars[$0] - variance0[$0].squareRoot()) }
    }

    /// Standard deviation of coordinate 1 at time t (of every coordinate in the isotropic case).
    public func standardDeviation(at t: Double) -> Double { standardDeviations(at: t)[0] }

    /// Position at time t of the agent that starts at x₀: xⱼ(t) = mⱼ(t) + rⱼ(t)(x₀ⱼ − m₀ⱼ),
    /// rⱼ(t) = 1 + (t/T)(qⱼ − 1).
    public func path(from x0: [Double], at t: Double) -> [Double] {
        let q = stretches, m = principalMean(at: t), y0 = principal(x0)
        return ambient((0..<d).map { m[$0] + (1 + t / T * (q[$0] - 1)) * (y0[$0] - m0[$0]) })
    }

    /// Velocity of that agent (constant in time): (m* − m₀)/T + (qⱼ − 1)/T · (y₀ⱼ − m₀ⱼ) in
    /// principal coordinates, returned in ambient ones.
    public func pathVelocity(from x0: [Double]) -> [Double] { ambient(principalVelocity(from: x0)) }

    /// The same velocity in principal coordinates.
    func principalVelocity(from x0: [Double]) -> [Double] {
        let q = stretches, y0 = principal(x0)
        return (0..<d).map { (mStar[$0] - m0[$0]) / T + (q[$0] - 1) / T * (y0[$0] - m0[$0]) }
    }

    /// log ρ(x, t) with ρ(·,t) = N(m(t), diag s(t)²) in principal coordinates (+ log det D).
    public func logDensity(_ x: [Double], at t: Double) -> Double {
        let x = principal(x)
        let s = standardDeviations(at: t), m = principalMean(at: t)
        var sum = -0.5 * Double(d) * Double.log(2 * Double.pi) + logScale
        for j in 0..<d { let y = (x[j] - m[j]) / s[j]; sum -= 0.5 * y * y + Double.log(s[j]) }
        return sum
    }

    // MARK: value function

    /// Curvatures aⱼ(t) = −α_L(qⱼ − 1)/(T + t(qⱼ − 1)) of Φ(·, t) along each coordinate.
    public func curvatures(at t: Double) -> [Double] {
        stretches.map { q in -alphaL * (q - 1) / (T + t * (q - 1)) }
    }

    /// Curvature of coordinate 1 (of every coordinate in the isotropic case).
    public func curvature(at t: Double) -> Double { curvatures(at: t)[0] }

    /// The constant momentum p = −(α_L/T)(m* − m₀) (∇Φ at the mean; principal coordinates).
    public var momentum: [Double] { (0..<d).map { -alphaL / T * (mStar[$0] - m0[$0]) } }

    /// c_T = Φ(m*, T) = λ_G(Σⱼ (m*ⱼ − m₁ⱼ)²/(2v₁ⱼ) + ½ Σⱼ log(v₁ⱼ/s*ⱼ²) + 1).
    public var terminalOffset: Double {
        var sum = 1.0
        for j in 0..<d {
            let dm = mStar[j] - m1[j]
            sum += dm * dm / (2 * variance1[j]) + 0.5 * Double.log(variance1[j] / (sStars[j] * sStars[j]))
        }
        return lambdaG * sum
    }

    /// Φ(x, t) = Σⱼ (½aⱼ(t)yⱼ² + pⱼyⱼ) + c_T + (T − t)|p|²/(2α_L), y = x − m(t) (in principal
    /// coordinates).
    public func value(_ x: [Double], at t: Double) -> Double {
        let x = principal(x)
        let m = principalMean(at: t), a = curvatures(at: t), p = momentum
        var sum = 0.0, pp = 0.0
        for i in 0..<d {
            let y = x[i] - m[i]
            sum += 0.5 * a[i] * y * y + p[i] * y
            pp += p[i] * p[i]
        }
        return sum + terminalOffset + (T - t) * pp / (2 * alphaL)
    }

    /// ∇ₓΦ(x, t) = DV(a(t) ⊙ (y − m(t)) + p), y = VᵀDx (the gradient in principal coordinates,
    /// then back as a covector).
    public func gradient(_ x: [Double], at t: Double) -> [Double] {
        let y = principal(x)
        let m = principalMean(at: t), a = curvatures(at: t), p = momentum
        return ambientGradient((0..<d).map { a[$0] * (y[$0] - m[$0]) + p[$0] })
    }

    /// ∂ₜΦ(x, t) = Σⱼ (½aⱼ′yⱼ² − aⱼyⱼṁⱼ − pⱼṁⱼ) − |p|²/(2α_L), y = x − m(t), ṁ = (m* − m₀)/T,
    /// aⱼ′ = aⱼ²/α_L. (Equal to Σᵢ(∂ᵢΦ)²/(2αᵢ), |∇Φ|²/(2α_L) without scales, by the HJB
    /// equation; computed term by term here so tests can check that identity.)
    public func timeDerivative(_ x: [Double], at t: Double) -> Double {
        let x = principal(x)
        let m = principalMean(at: t), a = curvatures(at: t), p = momentum
        var sum = 0.0, pp = 0.0
        for i in 0..<d {
            let y = x[i] - m[i]
            let mDot = (mStar[i] - m0[i]) / T
            sum += 0.5 * a[i] * a[i] / alphaL * y * y - a[i] * y * mDot - p[i] * mDot
            pp += p[i] * p[i]
        }
        return sum - pp / (2 * alphaL)
    }

    /// The terminal condition λ_G(log ρ(x,T) − log ρ₁(x) + 1), evaluated from the densities
    /// (independently of `value`), for checks.
    public func terminalCondition(_ x: [Double]) -> Double {
        lambdaG * (logDensity(x, at: T) - targetLogDensity(x) + 1)
    }

    /// log ρ₁(x), ρ₁ = N(m₁, diag v₁) in principal coordinates (+ log det D).
    public func targetLogDensity(_ x: [Double]) -> Double {
        let x = principal(x)
        var sum = -0.5 * Double(d) * Double.log(2 * Double.pi) + logScale
        for j in 0..<d {
            let r = x[j] - m1[j]
            sum -= 0.5 * r * r / variance1[j] + 0.5 * Double.log(variance1[j])
        }
        return sum
    }
}

@inline(__always)
func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in 0..<a.count { let r = a[i] - b[i]; s += r * r }
    return s
}

/// Two covariances that do not commute: no rotation diagonalises both, so the KL-relaxed
/// transport between them does not separate into one-dimensional problems.
public struct CommutatorError: Error, Equatable, Sendable, CustomStringConvertible {
    /// ‖Σ₀Σ₁ − Σ₁Σ₀‖_F / (‖Σ₀‖_F ‖Σ₁‖_F).
    public let relativeNorm: Double

    public var description: String {
        String(format: "the covariances of initial_density and target_density do not commute "
               + "(‖Σ₀Σ₁ − Σ₁Σ₀‖/(‖Σ₀‖‖Σ₁‖) = %.3g, allowed: at most %.0e), so no rotation diagonalises both",
               relativeNorm, GaussianKLTransport.commutatorTolerance)
    }
}
