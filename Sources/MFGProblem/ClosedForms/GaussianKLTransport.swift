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
/// docs/validation.md ("Closed forms") has the derivation.
public struct GaussianKLTransport: Sendable, Equatable {
    public let d: Int
    public let m0: [Double]
    /// Initial variances v₀ⱼ per coordinate.
    public let variance0: [Double]
    public let m1: [Double]
    /// Target variances v₁ⱼ per coordinate.
    public let variance1: [Double]
    public let alphaL: Double
    public let lambdaG: Double
    public let T: Double

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

    /// Diagonal variances: the problem separates into d one-dimensional ones.
    public init(m0: [Double], variance0: [Double], m1: [Double], variance1: [Double],
                alphaL: Double, lambdaG: Double, T: Double) {
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

    /// The closed form of a problem that declares `closed_form: gaussian_kl_transport`
    /// (nil when the problem is not of that form).
    public init?(problem: Problem) {
        guard ClosedFormCheck.whyNot(.gaussianKLTransport, problem) == nil,
              case .gaussian(let g0) = problem.initialDensity,
              case .gaussian(let g1)? = problem.targetDensity else { return nil }
        self.init(m0: g0.mean, variance0: g0.variance, m1: g1.mean, variance1: g1.variance,
                  alphaL: problem.kineticWeight, lambdaG: problem.terminal.weight, T: problem.horizon)
    }

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

    /// Mean m(t) = m₀ + (t/T)(m* − m₀).
    public func mean(at t: Double) -> [Double] { (0..<d).map { m0[$0] + t / T * (mStar[$0] - m0[$0]) } }

    /// Standard deviations sⱼ(t) = √v₀ⱼ + (t/T)(s*ⱼ − √v₀ⱼ).
    public func standardDeviations(at t: Double) -> [Double] {
        (0..<d).map { variance0[$0].squareRoot() + t / T * (sStars[$0] - variance0[$0].squareRoot()) }
    }

    /// Standard deviation of coordinate 1 at time t (of every coordinate in the isotropic case).
    public func standardDeviation(at t: Double) -> Double { standardDeviations(at: t)[0] }

    /// Position at time t of the agent that starts at x₀: xⱼ(t) = mⱼ(t) + rⱼ(t)(x₀ⱼ − m₀ⱼ),
    /// rⱼ(t) = 1 + (t/T)(qⱼ − 1).
    public func path(from x0: [Double], at t: Double) -> [Double] {
        let q = stretches, m = mean(at: t)
        return (0..<d).map { m[$0] + (1 + t / T * (q[$0] - 1)) * (x0[$0] - m0[$0]) }
    }

    /// Velocity of that agent (constant in time): (m* − m₀)/T + (qⱼ − 1)/T · (x₀ⱼ − m₀ⱼ).
    public func pathVelocity(from x0: [Double]) -> [Double] {
        let q = stretches
        return (0..<d).map { (mStar[$0] - m0[$0]) / T + (q[$0] - 1) / T * (x0[$0] - m0[$0]) }
    }

    /// log ρ(x, t) with ρ(·,t) = N(m(t), diag s(t)²).
    public func logDensity(_ x: [Double], at t: Double) -> Double {
        let s = standardDeviations(at: t), m = mean(at: t)
        var sum = -0.5 * Double(d) * Double.log(2 * Double.pi)
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

    /// The constant momentum p = −(α_L/T)(m* − m₀) (∇Φ at the mean).
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

    /// Φ(x, t) = Σⱼ (½aⱼ(t)yⱼ² + pⱼyⱼ) + c_T + (T − t)|p|²/(2α_L), y = x − m(t).
    public func value(_ x: [Double], at t: Double) -> Double {
        let m = mean(at: t), a = curvatures(at: t), p = momentum
        var sum = 0.0, pp = 0.0
        for i in 0..<d {
            let y = x[i] - m[i]
            sum += 0.5 * a[i] * y * y + p[i] * y
            pp += p[i] * p[i]
        }
        return sum + terminalOffset + (T - t) * pp / (2 * alphaL)
    }

    /// ∇ₓΦ(x, t) = a(t) ⊙ (x − m(t)) + p.
    public func gradient(_ x: [Double], at t: Double) -> [Double] {
        let m = mean(at: t), a = curvatures(at: t), p = momentum
        return (0..<d).map { a[$0] * (x[$0] - m[$0]) + p[$0] }
    }

    /// ∂ₜΦ(x, t) = Σⱼ (½aⱼ′yⱼ² − aⱼyⱼṁⱼ − pⱼṁⱼ) − |p|²/(2α_L), y = x − m(t), ṁ = (m* − m₀)/T,
    /// aⱼ′ = aⱼ²/α_L. (Equal to |∇Φ|²/(2α_L) by the HJB equation; computed term by term here so
    /// tests can check that identity.)
    public func timeDerivative(_ x: [Double], at t: Double) -> Double {
        let m = mean(at: t), a = curvatures(at: t), p = momentum
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

    /// log ρ₁(x), ρ₁ = N(m₁, diag v₁).
    public func targetLogDensity(_ x: [Double]) -> Double {
        var sum = -0.5 * Double(d) * Double.log(2 * Double.pi)
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
