import Testing
import Foundation
import MFGMath
import MFGProblem
@testable import MFGGrid

/// The congestion λ_C/p ∫∫ρ^p on the grid: the term's grid form, the cell's proximal root, the
/// closed form of a crowd that stays put, and a grid-against-grid check of the congested prox
/// against the entropy prox (C kernel) in the limit p → 1.
@Suite("Congestion on the grid")
struct GridCongestionTests {
    /// The problem file's congestion becomes the grid problem's (weight, exponent).
    @Test func theTermsGridFormIsThePowerPart() throws {
        let p = try Problem.parse(yaml: """
            dimension: 2
            horizon: 1
            kinetic_weight: 1
            initial_density: {type: gaussian, mean: [0, 1], variance: 0.3}
            target_density: {type: gaussian, mean: [0, -1], variance: 0.3}
            running_cost:
              entropy: {weight: 0.1}
              congestion: {weight: 0.7, exponent: 3}
            terminal_cost: {type: kl, weight: 5}
            penalties: {hjb: 1, terminal_hjb: 1}
            """, file: "x.yaml")
        let grid = try GridProblem(problem: p, domain: [-4...4, -4...4], nx: 16, ny: 16)
        #expect(grid.congestion == GridCongestion(weight: 0.7, exponent: 3))
        #expect(grid.lambdaE == 0.1 && grid.obstacle == nil)
        // As a terminal term it is refused by name.
        #expect(throws: ReferenceSetupError.self) {
            try GridProblem(problem: p, running: [], terminal: [CongestionCost(Congestion(weight: 1, exponent: 2))],
                            domain: [-4...4, -4...4], nx: 16, ny: 16)
        }
    }

    /// The root of the congested prox is the minimiser of f(ρ, w) + (|ρ − ρ̄|² + |w − w̄|²)/(2τ):
    /// the stationarity in ρ, with ∂f/∂ρ written out here independently (−a|w|²/(2ρ²) + q +
    /// β(log ρ + 1) + γρ^(p−1)), to 1e-9 of the magnitudes involved (the root stops at a relative
    /// step of 1e-14; ill-scaled draws lose a few digits more), and no perturbation of ρ by
    /// ±1e-6 relative lowers the objective (beyond its rounding). Draws over 8 orders of
    /// magnitude of τ, γ and ρ̄, with and without entropy, p from 1.05 to 10; step counts under
    /// the limit.
    @Test(arguments: [1.05, 1.5, 2, 3.5, 10])
    func theCongestedRootMinimisesTheProxObjective(_ p: Double) {
        var rng = RandomSource(seed: 11)
        var most = 0
        for trial in 0..<400 {
            let u = (0..<6).map { _ in rng.uniformOpen() }
            let tau = Double.pow(10, -3 + 5 * u[0]), gamma = Double.pow(10, -2 + 4 * u[1])
            let beta = trial % 2 == 0 ? 0 : Double.pow(10, -3 + 3 * u[2])
            let rhoBar = (u[3] - 0.3) * Double.pow(10, -2 + 4 * u[4])
            let q = 4 * (u[5] - 0.5)
            let flux: [Double] = rng.gaussians(4)
            let cost = CellCost(alpha: 0.25, entropy: beta, linear: q, congestion: gamma, exponent: p)
            let s = flux.reduce(0) { $0 + $1 * $1 }
            let (rho, steps) = CellCost.proxDensityCongested(rhoBar: rhoBar, fluxSquared: s, tau: tau, alpha: 0.25,
                                                             beta: beta, q: q, gamma: gamma, exponent: p, guess: 1)
            most = max(most, steps)
            #expect(steps < CellCost.congestedStepLimit)
            func objective(_ r: Double) -> Double {
                let ww = flux.map { $0 * r / (r + 0.25 * tau) }
                var d = (r - rhoBar) * (r - rhoBar)
                for (a, b) in zip(ww, flux) { d += (a - b) * (a - b) }
                return cost.value(rho: r, flux: ww) + d / (2 * tau)
            }
            if rho > Double.leastNormalMagnitude {
                // a|w|²/(2ρ²) with w = w̄ρ/(ρ + aτ), written without |w|² (which underflows for tiny ρ).
                let kin = 0.25 * s / (2 * (rho + 0.25 * tau) * (rho + 0.25 * tau))
                let grad = -kin + q + (beta > 0 ? beta * (Double.log(rho) + 1) : 0) + gamma * Double.pow(rho, p - 1)
                let scale = rho + abs(rhoBar) + tau * (abs(q) + kin + beta * (abs(Double.log(rho)) + 1)
                                                       + gamma * Double.pow(rho, p - 1) + 1)
                #expect(abs(rho - rhoBar + tau * grad) <= 1e-9 * scale, "p \(p) trial \(trial): ρ \(rho)")
                let f0 = objective(rho)
                for r in [rho * (1 + 1e-6), rho * (1 - 1e-6)] {
                    #expect(objective(r) >= f0 - 1e-13 * abs(f0), "p \(p) trial \(trial)")
                }
            } else if rho == 0 {
                // ρ = 0 is optimal iff ψ(0) ≥ 0 (only without entropy).
                #expect(beta == 0 && -rhoBar + tau * q - s / (2 * 0.25 * tau) >= -1e-12)
            }
        }
        #expect(most <= 120, "at most \(most) evaluations")
    }

    /// A crowd that stays put: ρ₀ = ρ₁ uniform on the domain is the exact optimum (no motion, the
    /// KL zero, and the uniform density minimises ∫ρ^p for its mass), with J = λ_C/p·T·|Ω|^(1−p).
    /// Asked: relative 1e-6 (the iteration starts at the optimum and stays within rounding of it;
    /// the trapezoid in time is exact for a constant).
    @Test func aUniformCrowdThatStaysPutHasTheClosedFormCost() throws {
        let n = 16
        let rho = [Double](repeating: 0.5, count: n * n)          // |Ω| = 2
        let problem = GridProblem(x1Lower: 0, x1Upper: 2, x2Lower: 0, x2Upper: 1, horizon: 1.5, alphaL: 1,
                                  initialDensity: rho, terminal: .kullbackLeibler(target: rho, weight: 3),
                                  congestion: GridCongestion(weight: 0.8, exponent: 2.5))
        let sol = try GridSolver.solve(problem, settings: GridSettings(nx: n, ny: n, nt: 8, maxIterations: 2000,
                                                                       tolerance: 1e-9, checkEvery: 25))
        let exact = 0.8 / 2.5 * 1.5 * 2 * Double.pow(0.5, 2.5)
        #expect(abs(sol.costs.total - exact) <= 1e-6 * exact, "J \(sol.costs.total), closed form \(exact)")
        #expect(abs(sol.costs.congestion - exact) <= 1e-6 * exact)
    }

    /// Grid against grid, p → 1: ρ^p/p = ρ(1 + ε log ρ)/p + O(ε²ρ log²ρ) with ε = p − 1, so a
    /// congestion λ_C = λ_E p/ε with p = 1 + ε, and the linear field −λ_C added (so that δF/δρ
    /// stays O(1): a constant of 500 in it would be absorbed by φ at the optimum, but the relative
    /// optimality residual would then stop the solver 1e-3 away from it), is the entropy λ_E plus
    /// the constant −λ_E T (unit mass at every level). The congested prox (Swift, scalar) and the
    /// entropy prox (the C kernel) are solved to 1e-5 on the same crowd (12 × 12 × 8, with an
    /// obstacle): J agrees to 1e-5 relative and the densities to 1e-3 in L1 at every level (the
    /// O(ε) remainder is about 1e-6 of J; two entropy solves to 1e-5 and 1e-7 differ by 2e-5 in L1).
    @Test func theCongestedProxMatchesTheEntropyProxAsPTendsToOne() throws {
        let eps = 1e-4, lambdaE = 0.05
        let base = TestProblems.tiny(n: 12)
        var entropy = base; entropy.lambdaE = lambdaE
        var congested = base; congested.lambdaE = 0
        let lambdaC = lambdaE * (1 + eps) / eps
        congested.congestion = GridCongestion(weight: lambdaC, exponent: 1 + eps)
        congested.obstacle = base.obstacle!.map { base.lambdaQ * $0 - lambdaC }
        congested.lambdaQ = 1
        let settings = GridSettings(nx: 12, ny: 12, nt: 8, maxIterations: 10000, tolerance: 1e-5, checkEvery: 25)
        let a = try GridSolver.solve(entropy, settings: settings)
        let b = try GridSolver.solve(congested, settings: settings)
        let jb = b.costs.total + lambdaE * base.horizon
        #expect(a.converged && b.converged, "iterations \(a.iterations) \(b.iterations)")
        #expect(abs(jb - a.costs.total) <= 1e-5 * abs(a.costs.total), "J entropy \(a.costs.total), congestion + λ_E T \(jb)")
        let geo = a.geometry, level = geo.cellsPerLevel
        for k in 1...geo.nt {
            var l1 = 0.0
            for c in 0..<level { l1 += abs(a.density[k * level + c] - b.density[k * level + c]) }
            #expect(l1 * geo.cellArea <= 1e-3, "level \(k): L1 \(l1 * geo.cellArea)")
        }
    }
}
