/// The cost carried by one space-time cell, per unit cell volume:
///
///     f(ρ, w) = a |w|²/(2ρ) + β ρ log ρ + q ρ + γ ρ^p/p,   ρ ≥ 0,  w ∈ ℝ⁴ (the cell's flux copies),
///
/// with f(0, 0) = 0 and f = +∞ when ρ = 0 < |w| or ρ < 0. One function covers every term of
/// the problem, pointwise:
///
/// - kinetic energy: a = α_L/4, since the cell is charged α_L c²/(8ρ) for each of its eight
///   face-flux copies c (see `GridPrimal`);
/// - obstacle / running preference: q = λ_Q Q(x) (linear);
/// - entropy: β = λ_E;
/// - congestion: γ = λ_C with its exponent p (`GridCongestion`);
/// - at the last level, terminal KL (β += λ_G/Δt, q −= (λ_G/Δt) log ρ₁) or preference
///   (q += (λ_G/Δt) g), the 1/Δt because G is not integrated in time while the cell weight is
///   Δx₁Δx₂Δt; running costs there get the trapezoid weight ½.
///
/// f is convex (the perspective of a quadratic, plus convex terms), so its proximal map is
/// single-valued.
public struct CellCost: Sendable, Equatable {
    /// Kinetic coefficient a > 0 (α_L/4 in the solver).
    public var alpha: Double
    /// Coefficient β ≥ 0 of ρ log ρ.
    public var entropy: Double
    /// Coefficient q of ρ.
    public var linear: Double
    /// Coefficient γ ≥ 0 of ρ^p/p (0: no congestion).
    public var congestion: Double
    /// The exponent p ∈ (1, 10] of the congestion.
    public var exponent: Double

    public init(alpha: Double, entropy: Double = 0, linear: Double = 0, congestion: Double = 0, exponent: Double = 2) {
        self.alpha = alpha; self.entropy = entropy; self.linear = linear
        self.congestion = congestion; self.exponent = exponent
    }

    /// f(ρ, w) (+∞ outside the domain).
    public func value(rho: Double, flux: [Double]) -> Double {
        var s = 0.0
        for w in flux { s += w * w }
        if rho < 0 { return .infinity }
        if rho == 0 { return s == 0 ? 0 : .infinity }
        var v = alpha * s / (2 * rho) + linear * rho
        if entropy > 0 { v += entropy * rho * Double.log(rho) }
        if congestion > 0 { v += congestion * Double.pow(rho, exponent) / exponent }
        return v
    }

    /// The proximal map: argmin f(ρ, w) + (|ρ − ρ̄|² + |w − w̄|²)/(2τ).
    ///
    /// For fixed ρ the flux minimiser is w = ρ w̄/(ρ + aτ). Substituting, ρ is the root of the
    /// scalar equation (the cubic (ρ − ρ̄ + τq)(ρ + aτ)² = τa|w̄|²/2 when β = 0)
    ///
    ///     ψ(ρ) = ρ − ρ̄ + τq + τβ(log ρ + 1) − τa|w̄|²/(2(ρ + aτ)²) = 0,
    ///
    /// where ψ is strictly increasing on ρ > 0 (ψ′ = 1 + τβ/ρ + τa|w̄|²/(ρ + aτ)³ ≥ 1) and
    /// concave (ψ″ = −τβ/ρ² − 3τa|w̄|²/(ρ + aτ)⁴ ≤ 0). `proxDensity` finds the root; `guess`
    /// (the previous iterate) makes it take 1–3 steps in the solver loop. With a congestion
    /// (γ > 0) ψ gains τγρ^(p−1), still increasing but convex for p > 2, and
    /// `proxDensityCongested` finds the root.
    public func prox(rhoBar: Double, fluxBar: [Double], tau: Double, guess: Double? = nil)
        -> (rho: Double, flux: [Double]) {
        var s = 0.0
        for w in fluxBar { s += w * w }
        let rho = congestion > 0
            ? CellCost.proxDensityCongested(rhoBar: rhoBar, fluxSquared: s, tau: tau, alpha: alpha, beta: entropy,
                                            q: linear, gamma: congestion, exponent: exponent,
                                            guess: guess ?? max(rhoBar, 1)).rho
            : CellCost.proxDensity(rhoBar: rhoBar, fluxSquared: s, tau: tau, alpha: alpha,
                                   beta: entropy, q: linear, guess: guess ?? max(rhoBar, 1))
        let shrink = rho / (rho + alpha * tau)
        return (rho, fluxBar.map { $0 * shrink })
    }

    /// Step limit of the entropy branch of `proxDensity`: above the proven bound (180) on its
    /// evaluations, so it never stops the iteration.
    public static let densityStepLimit = 200

    /// Root ρ ≥ 0 of ψ (see `prox`); `fluxSquared` = |w̄|².
    ///
    /// With a different step for the fluxes, `fluxTau` = τ_m (the density step being `tau`),
    /// the flux minimiser is w = ρw̄/(ρ + aτ_m) and the equation becomes
    /// ψ(ρ) = ρ − ρ̄ + τq + τβ(log ρ + 1) − κ/(ρ + aτ_m)², κ = ½τa|w̄|², with the same shape.
    ///
    /// **β = 0** (no entropy): ψ is bounded below by ψ(0); if ψ(0) ≥ 0 the cell empties (ρ = 0,
    /// w = 0). Otherwise Newton started at any point with ψ ≤ 0 increases monotonically to the
    /// root (concavity: each tangent lies above the graph), and from ψ > 0 one Newton step,
    /// clipped at 0, lands at ψ ≤ 0. ψ′ ∈ [1, 1 + 2κ/(aτ_m)³] on ρ ≥ 0, so this never stalls.
    ///
    /// **β > 0**: the root is positive (ψ → −∞ as ρ → 0) and may lie anywhere down to underflow,
    /// where Newton in ρ from the left is hopeless: there ψ′ ≈ τβ/ρ, so a step only multiplies ρ
    /// by about 1 + |ψ|/(τβ) (from ρ = 2⁻¹⁰²² to a root at 1e-4 more than 100 steps). So the
    /// unknown is y = log ρ, kept in a bracket [lo, hi] ∋ log ρ*, with three bounds from one
    /// evaluation of ψ(x), ψ′(x) at x = e^y (t = τβ, g = ψ − t log ρ, which is increasing):
    ///
    /// 1. tangent: ρ* ≥ x − ψ(x)/ψ′(x) (ψ concave: the tangent lies above ψ, its root below ρ*),
    ///    whichever the sign of ψ(x);
    /// 2. log-step: ψ(ρ) − t log ρ = g(ρ) is increasing, so for ρ on the far side of x,
    ///    ψ(ρ) ≥ ψ(x) + t log(ρ/x) (ρ > x) or ψ(ρ) ≤ ψ(x) + t log(ρ/x) (ρ < x): the root
    ///    satisfies log ρ* ≤ y − ψ(x)/t when ψ(x) < 0 and log ρ* ≥ y − ψ(x)/t when ψ(x) > 0;
    /// 3. slope ≥ 1: ρ* ≤ x − ψ(x) when ψ(x) < 0; and trivially log ρ* ≤ y when ψ(x) > 0,
    ///    log ρ* ≥ y when ψ(x) < 0.
    ///
    /// The next point is the Newton step in y, y − ψ/(xψ′), when it lies in [lo, hi], is less
    /// than half the step before the last one, and the bracket is at most half as wide as two
    /// evaluations ago; otherwise the midpoint (lo + hi)/2. Densities below the smallest normal
    /// number ℓ = 2⁻¹⁰²² are not represented (the answer is then ℓ, as before): lo starts at
    /// log ℓ, and when ψ(x) > 0 and no bound lifts lo above log ℓ the next point is ℓ itself;
    /// ψ(ℓ) > 0 then returns ℓ. Stopping: |ψ| at the rounding level of its terms (1e-15 of their
    /// sum), a Newton step |Δy| ≤ 1e-14 (relative change of ρ), or hi − lo ≤ 1e-14.
    ///
    /// Step bound: the bisection rule makes the bracket width W after evaluation n + 1 at most
    /// half of W after evaluation n − 2 (either W already halved over those steps, or the midpoint
    /// of the current bracket is evaluated next). After the first evaluation W < 1418 (hi ≤
    /// log(x − ψ) or y ≤ log DBL_MAX, lo ≥ log ℓ), and 1418/2⁵⁷ < 1e-14, so W reaches the stopping
    /// width after at most 1 + 3·57 evaluations, plus at most 3 for the one jump to ℓ (which
    /// overrides the rule once): fewer than 180. Measured (MFGGridTests `ProxRootTests`): at most
    /// 14 evaluations on constructed cells where the old iteration ran out of steps (where it
    /// returned e.g. 2e-53 for a root at 1e-4), under 60 on random cells spread over 14 orders of
    /// magnitude of τβ, aτ and κ, and 1–2 when started at the root, as in the solver's late
    /// iterations.
    @inline(__always)
    public static func proxDensity(rhoBar: Double, fluxSquared s: Double, tau: Double,
                                   alpha: Double, beta: Double, q: Double, guess: Double,
                                   fluxTau: Double? = nil) -> Double {
        proxDensityCounted(rhoBar: rhoBar, fluxSquared: s, tau: tau, alpha: alpha, beta: beta, q: q,
                           guess: guess, fluxTau: fluxTau).rho
    }

    /// `proxDensity` and the number of evaluations of ψ it took (entropy branch; 0 for β = 0).
    @inline(__always)
    public static func proxDensityCounted(rhoBar: Double, fluxSquared s: Double, tau: Double,
                                          alpha: Double, beta: Double, q: Double, guess: Double,
                                          fluxTau: Double? = nil) -> (rho: Double, steps: Int) {
        let at = alpha * (fluxTau ?? tau)
        let c0 = -rhoBar + tau * q            // ψ = ρ + c0 + τβ(log ρ + 1) − k/(ρ+ατ)²
        let k = 0.5 * tau * alpha * s
        let tb = tau * beta
        if tb == 0 {
            // Pure cubic: ψ(0) ≥ 0 means the cell empties.
            let psi0 = c0 - k / (at * at)
            if psi0 >= 0 { return (0, 0) }
            var x = max(guess, 0)
            var e = x + at
            var psi = x + c0 - k / (e * e)
            if psi > 0 {
                x = max(x - psi / (1 + 2 * k / (e * e * e)), 0)
            }
            for _ in 0..<100 {
                e = x + at
                psi = x + c0 - k / (e * e)
                let step = psi / (1 + 2 * k / (e * e * e))
                x -= step
                if abs(step) <= 1e-14 * (x + at) { break }
            }
            return (max(x, 0), 0)
        }
        return bracketedLogNewton(c0: c0, tb: tb, guess: guess) { x in
            let e = x + at
            let kin = k / (e * e)
            return (kin, 2 * kin / e)
        }
    }

    /// The entropy branch (τβ = `tb` > 0) shared by the isotropic and the anisotropic cell: the
    /// root of ψ(ρ) = ρ + c₀ + τβ(log ρ + 1) − κ(ρ) by the bracketed Newton iteration in y = log ρ
    /// described at `proxDensity` (bracket, step rule, stopping rule, step bound). `kinetic(ρ)`
    /// returns the kinetic part κ(ρ) (a sum of κₐ/(ρ + aₐτ_m)²) and the magnitude of its slope
    /// (Σ2κₐ/(ρ + aₐτ_m)³), so ψ′ = 1 + τβ/ρ + slope. Returns ρ and the evaluations of ψ.
    @inline(__always)
    static func bracketedLogNewton(c0: Double, tb: Double, guess: Double,
                                   kinetic: (Double) -> (value: Double, slope: Double)) -> (rho: Double, steps: Int) {
        let least = Double.leastNormalMagnitude
        let logLeast = Double.log(least)
        var x = guess > 0 ? max(guess, least) : 1
        var lo = logLeast, hi = Double.infinity
        var dx = Double.infinity, dxOld = Double.infinity      // the last two steps in y
        var w1 = Double.infinity, w2 = Double.infinity         // the last two bracket widths
        for n in 1...densityStepLimit {
            let y = Double.log(x)
            let kin = kinetic(x)
            let psi = x + c0 + tb * (y + 1) - kin.value
            if abs(psi) <= 1e-15 * (x + abs(c0) + tb * (abs(y) + 1) + kin.value) { return (x, n) }
            let d = 1 + tb / x + kin.slope
            let xn = x - psi / d                               // tangent root: a lower bound
            if psi > 0 {
                if x <= least { return (least, n) }
                hi = min(hi, y)
                lo = max(lo, y - psi / tb)
                if xn > 0 { lo = max(lo, Double.log(xn)) }
            } else {
                lo = max(lo, Double.log(xn))
                hi = min(min(hi, y - psi / tb), Double.log(x - psi))
            }
            let sy = -psi / (x * d)                            // Newton step in y
            if abs(sy) <= 1e-14 { return (max(x * Double.exp(sy), least), n) }
            var yn = y + sy
            let bisect = !(yn >= lo && yn <= hi) || abs(2 * sy) > abs(dxOld) || hi - lo > 0.5 * w2
            dxOld = dx
            if psi > 0 && lo <= logLeast {
                yn = logLeast; dx = y - logLeast
            } else if bisect {
                yn = 0.5 * (lo + hi); dx = yn - y
            } else {
                dx = sy
            }
            w2 = w1; w1 = hi - lo
            let ex = Double.exp(min(yn, 709))
            if w1 <= 1e-14 { return (max(ex, least), n) }
            x = yn <= logLeast ? least : ex
        }
        return (x, densityStepLimit)
    }
}
