import ArgumentParser
import Foundation
import MFGMath
import MFGNeural
import MFGProblem
import MFGStore

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a neural checkpoint with a grid reference of the same d = 2 problem, at every time.",
        discussion: """
        Reports the cost terms and, at t = 0, T/4, T/2, 3T/4, T (every grid level with --all-levels), \
        the density L1 distance by two estimators, the mass in the obstacle core, per-coordinate means and \
        standard deviations, and Φ up to a constant. Exit 4 when a given tolerance is exceeded. \
        See docs/validation.md ("Comparing densities at every time").
        """)

    @Argument(help: "A checkpoint written by `mfg solve`.") var checkpoint: String
    @Argument(help: "A result written by `mfg reference`.") var reference: String
    @Option(help: "Samples for the neural costs and densities (2…10000000).") var samples = 65536
    @Option(help: "Seed of those samples.") var seed: UInt64 = 99
    @Option(help: "Worker threads (1…64).") var threads = 2
    @Flag(help: "Compare at every grid time level (a table of nt + 1 rows) instead of t = 0, T/4, T/2, 3T/4, T.")
    var allLevels = false
    @Option(help: "Largest allowed density L1 distance ∫|ρ_N − ρ_G| over the compared times, in (0, 1].")
    var densityTolerance: Double?
    @Option(help: "Largest allowed relative cost difference |J_N − J_G|/|J_G|, in (0, 1].") var costTolerance: Double?
    @Flag(help: "Compare with a reference that stopped at its iteration limit before its tolerance.")
    var allowUnconverged = false
    @Option(help: "Grid cells per histogram cell along each axis for the histogram estimator (1…64; default: about 24 histogram cells per axis).")
    var histogramCoarsening: Int?

    func validate() throws {
        guard (2...10_000_000).contains(samples) else { throw ValidationError("--samples must be in 2…10000000, got \(samples)") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1…64, got \(threads)") }
        for (flag, value) in [("--density-tolerance", densityTolerance), ("--cost-tolerance", costTolerance)] {
            if let value, !(value > 0 && value <= 1) { throw ValidationError("\(flag) must be in (0, 1], got \(value)") }
        }
        if let histogramCoarsening, !(1...64).contains(histogramCoarsening) {
            throw ValidationError("--histogram-coarsening must be in 1…64, got \(histogramCoarsening)")
        }
    }

    func run() throws {
        // Every input is checked before any computation.
        let (cp, problem) = loadCheckpointAndProblem(checkpoint)
        let ref: ReferenceResult
        do { ref = try ReferenceResult.read(from: reference) } catch { fail(error.description, code: ExitCodes.badInput) }
        let refProblem: Problem
        do { refProblem = try Problem.parse(yaml: ref.problemSource, file: ref.problemFile) }
        catch { fail("\(reference): its stored problem does not parse: \(error.description)", code: ExitCodes.badInput) }
        let differences = problem.gameDifferences(from: refProblem)
        guard differences.isEmpty else {
            fail("\(reference) solves '\(refProblem.name)' (\(ref.problemFile)), a different game from the checkpoint's '\(problem.name)' "
                 + "(\(cp.problemFile)): they differ in " + differences.map(\.description).joined(separator: ", ")
                 + " (checkpoint ≠ reference)", code: ExitCodes.badInput)
        }
        guard ref.converged || allowUnconverged else {
            fail("\(reference): the grid solve did not converge: it stopped at its iteration limit after \(ref.iterations) "
                 + "iterations with residuals \(ref.residuals.constraint.short) / \(ref.residuals.optimality.short) "
                 + "(constraint / optimality; tolerance \(ref.tolerance.short)); solve it further with `mfg reference "
                 + "--max-iterations`, or pass --allow-unconverged", code: ExitCodes.badInput)
        }
        requireMemory(SolverMemory.evaluation(problem, threads: threads, samples: samples, paths: true, flag: "--samples"),
                      file: checkpoint)
        let block = ref.comparisonBlocks[0]
        let schedule: ComparisonSchedule
        do { schedule = try ComparisonSchedule(referenceSteps: block.steps, runSteps: problem.integrator.steps, allLevels: allLevels) }
        catch { fail("\(reference): \(error.description)" + (allLevels ? "; compare at the five default times instead" : ""),
                     code: ExitCodes.badInput) }

        let report: CompareReport
        do {
            report = try CompareReport(problem: problem, parameters: cp.state.bestParameters, state: cp.state, block: block,
                                       schedule: schedule, samples: samples, seed: seed, threads: threads,
                                       coarsening: histogramCoarsening.map { [Int](repeating: $0, count: block.grid.axes) })
        } catch { fail(error.description, code: 1) }
        print(report.render(problem: problem, reference: ref))
        let notFinite = report.nonFiniteQuantities
        guard notFinite.isEmpty else {
            print("NOT FINITE: " + notFinite.prefix(6).joined(separator: ", ")
                  + (notFinite.count > 6 ? " and \(notFinite.count - 6) more" : "") + " (NaN or ±∞); nothing is compared")
            throw ExitCode(ExitCodes.notFinite)
        }

        var failures: [String] = []
        let worst = report.densities.largestDistance
        if let densityTolerance, !(worst.distance <= densityTolerance) {
            failures.append("density L1 \(worst.distance.short) at t = \(worst.time.short) > \(densityTolerance.short)")
        }
        if let costTolerance, !(report.costDifference <= costTolerance) {
            failures.append("|J_N − J_G|/|J_G| = \(report.costDifference.percent) > \(costTolerance.percent)")
        }
        if densityTolerance == nil && costTolerance == nil { return }
        if failures.isEmpty {
            print("PASS: within tolerances" + (densityTolerance.map { " (density L1 \($0.short)" } ?? " (")
                  + (costTolerance.map { (densityTolerance == nil ? "" : ", ") + "cost \($0.percent)" } ?? "") + ")")
        } else {
            print("FAIL: " + failures.joined(separator: "; "))
            throw ExitCode(ExitCodes.toleranceExceeded)
        }
    }
}

/// What `mfg compare` measures: the neural costs (with standard errors) and the time-resolved
/// comparison with the grid. Only the solver calls happen here; the numerics are MFGNeural's
/// (`TimeResolvedComparison`, `DensityDistance`).
struct CompareReport {
    let costs: SampleCosts
    let reference: ReferenceCosts
    let densities: TimeResolvedComparison
    let block: ReferenceBlock
    let samples: Int

    init(problem: Problem, parameters: [Double], state: TrainingState, block: ReferenceBlock, schedule: ComparisonSchedule,
         samples: Int, seed: UInt64, threads: Int, coarsening: [Int]?) throws(TrainingError) {
        let solver = try Solver(problem: problem, threads: threads, resume: state)
        costs = try solver.sampleCosts(parameters: parameters, count: samples, seed: seed)
        reference = block.costs
        // The paths at the compared grid levels: the run's own steps, or more (schedule.integratorSteps).
        let pathSolver = schedule.reintegrates
            ? try Solver(problem: problem.integrated(with: IntegratorSettings(scheme: problem.integrator.scheme,
                                                                              steps: schedule.integratorSteps)),
                         threads: threads, resume: state)
            : solver
        let paths = try pathSolver.paths(parameters: parameters, count: samples, seed: seed)
        let d = problem.dimension
        var potentials: [[Double]] = []
        for k in schedule.levels {
            let t = block.time(level: block.potentialField(level: k).level)
            let points = block.grid.centrePoints(time: t, dimension: d, fill: [Double](repeating: 0, count: d))
            let matrix: Matrix<Double>
            do { matrix = try Matrix(rows: d + 1, cols: block.grid.cellCount, storage: points) }
            catch { preconditionFailure("centre points: \(error)") }
            potentials.append(try solver.potential(parameters: parameters, points: matrix).phi)
        }
        densities = TimeResolvedComparison(paths: paths, schedule: schedule, block: block, obstacle: problem.obstacle,
                                           neuralPotentials: potentials, coarsening: coarsening)
        self.block = block
        self.samples = samples
    }

    /// The reported quantities that are NaN or ±∞ (the neural costs, the grid's, the time-resolved comparison).
    var nonFiniteQuantities: [String] {
        let t = costs.terms, e = costs.standardErrors
        let named: [(String, Double)] = [("neural L", t.kinetic), ("neural F", t.interaction), ("neural G", t.terminal),
                                         ("neural J", t.cost), ("standard error of J", e.cost), ("grid L", reference.kinetic),
                                         ("grid F", reference.running), ("grid G", reference.terminal), ("grid J", reference.total)]
        return named.filter { !$0.1.isFinite }.map(\.0) + densities.nonFiniteQuantities
    }

    /// |J_N − J_G|/|J_G|.
    var costDifference: Double { abs(costs.terms.cost - reference.total) / max(abs(reference.total), 1e-300) }

    func render(problem: Problem, reference ref: ReferenceResult) -> String {
        let t = costs.terms, e = costs.standardErrors, c = reference
        let rows = densities.rows, schedule = densities.schedule
        func row(_ name: String, _ a: Double, _ se: Double, _ b: Double) -> String {
            let rel = abs(a - b) / max(abs(b), 1e-300)
            return name.padding(toLength: 18, withPad: " ", startingAt: 0)
                + a.short.leftPadded(12) + ("± " + se.short).leftPadded(12) + b.short.leftPadded(12) + rel.percent.leftPadded(11)
        }
        func cell(_ s: String, _ width: Int) -> String { s.leftPadded(width) }
        let g = block.grid
        let labels = g.coordinates.map { "x\($0 + 1)" }
        var lines: [String] = []
        lines.append("\(problem.name): neural (\(samples) samples) against grid "
                     + "\(g.counts.map(String.init).joined(separator: "×"))×\(block.steps) "
                     + "(\(ref.converged ? "converged" : "NOT converged"), \(ref.iterations) iterations, "
                     + "residuals \(ref.residuals.constraint.short) / \(ref.residuals.optimality.short))")
        lines.append("term".padding(toLength: 18, withPad: " ", startingAt: 0) + cell("neural", 12) + cell("(s.e.)", 12)
                     + cell("grid", 12) + cell("rel. diff", 11))
        lines.append(row("L (kinetic)", t.kinetic, e.kinetic, c.kinetic))
        lines.append(row("F (interaction)", t.interaction, e.interaction, c.running))
        lines.append(row("G (terminal)", t.terminal, e.terminal, c.terminal))
        lines.append(row("J = L + F + G", t.cost, e.cost, c.total))
        let steps = schedule.reintegrates
            ? "paths integrated again with \(schedule.integratorSteps) \(problem.integrator.scheme.rawValue) steps "
              + "(the run used \(schedule.runSteps)) so that every compared time is a step time"
            : "paths at the run's own \(schedule.runSteps) \(problem.integrator.scheme.rawValue) steps"
        lines.append("")
        lines.append("densities at \(rows.count) times (\(steps)):")
        let hasCore = rows.first?.coreMass != nil
        lines.append(cell("t", 8) + cell("L1 carried (± s.e.)", 22) + cell("L1 histogram (floor)", 23)
                     + (hasCore ? cell("core mass N / G", 19) : "") + cell("Φ rel. RMS", 12))
        for r in rows {
            let carried = r.carried.map { "\($0.value.fixed(4)) ± \($0.standardError.fixed(4))" } ?? "—"
            let hist = "\(r.histogram.value.fixed(4)) (\(r.histogram.noiseFloor.fixed(4)))"
            let core = r.coreMass.map { "\($0.neural.percent) / \($0.grid.percent)" } ?? ""
            let phi = r.potentialDifference.map { $0.fixed(3) + (r.potentialLevel != r.level ? "*" : "") } ?? "—"
            lines.append(cell(r.time.short, 8) + cell(carried, 22) + cell(hist, 23) + (hasCore ? cell(core, 19) : "")
                         + cell(phi, 12))
        }
        lines.append("")
        lines.append("per-coordinate moments, neural / grid:")
        lines.append(cell("t", 8) + labels.map { cell("mean \($0)", 18) + cell("std \($0)", 18) }.joined())
        for r in rows {
            var line = cell(r.time.short, 8)
            for a in labels.indices {
                line += cell("\(r.neuralMean[a].fixed(3)) / \(r.gridMean[a].fixed(3))", 18)
                line += cell("\(r.neuralStandardDeviation[a].fixed(3)) / \(r.gridStandardDeviation[a].fixed(3))", 18)
            }
            lines.append(line)
        }
        let worst = densities.largestDistance
        let coarsening = rows[0].histogram.coarsening.map(String.init).joined(separator: "×")
        lines.append("")
        lines.append("largest density L1 distance: \(worst.distance.fixed(4)) at t = \(worst.time.short); "
                     + "|J_N − J_G|/|J_G| = \(costDifference.percent)")
        lines.append("L1 carried: 2E[(1 − ρ_G/ρ_N)₊] over the samples, ρ_N = ρ₀(x₀)e^(−ℓ(t)) along each path, "
                     + "ρ_G bilinear between cell centres.")
        lines.append("L1 histogram: Σ|sample fraction − grid mass| over blocks of \(coarsening) grid cells; (floor): its "
                     + "expected value were the samples drawn from the grid density.")
        lines.append("Φ: ρ-weighted relative RMS difference up to a constant"
                     + (rows.contains { $0.potentialLevel != $0.level }
                        ? " (*: at t = \(block.time(level: 1).short), the grid's first Φ level)." : "."))
        return lines.joined(separator: "\n")
    }
}

extension Double {
    /// `digits` decimals.
    func fixed(_ digits: Int) -> String { String(format: "%.\(digits)f", self) }
}
