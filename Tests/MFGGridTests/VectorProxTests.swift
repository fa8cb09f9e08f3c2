import Testing
@testable import MFGGrid
import MFGMath

/// The vectorised proximal step of a time level (`LevelProx`, C kernel GridProx.c) against the
/// scalar `CellCost.proxDensity` it replaces in the solver, cell by cell, with the solver's own
/// ρ̄, w̄ and flux shrink.
///
/// Tolerance: without entropy (β = 0) the kernel performs the scalar operations exactly, so the
/// bits must agree. With entropy the only difference is the kernel's log (a series within about
/// two ulp of libm's). The root x of ψ moves, for a relative change δ of its log term
/// τβ log x, by δ·τβ|log x|/ψ′(x) ≤ δ·x|log x| (ψ′ ≥ τβ/x), i.e. relatively by at most
/// 709 · 4.4e-16 ≈ 3e-13 even near the underflow limit, and the Newton stopping rules
/// (relative step 1e-14, quadratic convergence) add less than that: 1e-12 relative bounds the
/// difference with margin; measured, the largest relative difference is printed on failure.
@Suite("Vectorised proximal step against the scalar proxDensity")
struct VectorProxTests {
    /// A random level of `count` cells: the solver's inputs (previous ρ as guess, Aᵀφ parts,
    /// eight flux copies) drawn to hit every branch of the iteration.
    struct Level {
        var rho: [Double], gradRho: [Double], linear: [Double], flux: [Double], gradFlux: [Double]
        let count: Int, stride: Int, next: Int
    }

    static func level(count: Int, tau: Double, tauRho: Double, beta: Double, seed: UInt64) -> Level {
        var rng = RandomSource(seed: seed)
        let stride = 2 * count, next = count
        var l = Level(rho: [], gradRho: [], linear: [], flux: [Double](repeating: 0, count: 8 * stride),
                      gradFlux: [Double](repeating: 0, count: 8 * stride), count: count, stride: stride, next: next)
        let tb = max(tauRho * beta, 1e-12)
        for i in 0..<count {
            let kind = rng.index(below: 7)
            var guess = 2 * rng.uniformOpen()
            // Target ρ̄; the solver forms ρ̄ = ρ − τ_ρ (Aᵀφ)_ρ, so Aᵀφ is set to reach it.
            var rb = rng.gaussians(1, as: Double.self)[0]
            var fluxScale = rng.uniformOpen()
            switch kind {
            case 0: rb = -abs(rb) - 1e-3                              // ρ̄ < 0
            case 1: fluxScale = 0; rb = -abs(rb)                      // empty cell, no flux
            case 2: guess = 1e-300; rb = -(650 + 50 * rng.uniformOpen()) * tb   // root near underflow
            case 3: guess = 1e-300; rb = -(710 + 200 * rng.uniformOpen()) * tb  // root below it
            case 4: fluxScale = Double.exp(14 * rng.uniformOpen())      // huge fluxes (up to 1e6)
            case 5: guess = 0                                         // emptied cell as guess
            default: break
            }
            l.rho.append(guess)
            l.gradRho.append((guess - rb) / tauRho)
            l.linear.append(rng.index(below: 2) == 0 ? 0 : 5 * rng.gaussians(1, as: Double.self)[0])
            for c in 0..<8 {
                let m = c * stride + (c < 4 ? 0 : next) + i
                l.flux[m] = fluxScale * rng.gaussians(1, as: Double.self)[0]
                l.gradFlux[m] = rng.gaussians(1, as: Double.self)[0]
            }
        }
        return l
    }

    /// The solver's cell update with the scalar prox: (ρ, the copies' fluxes).
    static func scalar(_ l: Level, _ i: Int, tau: Double, tauRho: Double, alpha: Double, beta: Double,
                       copies: Int) -> (Double, [Double]) {
        let rb = l.rho[i] - tauRho * l.gradRho[i]
        var s = 0.0, w: [Double] = []
        for c in 0..<copies {
            let m = c * l.stride + (c < 4 ? 0 : l.next) + i
            let v = l.flux[m] - tau * l.gradFlux[m]
            w.append(v); s += v * v
        }
        let p = CellCost.proxDensity(rhoBar: rb, fluxSquared: s, tau: tauRho, alpha: alpha, beta: beta,
                                     q: l.linear[i], guess: l.rho[i], fluxTau: tau)
        let shrink = p > 0 ? p / (p + alpha * tau) : 0
        return (p, w.map { $0 * shrink })
    }

    /// Runs the kernel at `level` on a copy of `l` (out of place) and returns ρ and the fluxes.
    static func kernel(_ l: Level, tau: Double, tauRho: Double, alpha: Double, beta: Double, copies: Int,
                       level: Int32) -> ([Double], [Double]) {
        var rhoOut = [Double](repeating: .nan, count: l.count)
        var fluxOut = [Double](repeating: .nan, count: l.flux.count)
        LevelProx.run(count: l.count, tau: tau, tauRho: tauRho, alpha: alpha, beta: beta, rho: l.rho,
                      gradRho: l.gradRho, linear: l.linear, rhoOut: &rhoOut, flux: l.flux,
                      gradFlux: l.gradFlux, fluxOut: &fluxOut, stride: l.stride, next: l.next,
                      copies: copies, level: level)
        return (rhoOut, fluxOut)
    }

    func compare(beta: Double, tau: Double, theta: Double, seed: UInt64) {
        let count = 1003, alpha = 0.25, tauRho = theta * tau    // 1003: a short last block
        var l = Self.level(count: count, tau: tau, tauRho: tauRho, beta: beta, seed: seed)
        for warm in [false, true] {
            if warm {
                // Warm start at the scalar root, as in the solver's late iterations (ψ at
                // rounding level there: the safeguard's fixed point).
                for i in 0..<count {
                    l.rho[i] = Self.scalar(l, i, tau: tau, tauRho: tauRho, alpha: alpha, beta: beta, copies: 8).0
                }
            }
            for copies in [8, 4] {
                var reference: ([Double], [Double])?
                for level in LevelProx.availableLevels {
                    let (rho, flux) = Self.kernel(l, tau: tau, tauRho: tauRho, alpha: alpha, beta: beta,
                                                  copies: copies, level: level)
                    if let r = reference {
                        // Every instruction set: the same bits.
                        #expect(rho.map(\.bitPattern) == r.0.map(\.bitPattern), "level \(level)")
                        #expect(flux.map(\.bitPattern) == r.1.map(\.bitPattern), "level \(level)")
                        continue
                    }
                    reference = (rho, flux)
                    var worst = 0.0
                    for i in 0..<count {
                        let (p, w) = Self.scalar(l, i, tau: tau, tauRho: tauRho, alpha: alpha, beta: beta,
                                                 copies: copies)
                        if beta == 0 {
                            #expect(rho[i].bitPattern == p.bitPattern, "cell \(i): \(rho[i]) vs \(p)")
                        }
                        let rel = abs(rho[i] - p) / max(p, Double.leastNormalMagnitude)
                        worst = max(worst, rel)
                        #expect(rel <= 1e-12, "cell \(i): ρ \(rho[i]) vs scalar \(p), β \(beta)")
                        for c in 0..<copies {
                            let m = c * l.stride + (c < 4 ? 0 : l.next) + i
                            #expect(abs(flux[m] - w[c]) <= 1e-12 * abs(w[c]), "cell \(i) copy \(c)")
                        }
                    }
                    #expect(worst <= 1e-12, "largest relative difference \(worst)")
                }
            }
        }
    }

    @Test func withoutEntropyBitForBit() { compare(beta: 0, tau: 0.3, theta: 0.02, seed: 41) }
    @Test func smallEntropy() { compare(beta: 0.01, tau: 0.05, theta: 0.02, seed: 42) }
    @Test func largeEntropy() { compare(beta: 2, tau: 0.5, theta: 1, seed: 43) }
    @Test func terminalKLEntropy() { compare(beta: 80.005, tau: 1e-2, theta: 0.1, seed: 44) }
}
