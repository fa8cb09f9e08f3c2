import ArgumentParser
import Foundation
import MFGGrid
import MFGMath
import MFGNeural
import MFGProblem
import MFGStore

struct ReferenceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reference",
        abstract: "Solve a d = 2 problem on a space-time grid (Eulerian reference); write DIR/reference.h5.")

    @Argument(help: "The problem file (YAML, dimension 2).") var problem: String
    @Option(help: "Grid NXxNYxNT (cells along x1, x2, time steps); default: the file's reference.grid.") var grid: String?
    @Option(help: "Domain X1LO:X1HI,X2LO:X2HI, written --domain=-4:4,-5:5; default: the file's reference.domain.") var domain: String?
    @Option(help: "Output directory (default: runs/<problem name>).") var out: String?
    @Option(help: "Iteration limit of the primal-dual solver (1…10000000).") var maxIterations = 20000
    @Option(help: "Stop when both residuals are below this (0 < tol < 1).") var tolerance = 1e-4
    @Option(help: "Fixed primal step τ of the primal-dual iteration (e.g. 1e-2 for crowd motion); default: adaptive.")
    var primalStep: Double?
    @Option(help: "Over-relaxation factor of the primal-dual iteration, in [1, 2) (1: plain PDHG).")
    var relaxation = 1.9
    @Option(help: "Coarser grids solved first, each warm-starting the next (0…4; each halves nx, ny, nt).")
    var coarseLevels = 2
    @Option(help: "Threads for BLAS and for the proximal step (1…64).") var threads = 2

    func validate() throws {
        guard (1...10_000_000).contains(maxIterations) else { throw ValidationError("--max-iterations must be in 1…10000000") }
        guard tolerance > 0, tolerance < 1 else { throw ValidationError("--tolerance must be in (0, 1), got \(tolerance)") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1…64, got \(threads)") }
        guard (0...4).contains(coarseLevels) else { throw ValidationError("--coarse-levels must be in 0…4, got \(coarseLevels)") }
        guard relaxation >= 1, relaxation < 2 else { throw ValidationError("--relaxation must be in [1, 2), got \(relaxation)") }
        if let primalStep, !(primalStep > 0) { throw ValidationError("--primal-step must be positive, got \(primalStep)") }
        if let grid { _ = try parseGrid(grid) }
        if let domain { _ = try parseDomain(domain) }
    }

    func run() throws {
        let problem: Problem
        do { problem = try Problem.load(path: self.problem) } catch { fail(error.description, code: ExitCodes.badInput) }
        guard problem.dimension == 2 else {
            fail(ReferenceSetupError.notTwoDimensional(file: problem.file, dimension: problem.dimension).description,
                 code: ExitCodes.badInput)
        }
        let cells: (Int, Int, Int)
        let box: [ClosedRange<Double>]
        do {
            if let grid { cells = try parseGrid(grid) } else if let r = problem.reference { cells = (r.nx, r.ny, r.nt) }
            else { fail(ReferenceSetupError.noDomain(file: problem.file).description, code: ExitCodes.badInput) }
            if let domain { box = try parseDomain(domain) }
            else if let r = problem.reference { box = r.domain.map { $0.lo...$0.hi } }
            else { fail(ReferenceSetupError.noDomain(file: problem.file).description, code: ExitCodes.badInput) }
        } catch { fail("\(error)", code: ExitCodes.badInput) }
        let gridBytes = MemoryEstimate(what: "a grid solve of \(cells.0)×\(cells.1)×\(cells.2)", parts: [
            .init(name: "grid arrays", bytes: GridMemory.bytes(nx: cells.0, ny: cells.1, nt: cells.2),
                  lower: grid == nil ? ["reference.grid"] : ["--grid"])])
        requireMemory(gridBytes, file: problem.file)
        let settings = GridSettings(nx: cells.0, ny: cells.1, nt: cells.2, maxIterations: maxIterations,
                                    tolerance: tolerance, primalStep: primalStep,
                                    adaptiveSteps: primalStep == nil, checkEvery: 20, relaxation: relaxation,
                                    proxThreads: threads)
        let gridProblem: GridProblem
        do { gridProblem = try GridProblem(problem: problem, domain: box, nx: cells.0, ny: cells.1) }
        catch { fail(error.description, code: ExitCodes.badInput) }
        guard cells.2 >= 4 else { fail(GridError.gridTooCoarse(nx: cells.0, ny: cells.1, nt: cells.2).description, code: ExitCodes.badInput) }

        let dir = out ?? "runs/\(problem.name)"
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        catch { fail("cannot create \(dir): \(error.localizedDescription)", code: ExitCodes.badInput) }
        let path = dir + "/reference.h5"
        print("mfg \(SoftwareVersion.current): grid reference for \(problem.name) on "
              + "[\(box[0].lowerBound), \(box[0].upperBound)]×[\(box[1].lowerBound), \(box[1].upperBound)], "
              + "\(cells.0)×\(cells.1) cells × \(cells.2) steps, tolerance \(tolerance)")
        BLASThreads.set(threads)
        let terminal = isatty(STDOUT_FILENO) != 0
        let start = Date()
        // Coarse-to-fine: each coarser grid (nx, ny, nt halved) warm-starts the next, as in the
        // grid study (docs/reference-solver.md); levels that would fall below 8×8×4 are skipped.
        var grids: [(Int, Int, Int)] = [cells]
        for _ in 0..<coarseLevels {
            let (x, y, t) = grids[0]
            guard x / 2 >= 8, y / 2 >= 8, t / 2 >= 4 else { break }
            grids.insert((x / 2, y / 2, t / 2), at: 0)
        }
        var levelSolution: GridSolution?
        do {
            for (level, g) in grids.enumerated() {
                let levelProblem = g == cells ? gridProblem : try GridProblem(problem: problem, domain: box, nx: g.0, ny: g.1)
                var levelSettings = settings
                levelSettings.nx = g.0; levelSettings.ny = g.1; levelSettings.nt = g.2
                let label = "grid \(g.0)×\(g.1)×\(g.2) (\(level + 1)/\(grids.count))"
                levelSolution = try GridSolver.solve(levelProblem, settings: levelSettings, initialGuess: levelSolution) { p in
                    let line = "\(label) it \(p.iteration)  J \(p.costs.total.short)  constraint \(p.residuals.constraint.short)  "
                        + "optimality \(p.residuals.optimality.short)  \(duration(Date().timeIntervalSince(start)))"
                    if terminal { print("\r" + line + "\u{1B}[K", terminator: ""); fflush(stdout) }
                    else if p.iteration % 500 == 0 { print(line) }
                }
                if terminal { print("") }
                if g != cells {
                    print("\(label): J \(levelSolution!.costs.total.short) after \(levelSolution!.iterations) iterations"
                          + (levelSolution!.converged ? "" : " (not converged; used as a warm start only)"))
                }
            }
        } catch let e as ReferenceSetupError { fail(e.description, code: ExitCodes.badInput) }
        catch { fail("\(error)", code: ExitCodes.badInput) }
        let solution = levelSolution!
        let wall = Date().timeIntervalSince(start)
        let result = ReferenceResult(
            softwareVersion: SoftwareVersion.current, problemName: problem.name, problemFile: problem.file,
            problemSource: problem.sourceText, geometry: solution.geometry, x1Upper: box[0].upperBound,
            x2Upper: box[1].upperBound, density: solution.density, momentum1: solution.momentum1,
            momentum2: solution.momentum2, potential: solution.potential, costs: solution.costs,
            iterations: solution.iterations, residuals: solution.residuals, tolerance: tolerance,
            converged: solution.converged, wallSeconds: wall)
        do { try result.write(to: path) } catch { fail(error.description, code: 1) }
        let c = solution.costs
        print("""
        \(solution.converged ? "converged" : "NOT CONVERGED: stopped at the iteration limit before the tolerance") \
        after \(solution.iterations) iterations (\(duration(wall)))
          constraint residual  \(solution.residuals.constraint.short)
          optimality residual  \(solution.residuals.optimality.short)
          L (kinetic)          \(c.kinetic.short)
          F (interaction)      \(c.running.short)  (obstacle \(c.obstacle.short), entropy \(c.entropy.short))
          G (terminal)         \(c.terminal.short)
          J = L + F + G        \(c.total.short)
        result: \(path)
        """)
        if !solution.converged { throw ExitCode(ExitCodes.notConverged) }
    }
}

struct ParseError: Error, CustomStringConvertible { let description: String }

/// "128x128x64" → (128, 128, 64), each within the limits of a problem file's `reference.grid`.
func parseGrid(_ s: String) throws -> (Int, Int, Int) {
    let parts = s.lowercased().split(separator: "x").compactMap { Int($0) }
    guard parts.count == 3, parts.allSatisfy({ $0 > 0 }) else {
        throw ValidationError("--grid must look like 128x128x64 (cells along x1, x2, time steps), got '\(s)'")
    }
    let cells = ProblemLimits.gridCells, steps = ProblemLimits.gridSteps
    guard cells.contains(parts[0]), cells.contains(parts[1]), steps.contains(parts[2]) else {
        throw ValidationError("--grid \(s) is out of range (allowed: \(cells.lowerBound)…\(cells.upperBound) cells per axis, "
                              + "\(steps.lowerBound)…\(steps.upperBound) time steps)")
    }
    return (parts[0], parts[1], parts[2])
}

/// "-4:4,-5:5" → [-4…4, -5…5].
func parseDomain(_ s: String) throws -> [ClosedRange<Double>] {
    let axes = s.split(separator: ",").map { $0.split(separator: ":").compactMap { Double($0) } }
    guard axes.count == 2, axes.allSatisfy({ $0.count == 2 && $0[0] < $0[1] }) else {
        throw ValidationError("--domain must look like -4:4,-5:5 (x1 range, x2 range, low < high), got '\(s)'")
    }
    return axes.map { $0[0]...$0[1] }
}
