import Testing
@testable import MFGGrid
import MFGMath

/// The cell's proximal map with a kinetic weight per axis (`CellCost.proxDensityAnisotropic`,
/// `LevelProx.runAnisotropic`) against a brute-force minimisation of
/// Σₐ aₐ|wₐ|²/(2ρ) + βρ log ρ + qρ + (|ρ − ρ̄|² + |w − w̄|²)/(2τ) that uses no formula of the prox.
@Suite("Grid prox with a kinetic weight per axis")
struct AnisotropicProxTests {
    /// The cell cost plus the proximity term; +∞ outside ρ ≥ 0.
    static func objective(rho: Double, w1: [Double], w2: [Double], rb: Double, wb1: [Double], wb2: [Double],
                          a: (Double, Double), beta: Double, q: Double, tau: Double) -> Double {
        if rho < 0 { return .infinity }
        let s1 = w1.reduce(0) { $0 + $1 * $1 }, s2 = w2.reduce(0) { $0 + $1 * $1 }
        var f = q * rho + (beta > 0 && rho > 0 ? beta * rho * Double.log(rho) : 0)
        if rho == 0 { if s1 + s2 > 0 { return .infinity } } else { f += (a.0 * s1 + a.1 * s2) / (2 * rho) }
        var d = (rho - rb) * (rho - rb)
        for (x, y) in zip(w1 + w2, wb1 + wb2) { d += (x - y) * (x - y) }
        return f + d / (2 * tau)
    }

    /// Golden-section minimisation of a unimodal function on [lo, hi].
    static func golden(_ lo0: Double, _ hi0: Double, iterations: Int = 200, _ f: (Double) -> Double) -> Double {
        var lo = lo0, hi = hi0
        let r = (5.0.squareRoot() - 1) / 2
        var x1 = hi - r * (hi - lo), x2 = lo + r * (hi - lo)
        var f1 = f(x1), f2 = f(x2)
        for _ in 0..<iterations {
            if f1 <= f2 { hi = x2; x2 = x1; f2 = f1; x1 = hi - r * (hi - lo); f1 = f(x1) }
            else { lo = x1; x1 = x2; f1 = f2; x2 = lo + r * (hi - lo); f2 = f(x2) }
        }
        return (lo + hi) / 2
    }

    /// Brute force: for each ρ the objective is separable in the flux entries, each minimised by
    /// golden section; ρ itself by golden section on the resulting (convex) function.
    static func bruteForce(rb: Double, wb1: [Double], wb2: [Double], a: (Double, Double), beta: Double, q: Double,
                           tau: Double) -> Double {
        func reduced(_ rho: Double) -> Double {
            guard rho > 0 else {
                return objective(rho: 0, w1: wb1.map { _ in 0 }, w2: wb2.map { _ in 0 }, rb: rb, wb1: wb1, wb2: wb2,
                                 a: a, beta: beta, q: q, tau: tau)
            }
            func bestEntry(_ wb: Double, _ aa: Double) -> Double {
                golden(-abs(wb) - 1, abs(wb) + 1) { x in aa * x * x / (2 * rho) + (x - wb) * (x - wb) / (2 * tau) }
            }
            let w1 = wb1.map { bestEntry($0, a.0) }, w2 = wb2.map { bestEntry($0, a.1) }
            return objective(rho: rho, w1: w1, w2: w2, rb: rb, wb1: wb1, wb2: wb2, a: a, beta: beta, q: q, tau: tau)
        }
        let hi = max(abs(rb), 1) * 4 + tau * abs(q) + 4
        return golden(0, hi, reduced)
    }

    @Test func matchesBruteForceMinimisation() {
        var rng = RandomSource(seed: 77)
        var checked = 0
        for trial in 0..<60 {
            let a = (0.05 + 2 * rng.uniformOpen(), 0.05 + 2 * rng.uniformOpen())
            let beta = trial % 2 == 0 ? 0 : 0.05 + rng.uniformOpen()
            let q: Double = rng.gaussians(1)[0]
            let tau = 0.05 + rng.uniformOpen()
            let rb = 0.2 + 2 * rng.uniformOpen()
            let wb1: [Double] = rng.gaussians(4), wb2: [Double] = rng.gaussians(4)
            let s1 = wb1.reduce(0) { $0 + $1 * $1 }, s2 = wb2.reduce(0) { $0 + $1 * $1 }
            let p = CellCost.proxDensityAnisotropic(rhoBar: rb, fluxSquared: (s1, s2), tau: tau, alpha: a, beta: beta,
                                                    q: q, guess: 1).rho
            let brute = Self.bruteForce(rb: rb, wb1: wb1, wb2: wb2, a: a, beta: beta, q: q, tau: tau)
            #expect(abs(p - brute) <= 1e-6 * max(1, brute), "trial \(trial): prox \(p) brute force \(brute)")
            // The objective at the prox point (with its flux shrink) is no larger than at brute force's ρ.
            func value(_ rho: Double) -> Double {
                let w1 = wb1.map { rho > 0 ? $0 * rho / (rho + a.0 * tau) : 0 }
                let w2 = wb2.map { rho > 0 ? $0 * rho / (rho + a.1 * tau) : 0 }
                return Self.objective(rho: rho, w1: w1, w2: w2, rb: rb, wb1: wb1, wb2: wb2, a: a, beta: beta, q: q, tau: tau)
            }
            #expect(value(p) <= value(brute) + 1e-12 * max(1, abs(value(brute))))
            checked += 1
        }
        #expect(checked == 60)
    }

    /// With a₁ = a₂ the root is the isotropic one (to rounding: the kinetic term is written as two).
    @Test func equalWeightsAreTheIsotropicRoot() {
        var rng = RandomSource(seed: 78)
        for trial in 0..<200 {
            let a = 0.05 + 2 * rng.uniformOpen()
            let beta = trial % 2 == 0 ? 0 : 0.05 + rng.uniformOpen()
            let q: Double = rng.gaussians(1)[0]
            let tau = 0.05 + rng.uniformOpen(), rb: Double = rng.gaussians(1)[0]
            let s1 = 3 * rng.uniformOpen(), s2 = 3 * rng.uniformOpen()
            let iso = CellCost.proxDensity(rhoBar: rb, fluxSquared: s1 + s2, tau: tau, alpha: a, beta: beta, q: q, guess: 1)
            let aniso = CellCost.proxDensityAnisotropic(rhoBar: rb, fluxSquared: (s1, s2), tau: tau, alpha: (a, a),
                                                        beta: beta, q: q, guess: 1).rho
            #expect(abs(iso - aniso) <= 1e-12 * max(1, iso), "trial \(trial): \(iso) vs \(aniso)")
        }
    }

    /// The solver with α₁ = α₂ given per axis is the isotropic solver bit for bit (it takes the
    /// isotropic path).
    @Test func solverTakesTheIsotropicPathForEqualWeights() throws {
        let settings = GridSettings(nx: 12, ny: 12, nt: 6, maxIterations: 200, tolerance: 1e-6)
        var problem = TestProblems.gaussianTransport(n: 12)
        let plain = try GridSolver.solve(problem, settings: settings)
        problem.kineticWeightX2 = problem.alphaL
        let same = try GridSolver.solve(problem, settings: settings)
        #expect(plain.density == same.density)
        #expect(plain.costs.total == same.costs.total)
    }

    /// Closed form: Gaussian transport with a KL terminal cost separates per coordinate, and with
    /// α₁ ≠ α₂ each coordinate is the isotropic one-coordinate optimum with its own α (the √α
    /// change of variables yᵢ = √αᵢ xᵢ makes the cost isotropic; KL is invariant under it), so
    /// J* = Σᵢ J*₁(αᵢ) = ½(J*(α₁) + J*(α₂)) with J*(α) the two-coordinate isotropic optimum.
    @Test func anisotropicGaussianTransportMatchesClosedForm() throws {
        let n = 24
        let settings = GridSettings(nx: n, ny: n, nt: 12, maxIterations: 4000, tolerance: 1e-3, checkEvery: 25)
        var problem = TestProblems.gaussianTransport(n: n, alpha: 1)
        problem.kineticWeightX2 = 4
        let sol = try GridSolver.solve(problem, settings: settings)
        #expect(sol.converged)
        let o1 = TestProblems.gaussianTransportOptimum(alpha: 1), o2 = TestProblems.gaussianTransportOptimum(alpha: 4)
        let jStar = 0.5 * (o1.kinetic + o1.terminal + o2.kinetic + o2.terminal)
        let kStar = 0.5 * (o1.kinetic + o2.kinetic)
        // As for the isotropic closed-form test (SolverTests): 2 % on J, 10 % on its parts.
        #expect(abs(sol.costs.total - jStar) <= 0.02 * jStar, "J \(sol.costs.total) closed form \(jStar)")
        #expect(abs(sol.costs.kinetic - kStar) <= 0.1 * kStar, "L \(sol.costs.kinetic) closed form \(kStar)")
        // The terminal means per axis, m*ᵢ = (m₀ + κᵢm₁)/(1 + κᵢ), κᵢ = λ_G T/(αᵢ v₁): the cheap
        // axis travels further.
        let g = sol.geometry, rhoT = sol.density(atLevel: g.nt)
        var mean = (0.0, 0.0)
        for j in 0..<n { for i in 0..<n {
            let c = g.centre(i, j), m = rhoT[i + n * j] * g.cellArea
            mean.0 += m * c.0; mean.1 += m * c.1
        } }
        for (axis, alpha) in [(0, 1.0), (1, 4.0)] {
            let kappa = 5.0 / alpha
            let mStar = (-0.75 + kappa * 0.75) / (1 + kappa)
            #expect(abs((axis == 0 ? mean.0 : mean.1) - mStar) <= 0.05, "axis \(axis + 1)")
        }
    }
}
