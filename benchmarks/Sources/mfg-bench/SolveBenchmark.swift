import ArgumentParser
import Foundation
import MFGGrid
import MFGMath
import MFGNeural
import MFGProblem

/// Full solves of shipped problem files with their own schedules: wall time to the final
/// validation objective. Writes nothing (checkpoints are `mfg solve`'s job).
struct SolveSuiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "solve", abstract: "Wall time of full solves of problem files, with the final validation terms.")

    @Argument(help: "Problem files (YAML).") var problems: [String]
    @Option(help: "Worker threads (1…64).") var threads = 2

    func validate() throws {
        guard !problems.isEmpty else { throw ValidationError("give at least one problem file") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1…64, got \(threads)") }
    }

    func run() throws {
        var table = Table(["problem", "d", "iterations", "batch", "wall s", "s/it", "val L", "val F", "val G", "val J"])
        for file in problems {
            let problem = try Problem.load(path: file)
            let solver = try Solver(problem: problem, threads: threads)
            let start = Date()
            try solver.train { _ in .proceed }
            let wall = Date().timeIntervalSince(start)
            let t = try solver.validationTerms(parameters: solver.state.bestParameters)
            table.add([problem.name, "\(problem.dimension)", "\(solver.totalIterations)", "\(problem.training.batchSize)",
                       format(wall, 1), format(wall / Double(solver.totalIterations), 3), format(t.kinetic),
                       format(t.interaction), format(t.terminal), format(t.cost)])
            FileHandle.standardError.write(Data("done: \(problem.name)\n".utf8))
        }
        print(table.render())
    }
}

/// The 2D grid reference at chosen grids (coarse to fine as `mfg reference` does).
struct GridSuiteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "grid", abstract: "Wall time of the 2D grid reference solver at several grids.")

    @Argument(help: "A d = 2 problem file with a reference section.") var problem: String
    @Option(help: "Cells per axis, comma separated, each with nt = cells/2 (8…512).") var sizes = "64,128"
    @Option(help: "Iterations per grid (1…100000).") var iterations = 1000
    @Option(help: "Fixed primal step τ (default: adaptive).") var primalStep: Double?
    @Option(help: "Threads for BLAS and the proximal step (1…64).") var threads = 2

    func validate() throws {
        for n in try parseList(sizes, "sizes") where !(8...512).contains(n) {
            throw ValidationError("--sizes entries must be in 8…512, got \(n)")
        }
        guard (1...100_000).contains(iterations) else { throw ValidationError("--iterations must be in 1…100000") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1…64, got \(threads)") }
    }

    func run() throws {
        let p = try Problem.load(path: problem)
        guard let ref = p.reference else { throw ValidationError("\(problem) has no reference section") }
        let box = ref.domain.map { $0.lo...$0.hi }
        BLASThreads.set(threads)
        var table = Table(["grid", "iterations", "wall s", "s/it", "J", "constraint res.", "optimality res."])
        for n in try parseList(sizes, "sizes") {
            let gp = try GridProblem(problem: p, domain: box, nx: n, ny: n)
            let settings = GridSettings(nx: n, ny: n, nt: n / 2, maxIterations: iterations, tolerance: 1e-4,
                                        primalStep: primalStep, adaptiveSteps: primalStep == nil,
                                        proxThreads: threads)
            let start = Date()
            let s = try GridSolver.solve(gp, settings: settings)
            let wall = Date().timeIntervalSince(start)
            table.add(["\(n)²×\(n / 2)", "\(s.iterations)", format(wall, 1), format(wall / Double(s.iterations), 3),
                       format(s.costs.total, 4), String(format: "%.2e", s.residuals.constraint),
                       String(format: "%.2e", s.residuals.optimality)])
        }
        print("# grid reference: \(p.name), domain \(box), BLAS threads \(threads)")
        print(table.render())
    }
}
