import Testing
import MFGGrid

/// Over-relaxation (`GridSettings.relaxation`) on the eight-Gaussian transport problem, the
/// one on which plain PDHG with balanced steps was slow: the relaxed iteration reaches the same
/// tolerance in clearly fewer iterations (measured 1.8× fewer at 32², see
/// docs/reference-solver.md) and to the same optimum.
@Test func relaxationConvergesInFewerIterations() throws {
    let problem = TestProblems.eightGaussians(n: 16)
    var settings = GridSettings(nx: 16, ny: 16, nt: 8, maxIterations: 20000, tolerance: 1e-3, checkEvery: 10)
    settings.relaxation = 1
    let plain = try GridSolver.solve(problem, settings: settings)
    settings.relaxation = 1.9
    let relaxed = try GridSolver.solve(problem, settings: settings)
    print("eight Gaussians 16²×8, tolerance 1e-3: plain \(plain.iterations) iterations, J \(plain.costs.total); "
          + "relaxed \(relaxed.iterations), J \(relaxed.costs.total)")
    let bothConverged = plain.converged && relaxed.converged
    #expect(bothConverged)
    #expect(Double(relaxed.iterations) <= 0.7 * Double(plain.iterations))
    // At tolerance 1e-3 J still lies a few percent above its limit on this problem and falls
    // towards it (docs/reference-solver.md); the relaxed run stops closer (measured: plain
    // 380 iterations, J 11.60; relaxed 210, J 11.58; with θ = 1: 1280 / 12.11 and 650 / 11.94).
    #expect(abs(relaxed.costs.total - plain.costs.total) <= 0.03 * plain.costs.total)
    #expect(relaxed.costs.total <= plain.costs.total * 1.001)
    // Densities stay non-negative: the reported iterate is a proximal output, never the
    // relaxed point (which may overshoot below zero).
    #expect(relaxed.density.allSatisfy { $0 >= 0 })
}

@Test func relaxationOutsideItsRangeIsRejected() {
    for bad in [0.5, 2.0] {
        var settings = GridSettings(nx: 16, ny: 16, nt: 8)
        settings.relaxation = bad
        #expect(throws: GridError.self) { try GridSolver.solve(TestProblems.eightGaussians(n: 16), settings: settings) }
    }
}

/// The default density step ratio θ = Δt²(1/Δx₁² + 1/Δx₂²)/4 against equal steps (θ = 1) on
/// the eight-Gaussian problem: measured 210 against 650 iterations at 16²×8 (980 against 3040
/// at 32²×16, tolerance 1e-4).
@Test func densityStepRatioConvergesInFewerIterations() throws {
    let problem = TestProblems.eightGaussians(n: 16)
    var settings = GridSettings(nx: 16, ny: 16, nt: 8, maxIterations: 20000, tolerance: 1e-3, checkEvery: 10)
    let balanced = try GridSolver.solve(problem, settings: settings)
    settings.densityStepRatio = 1
    let equal = try GridSolver.solve(problem, settings: settings)
    print("eight Gaussians 16²×8, tolerance 1e-3: default θ \(balanced.iterations) iterations, J \(balanced.costs.total); "
          + "θ = 1 \(equal.iterations), J \(equal.costs.total)")
    let bothConverged = balanced.converged && equal.converged
    #expect(bothConverged)
    #expect(Double(balanced.iterations) <= 0.6 * Double(equal.iterations))
    #expect(balanced.costs.total <= equal.costs.total * 1.001)
    settings.densityStepRatio = 0
    #expect(throws: GridError.self) { try GridSolver.solve(problem, settings: settings) }
}

/// The proximal step split over threads (`GridSettings.proxThreads`) gives bit-identical
/// iterates: each cell's prox depends only on its own data, whichever thread computes it.
/// Exact equality is the right tolerance; 3 threads on 8 levels also checks uneven shares.
@Test func proximalStepThreadsGiveIdenticalResults() throws {
    let problem = TestProblems.crowdMotion(n: 16)   // obstacle and entropy: the Newton path with log
    var settings = GridSettings(nx: 16, ny: 16, nt: 8, maxIterations: 200, tolerance: 1e-6, checkEvery: 10)
    let one = try GridSolver.solve(problem, settings: settings)
    settings.proxThreads = 3
    let three = try GridSolver.solve(problem, settings: settings)
    #expect(one.iterations == three.iterations)
    #expect(one.density == three.density)
    #expect(one.costs.total == three.costs.total)
}
