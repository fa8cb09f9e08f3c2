import ArgumentParser
import Foundation
import MFGMath
import MFGNeural
import MFGProblem
import MFGStore

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare a neural checkpoint with a grid reference of the same problem, at every time.",
        discussion: """
        Reports the cost terms and, at t = 0, T/4, T/2, 3T/4, T (every grid level with --all-levels), \
        the density L1 distance by two estimators, the mass in the obstacle core, per-coordinate means and \
        standard deviations, and Φ up to a constant. A reference by blocks (a block-separable problem of \
        d ≠ 2) is compared per block: the neural marginal on every copy of every block against the \
        block's grid density (histogram estimator), the worst copy and the mean over the copies at each \
        time. Exit 4 when a given tolerance is exceeded. \
        See docs/validation.md ("Comparing densities at every time").
        """)

    @Argument(help: "A checkpoint written by `mfg solve`.", completion: .file(extensions: ["h5"])) var checkpoint: String
    @Argument(help: "A result written by `mfg reference`.", completion: .file(extensions: ["h5"])) var reference: String
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
    @Flag(help: "Print the report as one JSON document on standard output instead of text (same exit codes).")
    var json = false

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
            if ref.isSingleBlock {
                fail("\(reference): the grid solve did not converge: it stopped at its iteration limit after \(ref.iterations) "
                     + "iterations with residuals \(ref.residuals.constraint.short) / \(ref.residuals.optimality.short) "
                     + "(constraint / optimality; tolerance \(ref.tolerance.short)); solve it further with `mfg reference "
                     + "--max-iterations`, or pass --allow-unconverged", code: ExitCodes.badInput)
            }
            let stopped = ref.blocks.filter { !$0.converged }
            fail("\(reference): the grid solve did not converge: block\(stopped.count == 1 ? "" : "s") "
                 + stopped.map { "\(blockName($0.occurrences)) (\($0.iterations) iterations, residuals "
                                 + "\($0.residuals.constraint.short) / \($0.residuals.optimality.short))" }.joined(separator: "; ")
                 + " stopped at the iteration limit (constraint / optimality; tolerance \(ref.tolerance.short)); solve it "
                 + "further with `mfg reference --max-iterations`, or pass --allow-unconverged", code: ExitCodes.badInput)
        }
        requireMemory(SolverMemory.evaluation(problem, threads: threads, samples: samples, paths: true, flag: "--samples"),
                      file: checkpoint)
        let blocks = ref.comparisonBlocks
        let schedules: [ComparisonSchedule]
        do {
            schedules = try ComparisonSchedule.shared(referenceSteps: blocks.map(\.steps), runSteps: problem.integrator.steps,
                                                      allLevels: allLevels)
        } catch { fail("\(reference): \(error.description)" + (allLevels ? "; compare at the five default times instead" : ""),
                       code: ExitCodes.badInput) }

        let report: CompareReport
        do {
            report = try CompareReport(problem: problem, parameters: cp.state.bestParameters, state: cp.state, blocks: blocks,
                                       schedules: schedules, samples: samples, seed: seed, threads: threads,
                                       coarsening: histogramCoarsening)
        } catch { fail(error.description, code: 1) }
        let notFinite = report.nonFiniteQuantities(byBlocks: !ref.isSingleBlock)
        let failures = notFinite.isEmpty ? toleranceFailures(report, reference: ref, blocks: blocks) : []
        if json {
            print(CompareJSON(report: report, problem: problem, reference: ref, densityTolerance: densityTolerance,
                              costTolerance: costTolerance, failures: failures, notFinite: notFinite).encoded())
            if !notFinite.isEmpty { throw ExitCode(ExitCodes.notFinite) }
            if !failures.isEmpty { throw ExitCode(ExitCodes.toleranceExceeded) }
            return
        }
        print(report.render(problem: problem, reference: ref))
        guard notFinite.isEmpty else {
            print("NOT FINITE: " + notFinite.prefix(6).joined(separator: ", ")
                  + (notFinite.count > 6 ? " and \(notFinite.count - 6) more" : "") + " (NaN or ±∞); nothing is compared")
            throw ExitCode(ExitCodes.notFinite)
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

extension CompareCommand {
    /// The tolerances exceeded, one phrase each (empty when none is given or all hold).
    func toleranceFailures(_ report: CompareReport, reference ref: ReferenceResult, blocks: [ReferenceBlock]) -> [String] {
        var failures: [String] = []
        let worst = report.blocks.largestDistance
        if let densityTolerance, !(worst.distance <= densityTolerance) {
            let copies = blocks[worst.block].copies
            let place = ref.isSingleBlock ? ""
                : copies.count == 1 ? " in block \(blockName(copies))"
                : " on \(blockName([copies[worst.copy]])) (block \(blockName(copies)))"
            failures.append("density L1 \(worst.distance.short) at t = \(worst.time.short)\(place) > \(densityTolerance.short)")
        }
        if let costTolerance, !(report.costDifference <= costTolerance) {
            failures.append("|J_N − J_G|/|J_G| = \(report.costDifference.percent) > \(costTolerance.percent)")
        }
        return failures
    }
}

extension Double {
    /// `digits` decimals.
    func fixed(_ digits: Int) -> String { String(format: "%.\(digits)f", self) }
}
