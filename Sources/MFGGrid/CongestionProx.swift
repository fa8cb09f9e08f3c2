import Foundation

extension CellCost {
    /// Step limit of `proxDensityCongested`: above its bound (3 evaluations per halving of a
    /// bracket under 1500 wide, down to 1e-14: 3·57 + 3), so it never stops the iteration.
    public static let congestedStepLimit = 200

    /// Root ρ ≥ 0 of the cell's proximal equation with a congestion γρ^p/p in the cost:
    ///
    ///     ψ(ρ) = ρ + c₀ + τβ(log ρ + 1) + τγρ^(p−1) − κ/(ρ + aτ_m)²,
    ///     c₀ = −ρ̄ + τq,  κ = ½τa|w̄|²   (τ = `tau`, the density step; τ_m = `fluxTau`).
    ///
    /// ψ is strictly increasing on ρ > 0 (each term is; ψ′ ≥ 1) but, unlike without congestion,
    /// not concave for p > 2, so the monotone-Newton argument of `proxDensity` does not apply.
    /// Safeguarded Newton instead, in y = log ρ (roots spread over many orders of magnitude):
    ///
    /// - **Bracket.** For ρ ≥ 1 the entropy and congestion parts are ≥ 0 and the kinetic part
    ///   ≥ −κ/(aτ_m)², so ψ(ρ) ≥ ρ + c₀ − κ/(aτ_m)²: ρ* ≤ hi = max(1, κ/(aτ_m)² − c₀). Below,
    ///   y ≥ log ℓ (ℓ = 2⁻¹⁰²², the smallest normal number; smaller roots are returned as ℓ).
    ///   Without entropy (β = 0), ψ(0) = c₀ − κ/(aτ_m)²: ψ(0) ≥ 0 empties the cell (ρ = 0, as in
    ///   `proxDensity`). Every evaluation moves one end of [lo, hi] to y by the sign of ψ.
    /// - **Step.** The Newton step in y, −ψ/(ρψ′), when it lands inside the bracket, is at most
    ///   half the step before the last one, and the bracket is at most half as wide as two
    ///   evaluations ago; otherwise the midpoint of the bracket. The bracket thus halves at
    ///   least every three evaluations (from under 1500 wide: at most about 3·57 evaluations).
    /// - **Stop.** |ψ| at the rounding level of its terms (1e-15 of their sum), a Newton step
    ///   |Δy| ≤ 1e-14, or a bracket narrower than 1e-14.
    ///
    /// Returns the root and the number of evaluations of ψ (`CongestionProxTests` checks the root
    /// against the minimiser of f + distance² and counts the steps).
    public static func proxDensityCongested(rhoBar: Double, fluxSquared s: Double, tau: Double, alpha: Double,
                                            beta: Double, q: Double, gamma: Double, exponent p: Double,
                                            guess: Double, fluxTau: Double? = nil) -> (rho: Double, steps: Int) {
        let at = alpha * (fluxTau ?? tau)
        let c0 = -rhoBar + tau * q
        let k = 0.5 * tau * alpha * s
        let tb = tau * beta, tc = tau * gamma, pm = p - 1
        let kinetic0 = k / (at * at)
        if tb == 0 && c0 - kinetic0 >= 0 { return (0, 0) }
        let least = Double.leastNormalMagnitude
        var lo = Double.log(least), hi = Double.log(max(1, kinetic0 - c0))
        var y = guess > 0 ? min(max(Double.log(max(guess, least)), lo), hi) : min(0, hi)
        var dx = Double.infinity, dxOld = Double.infinity
        var w1 = Double.infinity, w2 = Double.infinity       // the bracket's widths one and two evaluations ago
        for n in 1...congestedStepLimit {
            let x = Double.exp(y)
            let e = x + at
            let kin = k / (e * e)
            let power = tc * Double.exp(pm * y)                // τγρ^(p−1)
            let entropy = tb == 0 ? 0 : tb * (y + 1)
            let psi = x + c0 + entropy + power - kin
            if abs(psi) <= 1e-15 * (x + abs(c0) + abs(entropy) + power + kin) { return (x, n) }
            if psi > 0 { hi = y } else { lo = y }
            if hi - lo <= 1e-14 { return (Double.exp(0.5 * (lo + hi)), n) }
            // ρψ′ = ρ + τβ + (p−1)τγρ^(p−1) + 2κρ/(ρ + aτ_m)³.
            let slope = x + tb + pm * power + 2 * kin * x / e
            let sy = -psi / slope
            if abs(sy) <= 1e-14 { return (Double.exp(y + sy), n) }
            let newton = y + sy
            dxOld = dx
            let width = hi - lo
            defer { w2 = w1; w1 = width }
            if newton > lo && newton < hi && abs(2 * sy) <= abs(dxOld) && width <= 0.5 * w2 {
                dx = sy; y = newton
            } else {
                let mid = 0.5 * (lo + hi)
                dx = mid - y; y = mid
            }
        }
        return (Double.exp(y), congestedStepLimit)
    }
}
