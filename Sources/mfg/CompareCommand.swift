import ArgumentParser
import Foundation
import MFGMath
import MFGNeural
import MFGProblem
import MFGStore

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a neural checkpoint with a grid reference of the same d = 2 problem.")

    @Argument(help: "A checkpoint written by `mfg solve`.") var checkpoint: String
    @Argument(help: "A result written by `mfg reference`.") var reference: String
    @Option(help: "Samples for the neural costs and densities (1…10000000).") var samples = 65536
    @Option(help: "Seed of those samples.") var seed: UInt64 = 99
    @Option(help: "Worker threads (1…64).") var threads = 2

    func validate() throws {
        guard (1...10_000_000).contains(samples) else { throw ValidationError("--samples must be in 1…10000000, got \(samples)") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1…64, got \(threads)") }
    }

    func run() throws {
        let (cp, problem) = loadCheckpointAndProblem(checkpoint)
        let ref: ReferenceResult
        do { ref = try ReferenceResult.read(from: reference) } catch { fail(error.description, code: ExitCodes.badInput) }
        let refProblem: Problem
        do { refProblem = try Problem.parse(yaml: ref.problemSource, file: ref.problemFile) }
        catch { fail("\(reference): its stored problem does not parse: \(error.description)", code: ExitCodes.badInput) }
        guard problem.dimension == 2 else {
            fail("\(checkpoint): the comparison with a grid needs d = 2; this problem has d = \(problem.dimension)",
                 code: ExitCodes.badInput)
        }
        guard problem.describesSameGame(as: refProblem) else {
            fail("\(reference) solves '\(refProblem.name)' (\(ref.problemFile)), a different game from the checkpoint's "
                 + "'\(problem.name)' (\(cp.problemFile))", code: ExitCodes.badInput)
        }
        let report: GridComparisonReport
        do {
            let solver = try Solver(problem: problem, threads: threads, resume: cp.state)
            report = try GridComparisonReport(solver: solver, parameters: cp.state.bestParameters, reference: ref,
                                              samples: samples, seed: seed)
        } catch { fail(error.description, code: 1) }
        print(report.render(problem: problem, reference: ref, samples: samples))
    }
}

/// The neural and grid solutions side by side.
struct GridComparisonReport {
    let neural: ObjectiveTerms
    /// Standard errors of the neural L, F, G, J (Monte Carlo over the samples).
    let standardErrors: (kinetic: Double, interaction: Double, terminal: Double, cost: Double)
    let terminalL1: Double
    let potentialDifference: Double
    /// Mass in the obstacle core {Q > Q_max/2} at the middle time: (time, neural, grid).
    var coreMass: (time: Double, neural: Double, grid: Double)?

    init(solver: Solver, parameters: [Double], reference ref: ReferenceResult, samples: Int, seed: UInt64) throws(TrainingError) {
        let costs = try solver.sampleCosts(parameters: parameters, count: samples, seed: seed)
        neural = costs.terms
        standardErrors = costs.standardErrors
        let g = ref.geometry
        let last = Array(ref.density[(g.nt * g.cellsPerLevel)..<((g.nt + 1) * g.cellsPerLevel)])
        let field = CellField(x1Lower: g.x1Lower, dx: g.dx, nx: g.nx, x2Lower: g.x2Lower, dy: g.dy, ny: g.ny, values: last)
        let paths = try solver.paths(parameters: parameters, count: samples, seed: seed)
        terminalL1 = GridComparison.terminalL1(paths: paths, grid: field)
        // Φ at the first stored grid level t = Δt, on the cell centres, weighted by ρ(·, Δt).
        var points = Matrix<Double>(rows: 3, cols: g.cellsPerLevel)
        for j in 0..<g.ny { for i in 0..<g.nx {
            let (x, y) = g.centre(i, j)
            points[0, i + g.nx * j] = x; points[1, i + g.nx * j] = y; points[2, i + g.nx * j] = g.dt
        } }
        let phi = try solver.potential(parameters: parameters, points: points).phi
        let weights = Array(ref.density[g.cellsPerLevel..<(2 * g.cellsPerLevel)])
        potentialDifference = GridComparison.potentialDifference(neural: phi, grid: Array(ref.potential[0..<g.cellsPerLevel]),
                                                                 weights: weights)
        if let bump = solver.problem.obstacle {
            coreMass = Self.coreMass(bump: bump, paths: paths, reference: ref)
        }
    }

    /// Where the crowd is at mid-time: the fraction of agents (neural, at the stored step
    /// nearest T/2) and of grid mass (level nearest T/2) inside {Q > Q_max/2}.
    static func coreMass(bump: Bump, paths: SolverPaths, reference ref: ReferenceResult)
        -> (time: Double, neural: Double, grid: Double) {
        let g = ref.geometry
        var centre = [Double](repeating: 0, count: 2)
        for (k, c) in bump.coordinates.enumerated() { centre[c] = bump.center[k] }
        func q(_ points: [Double], _ n: Int) -> [Double] {
            var out = [Double](repeating: 0, count: n)
            points.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { bump.value(p, count: n, into: $0) } }
            return out
        }
        let half = 0.5 * q(centre, 1)[0]
        let step = paths.times.count / 2
        let agents = paths.logRho0.count
        let neural = Double(q(paths.z[step], agents).filter { $0 > half }.count) / Double(max(1, agents))
        let level = Int((paths.times[step] / g.dt).rounded())
        var centres = [Double](repeating: 0, count: 2 * g.cellsPerLevel)
        for j in 0..<g.ny { for i in 0..<g.nx {
            let (x, y) = g.centre(i, j); centres[2 * (i + g.nx * j)] = x; centres[2 * (i + g.nx * j) + 1] = y
        } }
        let qGrid = q(centres, g.cellsPerLevel)
        var inCore = 0.0, total = 0.0
        for c in 0..<g.cellsPerLevel {
            let rho = ref.density[level * g.cellsPerLevel + c]
            total += rho
            if qGrid[c] > half { inCore += rho }
        }
        return (paths.times[step], neural, inCore / max(total, 1e-300))
    }

    func render(problem: Problem, reference ref: ReferenceResult, samples: Int) -> String {
        let c = ref.costs
        func row(_ name: String, _ a: Double, _ se: Double, _ b: Double) -> String {
            let rel = abs(a - b) / max(abs(b), 1e-300)
            return name.padding(toLength: 18, withPad: " ", startingAt: 0)
                + a.short.leftPadded(12) + ("± " + se.short).leftPadded(12) + b.short.leftPadded(12) + rel.percent.leftPadded(11)
        }
        let e = standardErrors
        let g = ref.geometry
        return """
        \(problem.name): neural (\(samples) samples) against grid \(g.nx)×\(g.ny)×\(g.nt) \
        (\(ref.converged ? "converged" : "NOT converged"), \(ref.iterations) iterations, \
        residuals \(ref.residuals.constraint.short) / \(ref.residuals.optimality.short))
        \("term".padding(toLength: 18, withPad: " ", startingAt: 0))\("neural".leftPadded(12))\("(s.e.)".leftPadded(12))\("grid".leftPadded(12))\("rel. diff".leftPadded(11))
        \(row("L (kinetic)", neural.kinetic, e.kinetic, c.kinetic))
        \(row("F (interaction)", neural.interaction, e.interaction, c.running))
        \(row("G (terminal)", neural.terminal, e.terminal, c.terminal))
        \(row("J = L + F + G", neural.cost, e.cost, c.total))
        terminal density: relative L1 distance ∫|ρ_N − ρ_G| = \(terminalL1.short)
        Φ(·, \(g.dt.short)) up to a constant, ρ-weighted relative RMS on the support: \(potentialDifference.short)
        """ + (coreMass.map { c in
            "\nmass inside the obstacle core {Q > Q_max/2} at t = \(c.time.short): neural \(c.neural.percent), grid \(c.grid.percent)"
        } ?? "")
    }
}
