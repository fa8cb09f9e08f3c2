import Foundation
import Testing
@testable import MFGGrid
import MFGMath
import MFGProblem

/// The grid's pairwise interaction (`GridInteraction`): its convolution and energy against the
/// closed forms for Gaussians, its discrete derivative (the linear cost of the fictitious play),
/// and the fictitious play itself on a small problem at two resolutions.
@Suite("Grid: the pairwise Gaussian interaction")
struct GridInteractionTests {
    /// ρ = N(m, s²I) on the cell centres of [−4, 4]², normalised to unit grid mass.
    static func gaussian(_ g: GridGeometry, m: (Double, Double), s2: Double) -> [Double] {
        let r = g.sample { x1, x2 in Double.exp(-((x1 - m.0) * (x1 - m.0) + (x2 - m.1) * (x2 - m.1)) / (2 * s2)) }
        let mass = g.integral(r)
        return r.map { $0 / mass }
    }

    /// For ρ = N(m, s²I₂) and K = exp(−|z_S|²/(2h²)): (Kρ)(x) = Π_{a∈S} (h²/(h² + s²))^(1/2)
    /// exp(−(x_a − m_a)²/(2(h² + s²))), and F over [0, T] with ρ constant in time is
    /// T(λ/2)(h²/(h² + 2s²))^(|S|/2). The midpoint rule on a smooth Gaussian: relative 1e-6 on F,
    /// 1e-6 on Kρ.
    @Test(arguments: [[0, 1], [0], [1]])
    func convolutionAndEnergyMatchTheClosedForms(axes: [Int]) {
        let g = GridGeometry(nx: 64, ny: 72, nt: 4, x1Lower: -4, x1Upper: 4, x2Lower: -4.5, x2Upper: 4.5, horizon: 1.5)
        let s2 = 0.35, h = 0.6, lambda = 1.3, m = (0.3, -0.4)
        let inter = GridInteraction(weight: lambda, width: h, axes: axes)
        let rho = Self.gaussian(g, m: m, s2: s2)
        let energy = inter.energy(rho0: rho, rho: (0..<g.nt).flatMap { _ in rho }, grid: g)
        let exact = 1.5 * lambda / 2 * Double.pow(h * h / (h * h + 2 * s2), Double(axes.count) / 2)
        #expect(abs(energy - exact) <= 1e-6 * exact, "F \(energy), closed form \(exact)")
        var conv = [Double](repeating: 0, count: rho.count)
        rho.withUnsafeBufferPointer { r in conv.withUnsafeMutableBufferPointer { c in
            inter.convolve(r.baseAddress!, levels: 1, grid: g, into: c.baseAddress!)
        } }
        var worst = 0.0
        for j in stride(from: 0, to: g.ny, by: 7) {
            for i in stride(from: 0, to: g.nx, by: 5) {
                let (x1, x2) = g.centre(i, j)
                var exactConv = 1.0
                for (a, (x, c)) in [(x1, m.0), (x2, m.1)].enumerated() {
                    if axes.contains(a) {
                        exactConv *= (h * h / (h * h + s2)).squareRoot() * Double.exp(-(x - c) * (x - c) / (2 * (h * h + s2)))
                    }
                }
                worst = max(worst, abs(conv[i + g.nx * j] - exactConv))
            }
        }
        #expect(worst <= 1e-6, "largest error of Kρ \(worst)")
    }

    /// The discrete F_K is a quadratic form whose derivative in ρᵏ_c is wₖΔtΔA·λ(Kρᵏ)_c — the
    /// linear cell cost the fictitious play charges: a central difference of F_K(ρ + εη) against
    /// Σ wₖΔtΔA λ(Kρ)η (relative 1e-8; η moves the levels 1…nt only).
    @Test func energyDerivativeIsTheLinearCost() {
        let g = GridGeometry(nx: 16, ny: 12, nt: 5, x1Lower: -3, x1Upper: 3, x2Lower: -2, x2Upper: 2, horizon: 1)
        let inter = GridInteraction(weight: 0.9, width: 0.8, axes: [0, 1])
        let level = g.cellsPerLevel
        let rho0 = Self.gaussian(g, m: (0, 0), s2: 0.5)
        var rng = RandomSource(seed: 3)
        var rho = [Double](repeating: 0, count: level * g.nt)
        for n in rho.indices {
            let factor: Double = 1 + 0.2 * Double((n / level) % 3)
            rho[n] = rho0[n % level] * factor
        }
        let eta: [Double] = rng.gaussians(level * g.nt)
        let eps = 1e-5
        let plus = inter.energy(rho0: rho0, rho: zip(rho, eta).map { $0 + eps * $1 }, grid: g)
        let minus = inter.energy(rho0: rho0, rho: zip(rho, eta).map { $0 - eps * $1 }, grid: g)
        var conv = [Double](repeating: 0, count: rho.count)
        rho.withUnsafeBufferPointer { r in conv.withUnsafeMutableBufferPointer { c in
            inter.convolve(r.baseAddress!, levels: g.nt, grid: g, into: c.baseAddress!)
        } }
        var exact = 0.0
        for k in 0..<g.nt {
            let w = k == g.nt - 1 ? 0.5 : 1.0
            for c in 0..<level { exact += w * g.dt * g.cellArea * inter.weight * conv[k * level + c] * eta[k * level + c] }
        }
        let difference = (plus - minus) / (2 * eps)
        #expect(abs(difference - exact) <= 1e-8 * abs(exact), "difference \(difference), Σ λ(Kρ)η \(exact)")
    }

    /// A 1-D crowd with repulsion, solved by the fictitious play at two resolutions (32 × 8 and
    /// 64 × 16 cells, small so the debug build runs it in seconds): both converge (inner
    /// tolerance and the outer L¹ criterion), J agrees within 1 %, the
    /// interaction's part is positive, and the crowd ends wider than without the repulsion.
    @Test func fictitiousPlayConvergesAtTwoResolutions() throws {
        func problem(n: Int, lambda: Double) -> GridProblem {
            let x = GridProblem.sample(nx: n, x1: -4...4) { Double.exp(-($0 + 0.5) * ($0 + 0.5) / (2 * 0.2)) }
            let mass = x.reduce(0, +) * 8 / Double(n)
            let g = GridProblem.sample(nx: n, x1: -4...4) { 0.5 * ($0 - 0.5) * ($0 - 0.5) }
            var p = GridProblem(x1Lower: -4, x1Upper: 4, horizon: 1, alphaL: 1, initialDensity: x.map { $0 / mass },
                                lambdaE: 0.02, terminal: .preference(g: g, weight: 1))
            if lambda != 0 { p.interaction = GridInteraction(weight: lambda, width: 0.5, axes: [0]) }
            return p
        }
        var costs: [Double] = []
        for (n, nt) in [(32, 8), (64, 16)] {
            let settings = GridSettings(nx: n, ny: 1, nt: nt, maxIterations: 20000, tolerance: 1e-5, checkEvery: 20)
            let sol = try GridSolver.solve(problem(n: n, lambda: 2), settings: settings)
            let free = try GridSolver.solve(problem(n: n, lambda: 0), settings: settings)
            #expect(sol.converged, "n = \(n): not converged after \(sol.iterations) iterations")
            #expect(sol.costs.nonlocal > 0)
            #expect(abs(sol.costs.total - (sol.costs.kinetic + sol.costs.running + sol.costs.terminal)) <= 1e-12)
            func variance(_ s: GridSolution) -> Double {
                let r = s.density(atLevel: nt), x = (0..<n).map { -4 + (Double($0) + 0.5) * 8 / Double(n) }
                let w = 8 / Double(n), mean = zip(r, x).reduce(0) { $0 + $1.0 * $1.1 } * w
                return zip(r, x).reduce(0) { $0 + $1.0 * ($1.1 - mean) * ($1.1 - mean) } * w
            }
            #expect(variance(sol) > variance(free), "repulsion spreads the crowd")
            costs.append(sol.costs.total)
        }
        #expect(abs(costs[0] - costs[1]) <= 0.01 * abs(costs[1]), "J \(costs[0]) at 32 cells, \(costs[1]) at 64")
    }
}
