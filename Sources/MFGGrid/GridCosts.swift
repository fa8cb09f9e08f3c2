/// The discrete objective, term by term.
///
/// With ω = Δx₁Δx₂Δt and cells c, levels k = 1…nt:
///
///     L = Σ_copies ω α_L c²/(8ρ)   (kinetic: each flux copy at its own cell and level)
///     F = Σₖ wₖ Σ_c ω (λ_Q Q ρ + λ_E ρ log ρ + λ_C ρ^p/p),  trapezoid weights w₀ = w_nt = ½, else 1
///         (the k = 0 term uses the data ρ₀)
///     G = Σ_c Δx₁Δx₂ λ_G ρⁿᵗ log(ρⁿᵗ/ρ₁)   or   Σ_c Δx₁Δx₂ λ_G g ρⁿᵗ
///     J = L + F + G
public struct GridCostBreakdown: Sendable, Equatable {
    /// L, the kinetic energy α_L ∫∫ |m|²/(2ρ).
    public var kinetic: Double
    /// λ_Q ∫∫ Q ρ.
    public var obstacle: Double
    /// λ_E ∫∫ ρ log ρ.
    public var entropy: Double
    /// G(ρ(·,T)).
    public var terminal: Double
    /// λ_C/p ∫∫ ρ^p (0 without a congestion).
    public var congestion: Double
    /// (λ/2)∫∫∫K(x − y)ρρ, the pairwise interaction (`GridInteraction.energy`; 0 without one).
    public var nonlocal: Double = 0

    /// F = obstacle + entropy + congestion + nonlocal.
    public var running: Double { obstacle + entropy + congestion + nonlocal }
    /// J = L + F + G (summed in this order so that a problem without congestion or interaction
    /// gets the bits it had before the terms existed).
    public var total: Double { kinetic + obstacle + entropy + congestion + terminal + nonlocal }

    public init(kinetic: Double, obstacle: Double, entropy: Double, terminal: Double, congestion: Double = 0) {
        self.kinetic = kinetic; self.obstacle = obstacle; self.entropy = entropy
        self.terminal = terminal; self.congestion = congestion
    }
}

/// The problem's data on the grid, normalised and ready for the solver (see `GridSolver`).
struct PreparedProblem {
    let grid: GridGeometry
    let alpha: Double
    /// α₂ when it differs from α₁ = `alpha` (nil: isotropic).
    var alpha2: Double? = nil
    let rho0: [Double]
    /// λ_Q Q on the cells (zeros when there is no obstacle).
    let obstacle: [Double]
    let lambdaE: Double
    /// λ_C and p of the congestion (λ_C = 0 without one).
    let lambdaC: Double
    let exponent: Double
    let isKL: Bool
    let lambdaG: Double
    /// log ρ₁ (KL) or g (preference).
    let terminalField: [Double]
    /// λ_Q Q + `GridProblem.timeLinear` per level (nt levels), or empty without a time-varying part.
    var levelLinear: [Double] = []

    /// Linear coefficient q of the cell cost at level k (0-based, k = nt−1 is t = T).
    @inline(__always) func linear(_ n: Int, last: Bool) -> Double {
        if !last { return levelLinear.isEmpty ? obstacle[n] : levelLinear[n] }
        let g = lambdaG / grid.dt
        let q = levelLinear.isEmpty ? obstacle[n] : levelLinear[(grid.nt - 1) * grid.cellsPerLevel + n]
        return 0.5 * q + (isKL ? -g * terminalField[n] : g * terminalField[n])
    }

    /// Entropy coefficient β of the cell cost at the last level or before.
    func entropy(last: Bool) -> Double {
        last ? 0.5 * lambdaE + (isKL ? lambdaG / grid.dt : 0) : lambdaE
    }

    /// Congestion coefficient γ of the cell cost at the last level (trapezoid weight ½) or before.
    func congestion(last: Bool) -> Double { last ? 0.5 * lambdaC : lambdaC }

    /// The weight of flux copy `copy` (`FluxCopy` order: copies 0, 1, 4, 5 along x₁, 2, 3, 6, 7
    /// along x₂) in the kinetic sum: 1 when isotropic (α_L multiplies the sum), else αₐₓᵢₛ.
    @inline(__always) func axisWeight(_ copy: Int) -> Double {
        guard let alpha2 else { return 1 }
        return (copy & 2) == 0 ? alpha : alpha2
    }

    /// The cost breakdown of densities/fluxes `u`.
    func costs(_ u: GridPrimal) -> GridCostBreakdown {
        let level = grid.cellsPerLevel, nt = grid.nt
        let omega = grid.cellVolume, area = grid.cellArea
        var kin = 0.0, obs = 0.0, ent = 0.0, term = 0.0, con = 0.0
        let power = exponent, congested = lambdaC > 0
        let total = grid.count
        u.rho.withUnsafeBufferPointer { rho in
        u.flux.withUnsafeBufferPointer { f in
        obstacle.withUnsafeBufferPointer { q in
            for c in 0..<level {
                var s0 = 0.0
                for copy in 4..<8 { let w = f[copy * total + c]; s0 += axisWeight(copy) * w * w }
                if s0 > 0 { kin += rho0[c] > 0 ? s0 / (2 * rho0[c]) : .infinity }
            }
            for k in 0..<nt {
                let wk = k == nt - 1 ? 0.5 : 1.0
                var kk = 0.0, oo = 0.0, ee = 0.0, cc = 0.0
                for c in 0..<level {
                    let n = c + k * level
                    let r = rho[n]
                    var s = 0.0
                    for copy in 0..<4 { let w = f[copy * total + n]; s += axisWeight(copy) * w * w }
                    if k < nt - 1 { for copy in 4..<8 { let w = f[copy * total + n + level]; s += axisWeight(copy) * w * w } }
                    if s > 0 { kk += r > 0 ? s / (2 * r) : .infinity }
                    oo += q[c] * r
                    if r > 0 { ee += r * Double.log(r) }
                    if congested && r > 0 { cc += Double.pow(r, power) }
                }
                kin += kk; obs += wk * oo; ent += wk * ee; con += wk * cc
            }
        } } }
        var oo0 = 0.0, ee0 = 0.0
        for c in 0..<level {
            oo0 += obstacle[c] * rho0[c]
            if rho0[c] > 0 { ee0 += rho0[c] * Double.log(rho0[c]) }
            if congested && rho0[c] > 0 { con += 0.5 * Double.pow(rho0[c], power) }
        }
        obs += 0.5 * oo0
        ent += 0.5 * ee0
        let last = (nt - 1) * level
        for c in 0..<level {
            let p = u.rho[last + c]
            if isKL {
                if p > 0 { term += p * (Double.log(p) - terminalField[c]) }
            } else {
                term += p * terminalField[c]
            }
        }
        return GridCostBreakdown(kinetic: 0.25 * (alpha2 == nil ? alpha : 1) * omega * kin, obstacle: omega * obs,
                                 entropy: lambdaE * omega * ent, terminal: lambdaG * area * term,
                                 congestion: lambdaC / power * omega * con)
    }
}
