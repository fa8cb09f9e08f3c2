import Foundation
import Testing
@testable import MFGGrid
import MFGMath

/// The density root of the cell prox (`CellCost.proxDensity`, entropy branch) is the true root
/// of ψ within a bounded number of evaluations, including the cells on which the earlier
/// iteration (log-step safeguard, then Newton in ρ, at most 60 + 100 steps) ran out of steps.
@Suite("Density prox: exact root in a bounded number of steps")
struct ProxRootTests {
    /// ψ(ρ) = ρ + c₀ + t(log ρ + 1) − κ/(ρ + aτ)² and ψ′, for ρ̄ = −c₀ (q = 0).
    struct Cell { var c0: Double, k: Double, at: Double, tb: Double, guess: Double }

    static func psi(_ c: Cell, _ x: Double) -> (value: Double, slope: Double, scale: Double) {
        let e = x + c.at, kin = c.k / (e * e), l = log(x)
        return (x + c.c0 + c.tb * (l + 1) - kin, 1 + c.tb / x + 2 * kin / e,
                x + abs(c.c0) + c.tb * (abs(l) + 1) + kin)
    }

    /// proxDensity on `c` with τ = 1, a = aτ, so that κ = ½a|w̄|² gives |w̄|² = 2κ/a.
    static func solve(_ c: Cell) -> (rho: Double, steps: Int) {
        CellCost.proxDensityCounted(rhoBar: -c.c0, fluxSquared: 2 * c.k / c.at, tau: 1, alpha: c.at,
                                    beta: c.tb, q: 0, guess: c.guess)
    }

    /// The iteration before this fix (for the test only): safeguard while ψ > 0, then Newton in
    /// ρ; returns its answer and whether Newton used all of its 100 steps.
    static func previous(_ c: Cell) -> (rho: Double, capped: Bool) {
        let tb = c.tb, at = c.at, k = c.k, c0 = c.c0
        var x = c.guess > 0 ? c.guess : 1
        var p = psi(c, x).value
        var tries = 0
        while p > 0 && tries < 60 {
            let e = x + at
            x = max(x - p / (1 + tb / x + 2 * k / (e * e * e)), x * exp(-p / tb), Double.leastNormalMagnitude)
            p = psi(c, x).value; tries += 1
        }
        for _ in 0..<100 {
            let e = x + at
            let step = p / (1 + tb / x + 2 * k / (e * e * e))
            x -= step
            if abs(step) <= 1e-14 * x || x <= 0 { return (x, false) }
            let (v, _, s) = psi(c, x)
            p = v
            if abs(p) <= 1e-15 * s { return (x, false) }
            _ = c0
        }
        return (x, true)
    }

    /// Checks that ρ is the root: |ψ(ρ)| at rounding level, or its relative error |ψ|/(ρψ′)
    /// below 1e-12; or ρ = ℓ (smallest normal) with ψ(ℓ) ≥ 0 (the root is below it).
    static func expectRoot(_ c: Cell, _ rho: Double, _ note: String) {
        let (v, d, s) = psi(c, rho)
        if rho == Double.leastNormalMagnitude && v >= 0 { return }
        #expect(abs(v) <= 1e-14 * s || abs(v) / (rho * d) <= 1e-12, "\(note): ρ \(rho), ψ \(v)")
    }

    /// The cells of the old step cap: a warm start at 1 with ψ(1)/τβ > 746, so the log-step
    /// x·e^(−ψ/τβ) underflows to ℓ, and the tangent at 1 is not positive; the root r lies far
    /// above ℓ. The old Newton iteration from ℓ multiplies ρ by about 1 + |ψ|/(τβ) per step.
    static func capCells() -> [(Cell, Double)] {
        var cells: [(Cell, Double)] = []
        for tb in [1e-4, 1e-3, 1e-2] {
            for r in [1e-4, 1e-8, 1e-30, 1e-200] {
                for k in [0, 1e-6] {
                    let at = 0.025
                    // c₀ from ψ(r) = 0.
                    let c0 = -r - tb * (log(r) + 1) + k / ((r + at) * (r + at))
                    cells.append((Cell(c0: c0, k: k, at: at, tb: tb, guess: 1), r))
                }
            }
        }
        return cells
    }

    @Test func cellsThatHitTheOldCap() {
        var worst = 0, capped = 0
        for (c, r) in Self.capCells() {
            let old = Self.previous(c)
            if old.capped { capped += 1 }
            let (rho, steps) = Self.solve(c)
            worst = max(worst, steps)
            Self.expectRoot(c, rho, "cap cell \(c)")
            #expect(abs(rho - r) <= 1e-9 * r, "root \(rho) vs constructed \(r)")
            #expect(steps <= 16, "steps \(steps) on \(c)")
        }
        // The construction does produce the old failure: with τβ ≤ 1e-3 and r ≥ 1e-30 (12 cells).
        #expect(capped >= 12, "old iteration capped on \(capped) of \(Self.capCells().count)")
        #expect(worst <= 16)
    }

    /// The same cells through the vectorised kernel: same roots as the scalar code.
    @Test func capCellsInTheKernel() {
        let cells = Self.capCells().map(\.0)
        let n = cells.count, stride = 2 * n
        var l = VectorProxTests.Level(rho: [], gradRho: [], linear: [], flux: [Double](repeating: 0, count: 8 * stride),
                                      gradFlux: [Double](repeating: 0, count: 8 * stride), count: n,
                                      stride: stride, next: n)
        for (i, c) in cells.enumerated() {
            l.rho.append(c.guess)
            l.gradRho.append(c.guess + c.c0)          // τ_ρ = 1: ρ̄ = guess − gradRho = −c₀
            l.linear.append(0)
            l.flux[i] = sqrt(2 * c.k / c.at)          // one copy carries |w̄|², a = aτ
        }
        for level in LevelProx.availableLevels {
            let (rho, _) = VectorProxTests.kernel(l, tau: 1, tauRho: 1, alpha: cells[0].at, beta: cells[0].tb,
                                                  copies: 8, level: level)
            for (i, c) in cells.enumerated() where c.tb == cells[0].tb {
                // Either result may stop at |ψ| ≤ 1e-15·(sum of ψ's terms), i.e. up to that over ψ′
                // from the root.
                let p = Self.solve(c).rho, (_, d, s) = Self.psi(c, p)
                #expect(abs(rho[i] - p) <= 1e-12 * p + 2e-15 * s / d, "level \(level) cell \(i): \(rho[i]) vs \(p)")
            }
        }
    }

    /// Random cells over many orders of magnitude: the root, within the proven step bound;
    /// records the largest count.
    @Test func randomCellsWithinTheBound() {
        var rng = RandomSource(seed: 7)
        var worst = 0
        for _ in 0..<20000 {
            let tb = pow(10, -12 + 14 * rng.uniformOpen())
            let at = pow(10, -5 + 6 * rng.uniformOpen())
            let k = rng.index(below: 5) == 0 ? 0 : pow(10, -12 + 20 * rng.uniformOpen())
            let c0: Double
            switch rng.index(below: 3) {
            case 0: c0 = (600 + 120 * rng.uniformOpen()) * tb      // root near or below ℓ
            case 1: c0 = 1000 * rng.uniformOpen() * tb
            default: c0 = rng.gaussians(1, as: Double.self)[0] * pow(10, -4 + 7 * rng.uniformOpen())
            }
            let guesses = [1e-300, 0, 1, rng.uniformOpen(), pow(10, -300 + 303 * rng.uniformOpen())]
            let c = Cell(c0: c0, k: k, at: at, tb: tb, guess: guesses[rng.index(below: guesses.count)])
            let (rho, steps) = Self.solve(c)
            worst = max(worst, steps)
            Self.expectRoot(c, rho, "random cell \(c)")
            #expect(steps < 180, "steps \(steps) on \(c)")
        }
        #expect(worst <= 80, "largest step count \(worst)")
    }

    /// Warm start at the root (the solver's late iterations): one or two evaluations.
    @Test func warmStartAtTheRoot() {
        for (c, r) in Self.capCells() {
            var w = c
            w.guess = r
            #expect(Self.solve(w).steps <= 2)
        }
    }
}
