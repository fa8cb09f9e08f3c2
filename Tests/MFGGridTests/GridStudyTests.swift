import Foundation
import Testing
import MFGGrid
import MFGMath

/// The grid-convergence study of docs/reference-solver.md, run by hand in release:
///
///     MFG_GRID_STUDY=1 swift test -c release --filter gridConvergenceStudy
///
/// Environment: STUDY_PROBLEMS (comma list of gauss, crowd, eight; default all three),
/// STUDY_SIZES (comma list of n; nt = n/2; default 32,64,128), STUDY_TOL (default 1e-4),
/// STUDY_MAXIT (default 20000), STUDY_WARM (1: start each grid from the previous grid's
/// solution, default 1), STUDY_THREADS (OpenBLAS threads, default 2), STUDY_PROGRESS (print a
/// progress line every this many iterations, default 0 = off), STUDY_TAU (fixed primal step;
/// default: the solver's default), STUDY_ADAPT (residual balancing, default 1).
@Test(.enabled(if: ProcessInfo.processInfo.environment["MFG_GRID_STUDY"] == "1"))
func gridConvergenceStudy() throws {
    let env = ProcessInfo.processInfo.environment
    let problems = (env["STUDY_PROBLEMS"] ?? "gauss,crowd,eight").split(separator: ",").map(String.init)
    let sizes = (env["STUDY_SIZES"] ?? "32,64,128").split(separator: ",").compactMap { Int($0) }
    let tol = Double(env["STUDY_TOL"] ?? "1e-4")!
    let maxIt = Int(env["STUDY_MAXIT"] ?? "20000")!
    let warm = (env["STUDY_WARM"] ?? "1") == "1"
    let every = Int(env["STUDY_PROGRESS"] ?? "0")!
    let tau = env["STUDY_TAU"].flatMap(Double.init)
    let adapt = (env["STUDY_ADAPT"] ?? "1") == "1"
    BLASThreads.set(Int(env["STUDY_THREADS"] ?? "2")!)
    let opt = TestProblems.gaussianTransportOptimum()
    let jStar = opt.kinetic + opt.terminal

    for name in problems {
        print("== \(name)  (tolerance \(tol), max iterations \(maxIt), τ \(tau.map { "\($0)" } ?? "default"), adaptive \(adapt), warm start \(warm), BLAS threads \(BLASThreads.current))")
        print("| grid | iterations | converged | constraint res. | optimality res. | L | F | G | J | wall time (s) |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        var previous: GridSolution? = nil
        var js: [Double] = []
        var cumulative = 0.0
        for n in sizes {
            let problem: GridProblem
            switch name {
            case "crowd": problem = TestProblems.crowdMotion(n: n)
            case "eight": problem = TestProblems.eightGaussians(n: n)
            default: problem = TestProblems.gaussianTransport(n: n)
            }
            let settings = GridSettings(nx: n, ny: n, nt: n / 2, maxIterations: maxIt, tolerance: tol,
                                        primalStep: tau, adaptiveSteps: adapt, checkEvery: 50)
            let t0 = Date()
            let sol = try GridSolver.solve(problem, settings: settings, initialGuess: warm ? previous : nil) { p in
                if every > 0 && p.iteration % every == 0 {
                    print(String(format: "   it %6d  J %.6f  cons %.2e  opt %.2e  %.1fs", p.iteration, p.costs.total,
                                 p.residuals.constraint, p.residuals.optimality, Date().timeIntervalSince(t0)))
                }
            }
            let wall = Date().timeIntervalSince(t0)
            cumulative += wall
            previous = sol
            js.append(sol.costs.total)
            let c = sol.costs
            print(String(format: "| %d²×%d | %d | %@ | %.1e | %.1e | %.5f | %.5f | %.5f | %.5f | %.1f (cumulative %.1f) |",
                         n, n / 2, sol.iterations, sol.converged ? "yes" : "no", sol.residuals.constraint,
                         sol.residuals.optimality, c.kinetic, c.running, c.terminal, c.total, wall, cumulative))
            if name == "gauss" {
                print(String(format: "   closed form J* = %.5f, relative error %.3f %%", jStar,
                             100 * (sol.costs.total - jStar) / jStar))
            }
        }
        if js.count >= 3 {
            for i in 0..<(js.count - 2) {
                let p = Double.log2(abs(js[i] - js[i + 1]) / abs(js[i + 1] - js[i + 2]))
                let extrapolated = js[i + 2] + (js[i + 2] - js[i + 1]) / (Double.pow(2, p) - 1)
                print(String(format: "   observed order (n = %d, %d, %d): %.2f, Richardson limit %.5f",
                             sizes[i], sizes[i + 1], sizes[i + 2], p, extrapolated))
            }
        }
    }
}
