import CKernels

/// The proximal step of `GridSolver` over one time level: every cell's `CellCost.proxDensity`
/// root and its flux shrink, computed several cells at a time in vector lanes by the C kernel
/// `mfg_grid_prox_f64` (CKernels/GridProx.c).
///
/// Each lane runs the scalar iteration of `CellCost.proxDensity` on its own cell (same starting
/// point, same monotone Newton steps with the log-step safeguard, same stopping rule, same
/// operations in the same order); a block of cells loops until every lane has stopped, lanes
/// that have stopped being frozen. Only log and exp are the kernel's own (a few-ulp series
/// instead of libm), so with entropy (β > 0) the roots agree with the scalar ones to the
/// rounding of ψ's terms, and without it (β = 0, no log) bit for bit. The tests hold the kernel
/// to the scalar code on random cells (`VectorProxTests`).
enum LevelProx {
    /// Instruction-set level of the kernel: 2 = the widest this CPU supports (see CKernels.h).
    static let bestLevel: Int32 = 2
    /// The levels this CPU has (for tests: every one computes the same bits).
    static var availableLevels: ClosedRange<Int32> { 0...mfg_kernel_level_best() }

    /// Cells i < `count` (pointers are at the level's first cell): ρ̄ = rho[i] − τ_ρ·gradRho[i],
    /// q = linear[i], Newton guess rho[i]; flux copy c < 4 at c·stride + i and c ≥ 4 at
    /// c·stride + next + i, w̄ = flux − τ·gradFlux; writes ρ to rhoOut and w̄ρ/(ρ + aτ) to fluxOut.
    /// Outputs may be the inputs (in place).
    @inline(__always)
    static func run(count: Int, tau: Double, tauRho: Double, alpha: Double, beta: Double,
                    rho: UnsafePointer<Double>, gradRho: UnsafePointer<Double>, linear: UnsafePointer<Double>,
                    rhoOut: UnsafeMutablePointer<Double>, flux: UnsafePointer<Double>,
                    gradFlux: UnsafePointer<Double>, fluxOut: UnsafeMutablePointer<Double>,
                    stride: Int, next: Int, copies: Int, level: Int32 = bestLevel) {
        mfg_grid_prox_f64(level, count, tau, tauRho, alpha, beta, rho, gradRho, linear, rhoOut,
                          flux, gradFlux, fluxOut, stride, next, Int32(copies))
    }

    /// The same step with a congestion γρ^p/p in the cell cost: the cells one after another
    /// through the scalar root `CellCost.proxDensityCongested` (no vector twin yet), the
    /// arguments and the writes as in `run`.
    static func runCongested(count: Int, tau: Double, tauRho: Double, alpha: Double, beta: Double,
                             gamma: Double, exponent: Double,
                             rho: UnsafePointer<Double>, gradRho: UnsafePointer<Double>, linear: UnsafePointer<Double>,
                             rhoOut: UnsafeMutablePointer<Double>, flux: UnsafePointer<Double>,
                             gradFlux: UnsafePointer<Double>, fluxOut: UnsafeMutablePointer<Double>,
                             stride: Int, next: Int, copies: Int) {
        let at = alpha * tau
        var w = [Double](repeating: 0, count: 8)
        for i in 0..<count {
            let rb = rho[i] - tauRho * gradRho[i]
            var s = 0.0
            for c in 0..<copies {
                let o = c * stride + (c < 4 ? 0 : next) + i
                w[c] = flux[o] - tau * gradFlux[o]
                s += w[c] * w[c]
            }
            let p = CellCost.proxDensityCongested(rhoBar: rb, fluxSquared: s, tau: tauRho, alpha: alpha, beta: beta,
                                                  q: linear[i], gamma: gamma, exponent: exponent,
                                                  guess: rho[i], fluxTau: tau).rho
            let shrink = p > 0 ? p / (p + at) : 0
            rhoOut[i] = p
            for c in 0..<copies { fluxOut[c * stride + (c < 4 ? 0 : next) + i] = w[c] * shrink }
        }
    }
}
