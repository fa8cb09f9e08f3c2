/// The cell's proximal map with a kinetic weight per axis (`GridProblem.kineticWeightX2`).
///
/// The cell cost is f(ρ, w) = Σₐ aₐ|wₐ|²/(2ρ) + βρ log ρ + qρ, a = 1, 2 the axes (wₐ the cell's
/// flux copies along axis a, aₐ = αₐ/4 in the solver). For fixed ρ each axis shrinks on its own,
/// wₐ = ρw̄ₐ/(ρ + aₐτ_m), and substituting, ρ is the root of
///
///     ψ(ρ) = ρ − ρ̄ + τq + τβ(log ρ + 1) − Σₐ κₐ/(ρ + aₐτ_m)²,   κₐ = ½τaₐ|w̄ₐ|².
///
/// Each kinetic term is increasing and concave in ρ, like the single term of the isotropic cell,
/// so ψ keeps every property `CellCost.proxDensityCounted` relies on (ψ′ ≥ 1, ψ concave, ψ → −∞
/// at 0 when β > 0, ψ(0) = c₀ − Σκₐ/(aₐτ_m)² when β = 0), and the iteration is the same: monotone
/// Newton for β = 0, the bracketed Newton in y = log ρ for β > 0 (bracket, step bound and stopping
/// rule derived there). With a₁ = a₂ the two terms are one term written as two, so the root agrees
/// with the isotropic one to rounding; the solver takes the isotropic path (scalar weights, the
/// vector kernel) whenever the weights are equal, so isotropic problems are bit for bit unchanged.
extension CellCost {
    /// Root ρ ≥ 0 of ψ above, with `fluxSquared` = (|w̄₁|², |w̄₂|²), `alpha` = (a₁, a₂), `tau` the
    /// density step and `fluxTau` (default `tau`) the flux step. Returns ρ and the evaluations of
    /// ψ (entropy branch; 0 for β = 0).
    public static func proxDensityAnisotropic(rhoBar: Double, fluxSquared s: (Double, Double), tau: Double,
                                              alpha: (Double, Double), beta: Double, q: Double, guess: Double,
                                              fluxTau: Double? = nil) -> (rho: Double, steps: Int) {
        let tm = fluxTau ?? tau
        let at1 = alpha.0 * tm, at2 = alpha.1 * tm
        let c0 = -rhoBar + tau * q
        let k1 = 0.5 * tau * alpha.0 * s.0, k2 = 0.5 * tau * alpha.1 * s.1
        let tb = tau * beta
        // The kinetic part Σκₐ/(ρ + aₐτ_m)² and its slope magnitude Σ2κₐ/(ρ + aₐτ_m)³.
        @inline(__always) func kinetic(_ x: Double) -> (value: Double, slope: Double) {
            let e1 = x + at1, e2 = x + at2
            let v1 = k1 / (e1 * e1), v2 = k2 / (e2 * e2)
            return (v1 + v2, 2 * v1 / e1 + 2 * v2 / e2)
        }
        if tb == 0 {
            let psi0 = c0 - kinetic(0).value
            if psi0 >= 0 { return (0, 0) }
            var x = max(guess, 0)
            var kin = kinetic(x)
            let psi = x + c0 - kin.value
            if psi > 0 { x = max(x - psi / (1 + kin.slope), 0) }
            for _ in 0..<100 {
                kin = kinetic(x)
                let step = (x + c0 - kin.value) / (1 + kin.slope)
                x -= step
                if abs(step) <= 1e-14 * (x + min(at1, at2)) { break }
            }
            return (max(x, 0), 0)
        }
        return bracketedLogNewton(c0: c0, tb: tb, guess: guess, kinetic: kinetic)
    }
}

extension LevelProx {
    /// The proximal step of one time level with a kinetic weight per axis (a₁ = `alpha`,
    /// a₂ = `alpha2`, each α/4): the cells one after another through the scalar root
    /// `CellCost.proxDensityAnisotropic` (the vector kernel covers the isotropic cell only), the
    /// arguments and the writes as in `run`. Copies 0, 1, 4, 5 (`FluxCopy`: right, left) are
    /// along x₁, 2, 3, 6, 7 (up, down) along x₂.
    static func runAnisotropic(count: Int, tau: Double, tauRho: Double, alpha: Double, alpha2: Double, beta: Double,
                               rho: UnsafePointer<Double>, gradRho: UnsafePointer<Double>, linear: UnsafePointer<Double>,
                               rhoOut: UnsafeMutablePointer<Double>, flux: UnsafePointer<Double>,
                               gradFlux: UnsafePointer<Double>, fluxOut: UnsafeMutablePointer<Double>,
                               stride: Int, next: Int, copies: Int) {
        let at1 = alpha * tau, at2 = alpha2 * tau
        var w = [Double](repeating: 0, count: 8)
        for i in 0..<count {
            let rb = rho[i] - tauRho * gradRho[i]
            var s1 = 0.0, s2 = 0.0
            for c in 0..<copies {
                let o = c * stride + (c < 4 ? 0 : next) + i
                w[c] = flux[o] - tau * gradFlux[o]
                if (c & 2) == 0 { s1 += w[c] * w[c] } else { s2 += w[c] * w[c] }
            }
            let p = CellCost.proxDensityAnisotropic(rhoBar: rb, fluxSquared: (s1, s2), tau: tauRho,
                                                    alpha: (alpha, alpha2), beta: beta, q: linear[i],
                                                    guess: rho[i], fluxTau: tau).rho
            let shrink1 = p > 0 ? p / (p + at1) : 0, shrink2 = p > 0 ? p / (p + at2) : 0
            rhoOut[i] = p
            for c in 0..<copies {
                fluxOut[c * stride + (c < 4 ? 0 : next) + i] = w[c] * ((c & 2) == 0 ? shrink1 : shrink2)
            }
        }
    }
}
