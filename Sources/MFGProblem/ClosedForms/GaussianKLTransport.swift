/// The exact solution of KL-relaxed transport between isotropic Gaussians.
///
/// Problem: ρ₀ = N(m₀, v₀I), ρ₁ = N(m₁, v₁I) in ℝᵈ, no running cost,
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
    public let v0: Double
    public let m1: [Double]
    public let v1: Double
    public let alphaL: Double
    public let lambdaG: Double
    public let T: Double

    /// Optimal terminal mean m*.
    public let mStar: [Double]
    /// Optimal terminal standard deviation s* (ρ(·,T) = N(m*, s*²I)).
    public let sStar: Double

    public init(d: Int, m0: [Double], v0: Double, m1: [Double], v1: Double,
                alphaL: Double, lambdaG: Double, T: Double) {
        precondition(d >= 1 && m0.count == d && m1.count == d, "GaussianKLTransport: means must have d entries")
        precondition(v0 > 0 && v1 > 0 && alphaL > 0 && lambdaG > 0 && T > 0,
                     "GaussianKLTransport: variances and weights must be positive")
        self.d = d
        self.m0 = m0
        self.v0 = v0
        self.m1 = m1
        self.v1 = v1
        self.alphaL = alphaL
        self.lambdaG = lambdaG
        self.T = T
        let kappa = lambdaG * T / (alphaL * v1)
        mStar = (0..<d).map { (m0[$0] + kappa * m1[$0]) / (1 + kappa) }
        // Positive root of A s² − B s − C = 0 with A, C > 0, B ≥ 0: both terms of
        // B + √(B² + 4AC) are non-negative, so the textbook formula has no cancellation.
        let a = alphaL / T
        let A = a + lambdaG / v1, B = a * v0.squareRoot(), C = lambdaG
        sStar = (B + (B * B + 4 * A * C).squareRoot()) / (2 * A)
    }

    /// The closed form of a problem that declares `closed_form: gaussian_kl_transport`
    /// (nil when the problem is not of that form).
    public init?(problem: Problem) {
        guard ClosedFormCheck.whyNot(.gaussianKLTransport, problem) == nil,
              case .gaussian(let g0) = problem.initialDensity,
              case .gaussian(let g1)? = problem.targetDensity else { return nil }
        self.init(d: problem.dimension, m0: g0.mean, v0: g0.variance[0], m1: g1.mean, v1: g1.variance[0],
                  alphaL: problem.kineticWeight, lambdaG: problem.terminal.weight, T: problem.horizon)
    }

    // MARK: costs

    /// Ratio q = s*/√v₀ of final to initial standard deviation.
    public var stretch: Double { sStar / v0.squareRoot() }

    /// Transport cost L* = α_L/(2T) (|m* − m₀|² + d(s* − √v₀)²).
    public var kineticCost: Double {
        let dm = squaredDistance(mStar, m0)
        let ds = sStar - v0.squareRoot()
        return alphaL / (2 * T) * (dm + Double(d) * ds * ds)
    }

    /// KL(N(m*, s*²I) ‖ N(m₁, v₁I)).
    public var terminalKL: Double {
        let s2 = sStar * sStar
        return 0.5 * (Double(d) * s2 / v1 + squaredDistance(mStar, m1) / v1 - Double(d)
                      + Double(d) * Double.log(v1 / s2))
    }

    /// Terminal cost G* = λ_G·KL.
    public var terminalCost: Double { lambdaG * terminalKL }

    /// Optimal value J* = L* + G*.
    public var totalCost: Double { kineticCost + terminalCost }

    // MARK: flow

    /// Mean m(t) = m₀ + (t/T)(m* − m₀).
    public func mean(at t: Double) -> [Double] { (0..<d).map { m0[$0] + t / T * (mStar[$0] - m0[$0]) } }

    /// Standard deviation s(t) = √v₀ + (t/T)(s* − √v₀).
    public func standardDeviation(at t: Double) -> Double { v0.squareRoot() + t / T * (sStar - v0.squareRoot()) }

    /// Position at time t of the agent that starts at x₀: x(t) = m(t) + r(t)(x₀ − m₀).
    public func path(from x0: [Double], at t: Double) -> [Double] {
        let r = 1 + t / T * (stretch - 1)
        let m = mean(at: t)
        return (0..<d).map { m[$0] + r * (x0[$0] - m0[$0]) }
    }

    /// Velocity of that agent (constant in time): (m* − m₀)/T + (q − 1)/T · (x₀ − m₀).
    public func pathVelocity(from x0: [Double]) -> [Double] {
        (0..<d).map { (mStar[$0] - m0[$0]) / T + (stretch - 1) / T * (x0[$0] - m0[$0]) }
    }

    /// log ρ(x, t) with ρ(·,t) = N(m(t), s(t)²I).
    public func logDensity(_ x: [Double], at t: Double) -> Double {
        let s = standardDeviation(at: t)
        let m = mean(at: t)
        return -0.5 * squaredDistance(x, m) / (s * s) - Double(d) * Double.log(s) - 0.5 * Double(d) * Double.log(2 * Double.pi)
    }

    // MARK: value function

    /// Curvature a(t) of Φ(·, t).
    public func curvature(at t: Double) -> Double {
        let q1 = stretch - 1
        return -alphaL * q1 / (T + t * q1)
    }

    /// The constant momentum p = −(α_L/T)(m* − m₀) (∇Φ at the mean).
    public var momentum: [Double] { (0..<d).map { -alphaL / T * (mStar[$0] - m0[$0]) } }

    /// c_T = Φ(m*, T) = λ_G(|m* − m₁|²/(2v₁) + (d/2) log(v₁/s*²) + 1).
    public var terminalOffset: Double {
        lambdaG * (squaredDistance(mStar, m1) / (2 * v1) + 0.5 * Double(d) * Double.log(v1 / (sStar * sStar)) + 1)
    }

    /// Φ(x, t).
    public func value(_ x: [Double], at t: Double) -> Double {
        let m = mean(at: t)
        let p = momentum
        var yy = 0.0, py = 0.0, pp = 0.0
        for i in 0..<d {
            let y = x[i] - m[i]
            yy += y * y
            py += p[i] * y
            pp += p[i] * p[i]
        }
        return 0.5 * curvature(at: t) * yy + py + terminalOffset + (T - t) * pp / (2 * alphaL)
    }

    /// ∇ₓΦ(x, t) = a(t)(x − m(t)) + p.
    public func gradient(_ x: [Double], at t: Double) -> [Double] {
        let m = mean(at: t)
        let a = curvature(at: t)
        let p = momentum
        return (0..<d).map { a * (x[$0] - m[$0]) + p[$0] }
    }

    /// ∂ₜΦ(x, t) = ½ a′|y|² − a y·ṁ − p·ṁ − |p|²/(2α_L), y = x − m(t), ṁ = (m* − m₀)/T,
    /// a′ = a²/α_L. (Equal to |∇Φ|²/(2α_L) by the HJB equation; computed term by term here so
    /// tests can check that identity.)
    public func timeDerivative(_ x: [Double], at t: Double) -> Double {
        let m = mean(at: t)
        let a = curvature(at: t)
        let aDot = a * a / alphaL
        let p = momentum
        var yy = 0.0, ym = 0.0, pm = 0.0, pp = 0.0
        for i in 0..<d {
            let y = x[i] - m[i]
            let mDot = (mStar[i] - m0[i]) / T
            yy += y * y
            ym += y * mDot
            pm += p[i] * mDot
            pp += p[i] * p[i]
        }
        return 0.5 * aDot * yy - a * ym - pm - pp / (2 * alphaL)
    }

    /// The terminal condition λ_G(log ρ(x,T) − log ρ₁(x) + 1), evaluated from the densities
    /// (independently of `value`), for checks.
    public func terminalCondition(_ x: [Double]) -> Double {
        let logRho1 = -0.5 * squaredDistance(x, m1) / v1 - 0.5 * Double(d) * Double.log(2 * Double.pi * v1)
        return lambdaG * (logDensity(x, at: T) - logRho1 + 1)
    }
}

@inline(__always)
func squaredDistance(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in 0..<a.count { let r = a[i] - b[i]; s += r * r }
    return s
}
