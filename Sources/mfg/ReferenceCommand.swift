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
        abstract: "Solve a problem on space-time grids (Eulerian reference): d = 2 on one 2-D grid, any other d "
            + "block by block (each distinct block of 1 or 2 coordinates once); write DIR/reference.h5.")

    @Argument(help: "The problem file (YAML): dimension 2, or block-separable into blocks of 1 or 2 coordinates.",
              completion: .file(extensions: ["yaml", "yml"]))
    var problem: String
    @Option(help: ArgumentHelp(
        "Grid NXxNYxNT of the 2-D blocks (cells along x1, x2, time steps) or NXxNT of the 1-D blocks; may be given once of each kind.",
        discussion: "Default: the file's reference.grid (d = 2) or reference.blocks, else automatic (d != 2)."))
    var grid: [String] = []
    @Option(help: ArgumentHelp(
        "Domain X1LO:X1HI,X2LO:X2HI of the 2-D blocks or LO:HI of the 1-D blocks, written --domain=-4:4,-5:5; once of each kind.",
        discussion: "Default: the file's reference.domain (d = 2) or reference.blocks, else automatic (d != 2)."))
    var domain: [String] = []
    @Option(name: .customLong("set"), help: ArgumentHelp(
        "Change a setting of the problem file, e.g. --set reference.grid.nt=64 (repeatable; the value is YAML).",
        valueName: "key.path=value"))
    var settings: [String] = []
    @Option(help: "Output directory (default: runs/<problem name>).", completion: .directory) var out: String?
    @Option(help: "Iteration limit of the primal-dual solver (1…10000000; default: the file's reference.max_iterations, else 20000).")
    var maxIterations: Int?
    @Option(help: "Stop when both residuals are below this (0 < tol < 1; default: the file's reference.tolerance, else 1e-4).")
    var tolerance: Double?
    @Option(help: "Fixed primal step τ of the primal-dual iteration (e.g. 1e-2 for crowd motion); default: adaptive.")
    var primalStep: Double?
    @Option(help: "Over-relaxation factor of the primal-dual iteration, in [1, 2) (1: plain PDHG).")
    var relaxation = 1.9
    @Option(help: "Coarser grids solved first, each warm-starting the next (0…4; each halves nx, ny, nt).")
    var coarseLevels = 2
    @Option(help: "Threads for BLAS and for the proximal step (1…64).") var threads = 2
    @Flag(help: "Replace the reference.h5 the output directory already holds (without it, such a directory is refused).")
    var force = false

    func validate() throws {
        if let maxIterations, !(1...10_000_000).contains(maxIterations) { throw ValidationError("--max-iterations must be in 1…10000000") }
        if let tolerance, !(tolerance > 0 && tolerance < 1) { throw ValidationError("--tolerance must be in (0, 1), got \(tolerance)") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1…64, got \(threads)") }
        guard (0...4).contains(coarseLevels) else { throw ValidationError("--coarse-levels must be in 0…4, got \(coarseLevels)") }
        guard relaxation >= 1, relaxation < 2 else { throw ValidationError("--relaxation must be in [1, 2), got \(relaxation)") }
        if let primalStep, !(primalStep > 0) { throw ValidationError("--primal-step must be positive, got \(primalStep)") }
        _ = try overrides()
    }

    /// The --grid and --domain settings by block size.
    func overrides() throws -> BlockGridPlan.Overrides {
        var o = BlockGridPlan.Overrides()
        func plural(_ k: Int) -> String { k == 1 ? "1 coordinate" : "\(k) coordinates" }
        for text in grid {
            let size = try parseGrid(text)
            let k = size.ny == 1 ? 1 : 2
            guard o.grid[k] == nil else { throw ValidationError("--grid is given twice for blocks of \(plural(k))") }
            o.grid[k] = size
            o.spelling[k] = [o.spelling[k], "--grid \(text)"].compactMap { $0 }.joined(separator: " ")
        }
        for text in domain {
            let box = try parseDomain(text)
            let k = box.count
            guard o.domain[k] == nil else { throw ValidationError("--domain is given twice for blocks of \(plural(k))") }
            o.domain[k] = box
            o.spelling[k] = [o.spelling[k], "--domain=\(text)"].compactMap { $0 }.joined(separator: " ")
        }
        return o
    }

    /// The stopping tolerance: `--tolerance`, else the file's `reference.tolerance`, else 1e-4;
    /// with where it came from, for the header.
    func effectiveTolerance(_ problem: Problem) -> (value: Double, source: String) {
        if let tolerance { return (tolerance, "--tolerance") }
        if let t = problem.reference?.tolerance { return (t, "reference.tolerance") }
        return (1e-4, "default")
    }

    /// The iteration limit per grid level: `--max-iterations`, else the file's
    /// `reference.max_iterations`, else 20 000.
    func effectiveMaxIterations(_ problem: Problem) -> Int {
        maxIterations ?? problem.reference?.maxIterations ?? 20_000
    }

    func run() throws {
        let problem: Problem
        do { problem = try Problem.load(path: self.problem, settings: settings) }
        catch { fail(error.description, code: ExitCodes.badInput) }
        let plan: BlockGridPlan
        do {
            let o = try overrides()
            if problem.dimension == 2 {
                plan = try BlockGridPlan(wholeProblem: problem, overrides: o)
            } else {
                let blocks: [ProblemBlock]
                do { blocks = try problem.separableBlocks() } catch { fail(error.description, code: ExitCodes.badInput) }
                plan = try BlockGridPlan(blocks: blocks, file: problem.file, settings: problem.reference, overrides: o)
            }
        } catch let e as ReferenceSetupError { fail(e.description, code: ExitCodes.badInput) }
        catch { fail("\(error)", code: ExitCodes.badInput) }
        for e in plan.entries {
            let s = e.size
            requireMemory(MemoryEstimate(what: "a grid solve of \(s.nx)×\(s.ny)×\(s.nt)", parts: [
                .init(name: "grid arrays", bytes: GridMemory.bytes(nx: s.nx, ny: s.ny, nt: s.nt),
                      lower: gridSettingToLower(e.gridSource))]), file: problem.file)
        }

        let dir = out ?? "runs/\(problem.name)"
        let path = dir + "/reference.h5"
        // A finished reference can be hours of grid solving: it is replaced only when asked.
        if FileManager.default.fileExists(atPath: path) && !force {
            fail("\(path) already exists; pass --force to replace it or choose another --out", code: ExitCodes.badInput)
        }
        do { try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true) }
        catch { fail("cannot create \(dir): \(error.localizedDescription)", code: ExitCodes.badInput) }
        print(header(problem, plan))
        BLASThreads.set(threads)
        let tolerance = effectiveTolerance(problem).value
        let settings = GridSettings(nx: 8, ny: 8, nt: 4, maxIterations: effectiveMaxIterations(problem), tolerance: tolerance,
                                    primalStep: primalStep, adaptiveSteps: primalStep == nil, checkEvery: 20,
                                    relaxation: relaxation, proxThreads: threads)
        let terminal = isatty(STDOUT_FILENO) != 0
        let start = Date()
        let solved: [SolvedBlock]
        do {
            solved = try plan.solve(settings: settings, coarseLevels: coarseLevels, progress: { b, level, p in
                let line = "\(label(plan, b))grid \(level.size) (\(level.index + 1)/\(level.count)) it \(p.iteration)  "
                    + "J \(p.costs.total.short)  constraint \(p.residuals.constraint.short)  "
                    + "optimality \(p.residuals.optimality.short)  \(duration(Date().timeIntervalSince(start)))"
                if terminal { print("\r" + line + "\u{1B}[K", terminator: ""); fflush(stdout) }
                else if p.iteration % 500 == 0 { print(line) }
            }, finished: { b, level, s in
                if terminal { print("") }
                if !level.isFinest {
                    print("\(label(plan, b))grid \(level.size) (\(level.index + 1)/\(level.count)): J \(s.costs.total.short) "
                          + "after \(s.iterations) iterations" + (s.converged ? "" : " (not converged; used as a warm start only)"))
                } else if !plan.isWholeProblem {
                    print("\(label(plan, b))\(s.converged ? "converged" : "NOT CONVERGED") after \(s.iterations) iterations, "
                          + "J \(s.costs.total.short) per copy")
                }
            })
        } catch { fail(error.description, code: ExitCodes.badInput) }
        let wall = Date().timeIntervalSince(start)
        let result = ReferenceResult(
            softwareVersion: SoftwareVersion.current, problemName: problem.name, problemFile: problem.absoluteFile,
            problemSource: problem.sourceText, dimension: problem.dimension, blocks: solved.map(ReferenceResult.Block.init),
            tolerance: tolerance, wallSeconds: wall, sigma: problem.sigma)
        do { try result.write(to: path) } catch { fail(error.description, code: 1) }
        print(summary(result, plan, wall: wall) + "\nresult: \(path)")
        if !result.converged { throw ExitCode(ExitCodes.notConverged) }
    }

    /// "block (x1, x2): " before a progress line of a block reference; "" for a d = 2 problem.
    func label(_ plan: BlockGridPlan, _ b: Int) -> String {
        plan.isWholeProblem ? "" : "block \(blockName(plan.entries[b].occurrences)): "
    }

    func header(_ problem: Problem, _ plan: BlockGridPlan) -> String {
        let (value, source) = effectiveTolerance(problem)
        let tolerance = source == "default" ? "\(value)" : "\(value) (\(source))"
        func box(_ d: [ClosedRange<Double>]) -> String { d.map { "[\($0.lowerBound), \($0.upperBound)]" }.joined(separator: "×") }
        if plan.isWholeProblem, let e = plan.entries.first {
            return "mfg \(SoftwareVersion.current): grid reference for \(problem.name) on \(box(e.domain)), "
                + "\(e.size.nx)×\(e.size.ny) cells × \(e.size.nt) steps, tolerance \(tolerance)"
        }
        var lines = ["mfg \(SoftwareVersion.current): grid reference for \(problem.name) (d = \(problem.dimension)) by blocks: "
                     + "\(plan.entries.count) distinct block\(plan.entries.count == 1 ? "" : "s"), tolerance \(tolerance)"]
        for e in plan.entries {
            let size = e.size.ny == 1 ? "\(e.size.nx) cells × \(e.size.nt) steps" : "\(e.size.nx)×\(e.size.ny) cells × \(e.size.nt) steps"
            lines.append("  block \(blockName(e.occurrences)) (\(e.multiplicity) cop\(e.multiplicity == 1 ? "y" : "ies")): "
                         + "\(box(e.domain)) (\(e.domainSource)), \(size) (\(e.gridSource))")
        }
        return lines.joined(separator: "\n")
    }

    func summary(_ result: ReferenceResult, _ plan: BlockGridPlan, wall: Double) -> String {
        let c = result.costs
        let totals = """
          L (kinetic)          \(c.kinetic.short)
          F (interaction)      \(c.running.short)  (obstacle \(c.obstacle.short), entropy \(c.entropy.short)\(c.congestion != 0 ? ", congestion \(c.congestion.short)" : "")\(c.nonlocal != 0 ? ", pairwise interaction \(c.nonlocal.short)" : ""))
          G (terminal)         \(c.terminal.short)
          J = L + F + G        \(c.total.short)
        """
        if plan.isWholeProblem, let b = result.blocks.first {
            return """
            \(b.converged ? "converged" : "NOT CONVERGED: stopped at the iteration limit before the tolerance") \
            after \(b.iterations) iterations (\(duration(wall)))
              constraint residual  \(b.residuals.constraint.short)
              optimality residual  \(b.residuals.optimality.short)
            \(totals)
            """
        }
        func cell(_ s: String, _ n: Int) -> String { s.leftPadded(n) }
        var rows = ["block".padding(toLength: 16, withPad: " ", startingAt: 0) + cell("copies", 7) + cell("grid", 12)
                    + cell("iterations", 11) + cell("constraint", 11) + cell("optimality", 11) + cell("L", 11)
                    + cell("F", 11) + cell("G", 11) + cell("J", 11) + cell("time", 8)]
        for (b, e) in zip(result.blocks, plan.entries) {
            rows.append(blockName(e.occurrences).padding(toLength: 16, withPad: " ", startingAt: 0)
                        + cell("\(b.multiplicity)", 7) + cell("\(e.size)", 12)
                        + cell("\(b.iterations)" + (b.converged ? "" : "*"), 11)
                        + cell(b.residuals.constraint.short, 11) + cell(b.residuals.optimality.short, 11)
                        + cell(b.costs.kinetic.short, 11) + cell(b.costs.running.short, 11)
                        + cell(b.costs.terminal.short, 11) + cell(b.costs.total.short, 11) + cell(duration(b.wallSeconds), 8))
        }
        let stopped = zip(result.blocks, plan.entries).filter { !$0.0.converged }.map { blockName($0.1.occurrences) }
        let status = stopped.isEmpty
            ? "converged: every block (\(duration(wall)))"
            : "NOT CONVERGED: block\(stopped.count == 1 ? "" : "s") \(stopped.joined(separator: "; ")) stopped at the "
              + "iteration limit before the tolerance (* in the table)"
        return rows.joined(separator: "\n")
            + "\nper copy of each block; the problem's costs are the sums over all copies:\n" + totals + "\n" + status
    }
}

/// A block's occurrences for messages, 1-based: "(x1, x2)", "x3", "x3 … x10".
func blockName(_ occurrences: [[Int]]) -> String {
    if occurrences.count == 1 {
        let c = occurrences[0]
        return c.count == 1 ? "x\(c[0] + 1)" : "(" + c.map { "x\($0 + 1)" }.joined(separator: ", ") + ")"
    }
    let singles = occurrences.allSatisfy { $0.count == 1 }
    let firsts = occurrences.map { $0[0] }
    if singles && zip(firsts, firsts.dropFirst()).allSatisfy({ $1 == $0 + 1 }) {
        return "x\(firsts[0] + 1) … x\(firsts.last! + 1)"
    }
    return occurrences.map { blockName([$0]) }.joined(separator: ", ")
}

/// What a user changes to shrink a block's grid, from where its grid came from
/// (`BlockGridPlan.Entry.gridSource`): the option, the file field, or either for an automatic grid.
func gridSettingToLower(_ source: String) -> [String] {
    switch source {
    case "command line": return ["--grid"]
    case "reference": return ["reference.grid"]
    case "automatic": return ["--grid", "reference.blocks"]
    default: return [source]
    }
}

/// "128x128x64" → a 2-D grid, "256x64" → a 1-D grid (ny = 1).
func parseGrid(_ s: String) throws -> GridSize {
    let parts = s.lowercased().split(separator: "x", omittingEmptySubsequences: false).map { Int($0) }
    guard parts.count == 2 || parts.count == 3, parts.allSatisfy({ ($0 ?? 0) > 0 }) else {
        throw ValidationError("--grid must look like 128x128x64 (a 2-D grid: cells along x1, x2, time steps) "
                              + "or 256x64 (a 1-D grid: cells, time steps), got '\(s)'")
    }
    let values = parts.map { $0! }, cells = ProblemLimits.gridCells, steps = ProblemLimits.gridSteps
    guard values.dropLast().allSatisfy(cells.contains), steps.contains(values.last!) else {
        throw ValidationError("--grid \(s) is out of range (allowed: \(cells.lowerBound)…\(cells.upperBound) cells per axis, "
                              + "\(steps.lowerBound)…\(steps.upperBound) time steps)")
    }
    return values.count == 3 ? GridSize(nx: values[0], ny: values[1], nt: values[2]) : GridSize(nx: values[0], ny: 1, nt: values[1])
}

/// "-4:4,-5:5" → [-4…4, -5…5]; "-3:3" → [-3…3].
func parseDomain(_ s: String) throws -> [ClosedRange<Double>] {
    let axes = s.split(separator: ",", omittingEmptySubsequences: false)
        .map { $0.split(separator: ":", omittingEmptySubsequences: false).map { Double($0) } }
    guard axes.count == 1 || axes.count == 2,
          axes.allSatisfy({ $0.count == 2 && $0[0] != nil && $0[1] != nil && $0[0]! < $0[1]! && $0[0]!.isFinite && $0[1]!.isFinite })
    else {
        throw ValidationError("--domain must look like -4:4,-5:5 (a 2-D block: x1 range, x2 range) or -3:3 (a 1-D block), "
                              + "low < high, got '\(s)'")
    }
    return axes.map { $0[0]!...$0[1]! }
}
