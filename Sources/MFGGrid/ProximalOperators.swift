/// The cost carried by one space-time cell, per unit cell volume:
///
///     f(ρ, w) = a |w|²/(2ρ) + β ρ log ρ + q ρ,   ρ ≥ 0,  w ∈ ℝ⁴ (the cell's flux copies),
///
/// with f(0, 0) = 0 and f = +∞ when ρ = 0 < |w| or ρ < 0. One function covers every term of
/// the problem, pointwise:
///
/// - kinetic energy: a = α_L/4, since the cell is charged α_L c²/(8ρ) for each of its eight
///   face-flux copies c (see `GridPrimal`);
/// - obstacle / running preference: q = λ_Q Q(x) (linear);
/// - entropy: β = λ_E;
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

    public init(alpha: Double, entropy: Double = 0, linear: Double = 0) {
        self.alpha = alpha; self.entropy = entropy; self.linear = linear
    }

    /// f(ρ, w) (+∞ outside the domain).
    public func value(rho: Double, flux: [Double]) -> Double {
        var s = 0.0
        for w in flux { s += w * w }
        if rho < 0 { return .infinity }
        if rho == 0 { return s == 0 ? 0 : .infinity }
        var v = alpha * s / (2 * rho) + linear * rho
        if entropy > 0 { v += entropy * rho * Double.log(rho) }
        return v
    }

    /// The proximal map: argmin f(ρ, w) + (|ρ − ρ̄|² + |w − w̄|²)/(2τ).
    ///
    /// For fixed ρ the flux minimiser is w = ρ w̄/(ρ + aτ). Substituting, ρ is the root of the
    /// scalar equation (the cubic (ρ − ρ̄ + τq)(ρ + aτ)² = τa|w̄|²/2 when β = 0)
    ///
    ///     ψ(ρ) = ρ − ρ̄ + τq + τβ(log ρ + 1) − τa|w̄|²/(2(ρ + aτ)²) = 0,
    ///
    /// where ψ is strictly increasing and concave on ρ > 0. If β = 0 and ψ(0) ≥ 0 the answer is
    /// ρ = 0, w = 0. Otherwise Newton's method started at any point with ψ ≤ 0 increases
    /// monotonically to the root (concavity: each tangent lies above the graph), and from a
    /// point with ψ > 0 one Newton step lands at ψ ≤ 0. When β > 0 and that step is not
    /// positive, x·exp(−ψ(x)/(τβ)) is used instead: since ψ − τβ log ρ is increasing, ψ ≤ 0
    /// there too. So the iteration is globally convergent and quadratic near the root;
    /// `guess` (the previous iterate) makes it take 1–3 steps in the solver loop.
    public func prox(rhoBar: Double, fluxBar: [Double], tau: Double, guess: Double? = nil)
        -> (rho: Double, flux: [Double]) {
        var s = 0.0
        for w in fluxBar { s += w * w }
        let rho = CellCost.proxDensity(rhoBar: rhoBar, fluxSquared: s, tau: tau, alpha: alpha,
                                       beta: entropy, q: linear, guess: guess ?? max(rhoBar, 1))
        let shrink = rho / (rho + alpha * tau)
        return (rho, fluxBar.map { $0 * shrink })
    }

    /// Root ρ ≥ 0 of ψ (see `prox`); `fluxSquared` = |w̄|².
    ///
    /// With a different step for the fluxes, `fluxTau` = τ_m (the density step being `tau`),
    /// the flux minimiser is w = ρw̄/(ρ + aτ_m) and the equation becomes
    /// ψ(ρ) = ρ − ρ̄ + τq + τβ(log ρ + 1) − τa|w̄|²/(2(ρ + aτ_m)²), with the same shape
    /// (increasing, concave), so the same Newton iteration applies.
    @inline(__always)
    public static func proxDensity(rhoBar: Double, fluxSquared s: Double, tau: Double,
                                   alpha: Double, beta: Double, q: Double, guess: Double,
                                   fluxTau: Double? = nil) -> Double {
        let at = alpha * (fluxTau ?? tau)
        let c0 = -rhoBar + tau * q            // ψ = ρ + c0 + τβ(log ρ + 1) − k/(ρ+ατ)²
        let k = 0.5 * tau * alpha * s
        let tb = tau * beta
        if tb == 0 {
            // Pure cubic: ψ(0) ≥ 0 means the cell empties.
            let psi0 = c0 - k / (at * at)
            if psi0 >= 0 { return 0 }
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
            return max(x, 0)
        }
        var x = guess > 0 ? guess : 1
        var e = x + at
        var psi = x + c0 + tb * (Double.log(x) + 1) - k / (e * e)
        var tries = 0
        while psi > 0 && tries < 60 {
            let newton = x - psi / (1 + tb / x + 2 * k / (e * e * e))
            let logStep = x * Double.exp(-psi / tb)
            x = max(newton, logStep, Double.leastNormalMagnitude)
            e = x + at
            psi = x + c0 + tb * (Double.log(x) + 1) - k / (e * e)
            tries += 1
        }
        for _ in 0..<100 {
            let step = psi / (1 + tb / x + 2 * k / (e * e * e))
            x -= step
            if abs(step) <= 1e-14 * x || x <= 0 { break }
            e = x + at
            let logx = Double.log(x)
            psi = x + c0 + tb * (logx + 1) - k / (e * e)
            // For densities near the underflow limit the relative step test cannot be met in
            // floating point; stop when ψ is at rounding level of its terms instead.
            if abs(psi) <= 1e-15 * (x + abs(c0) + tb * (abs(logx) + 1) + k / (e * e)) { break }
        }
        return max(x, Double.leastNormalMagnitude)
    }
}
