import Foundation
import Testing
import MFGGrid
import MFGMath

@Test(.enabled(if: ProcessInfo.processInfo.environment["MFG_GRID_EXP"] == "1"))
func experiment() throws {
    let env = ProcessInfo.processInfo.environment
    let n = Int(env["N"] ?? "32")!, nt = Int(env["NT"] ?? "16")!
    let iters = Int(env["ITERS"] ?? "2000")!
    let tau = env["TAU"].flatMap(Double.init)
    let adaptive = env["ADAPT"] != "0"
    let which = env["PROB"] ?? "gauss"
    let p: GridProblem = which == "tiny" ? TestProblems.tiny(n: n) : which == "crowd" ? TestProblems.crowdMotion(n: n)
        : which == "eight" ? TestProblems.eightGaussians(n: n) : TestProblems.gaussianTransport(n: n)
    let settings = GridSettings(nx: n, ny: n, nt: nt, maxIterations: iters, tolerance: Double(env["TOL"] ?? "1e-4")!,
                                primalStep: tau, adaptiveSteps: adaptive, checkEvery: Int(env["EVERY"] ?? "50")!)
    let t0 = Date()
    var guess: GridSolution? = nil
    if let cn = env["COARSE"].flatMap(Int.init) {
        let pc: GridProblem = which == "crowd" ? TestProblems.crowdMotion(n: cn)
            : which == "eight" ? TestProblems.eightGaussians(n: cn) : TestProblems.gaussianTransport(n: cn)
        var cs = settings; cs.nx = cn; cs.ny = cn; cs.nt = nt * cn / n
        guess = try GridSolver.solve(pc, settings: cs)
        print("coarse \(guess!.iterations) its J \(guess!.costs.total) \(Date().timeIntervalSince(t0))s")
    }
    let sol = try GridSolver.solve(p, settings: settings, initialGuess: guess) { pr in
        print(String(format: "it %6d  J %.6f (L %.5f F %.5f G %.5f)  cons %.3e  opt %.3e  H-1 %.3e  tau %.3e  %.1fs",
                     pr.iteration, pr.costs.total, pr.costs.kinetic, pr.costs.running, pr.costs.terminal,
                     pr.residuals.constraint, pr.residuals.optimality, pr.residuals.constraintHminus1, pr.primalStep,
                     Date().timeIntervalSince(t0)))
    }
    let opt = TestProblems.gaussianTransportOptimum()
    print("converged \(sol.converged) iters \(sol.iterations) J \(sol.costs.total)  J* gauss \(opt.kinetic + opt.terminal) (L* \(opt.kinetic) G* \(opt.terminal) s* \(opt.s))")
}

@Test(.enabled(if: ProcessInfo.processInfo.environment["MFG_GRID_EXP"] == "2"))
func timing() throws {
    let env = ProcessInfo.processInfo.environment
    let n = Int(env["N"] ?? "32")!, nt = Int(env["NT"] ?? "16")!
    if let th = env["TH"].flatMap(Int.init) { BLASThreads.set(th) }
    let g = GridGeometry(nx: n, ny: n, nt: nt, x1Lower: -4, x1Upper: 4, x2Lower: -4, x2Upper: 4, horizon: 1)
    let poisson = SpaceTimePoisson(grid: g)
    var rng = RandomSource(seed: 1)
    let r: [Double] = rng.gaussians(g.count)
    var z = r
    let reps = Int(env["REPS"] ?? "20")!
    var t0 = Date()
    for _ in 0..<reps { poisson.solve(r, into: &z) }
    print("poisson \(Date().timeIntervalSince(t0) / Double(reps) * 1000) ms")
    var u = GridPrimal(zeroFor: g)
    u.rho = r.map { abs($0) }
    t0 = Date()
    for _ in 0..<reps { g.adjoint(r, into: &u) }
    print("adjoint \(Date().timeIntervalSince(t0) / Double(reps) * 1000) ms")
    var out = r
    t0 = Date()
    for _ in 0..<reps { g.divergence(u, into: &out) }
    print("divergence \(Date().timeIntervalSince(t0) / Double(reps) * 1000) ms")
    let p = env["PROB"] == "tiny" ? TestProblems.tiny(n: n) : TestProblems.gaussianTransport(n: n)
    t0 = Date()
    let s = try GridSolver.solve(p, settings: GridSettings(nx: n, ny: n, nt: nt, maxIterations: reps, checkEvery: 1000000))
    print("solver iteration \(Date().timeIntervalSince(t0) / Double(reps) * 1000) ms  \(s.iterations)")
}
