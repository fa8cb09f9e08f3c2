import ArgumentParser
import Foundation
import MFGMath
import MFGNeural
import MFGProblem
import MFGStore

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Compare a checkpoint with the closed-form solution of its problem (Gaussian transport, Cole–Hopf for σ > 0, linear-quadratic).")

    @Argument(help: "A checkpoint written by `mfg solve`.", completion: .file(extensions: ["h5"])) var checkpoint: String
    @Option(help: "Samples from ρ₀ for the comparison (2…10000000; standard errors need two).") var samples = 16384
    @Option(help: "Seed of those samples.") var seed: UInt64 = 2024
    @Option(help: "Largest allowed relative error of L and of G.") var costTolerance = 0.01
    @Option(help: "Largest allowed relative error of ∇ₓΦ(x, 0) (root mean square over samples).")
    var gradientTolerance = 0.05
    @Option(help: "Largest allowed relative error of a terminal standard deviation (per coordinate, or per principal direction of rotated covariances).")
    var stdTolerance = 0.02
    @Option(help: "Cole–Hopf and linear-quadratic: agents' paths whose points at t = 0, T/4, T/2, 3T/4, T are compared (2…100000).")
    var points = 1000
    @Option(help: "Cole–Hopf: Monte Carlo draws per point (the same draws at every point; 2…1000000).")
    var referenceSamples = 4096
    @Option(help: "Cole–Hopf: largest allowed relative RMS error of Φ over all points, and relative error of Φ at the mean of ρ₀ at t = 0.")
    var potentialTolerance = 0.01
    @Option(help: "Worker threads (1…64).") var threads = 2
    @Option(help: ArgumentHelp(stepsHelp)) var steps: Int?
    @Flag(help: "Print the comparison as one JSON document on standard output instead of text (same exit codes).") var json = false

    func validate() throws {
        guard (2...10_000_000).contains(samples) else { throw ValidationError("--samples must be in 2…10000000, got \(samples)") }
        guard (2...100_000).contains(points) else { throw ValidationError("--points must be in 2…100000, got \(points)") }
        guard (2...1_000_000).contains(referenceSamples) else {
            throw ValidationError("--reference-samples must be in 2…1000000, got \(referenceSamples)")
        }
        guard costTolerance > 0, gradientTolerance > 0, stdTolerance > 0, potentialTolerance > 0 else { throw ValidationError("tolerances must be positive") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1…64, got \(threads)") }
        try validateSteps(steps)
    }

    func run() throws {
        let (cp, stored) = loadCheckpointAndProblem(checkpoint)
        let problem = stored.reintegrated(steps: steps)
        requireMemory(SolverMemory.evaluation(problem, threads: threads, samples: samples, paths: false, flag: "--samples"),
                      file: checkpoint)
        // Validation uses the problem stored in the checkpoint. The file is read only to catch a
        // user who edited the game since the run and expects the edit to count: exit 6 then.
        // Comments and solver settings do not change the game (a note says so), and a file that
        // cannot be read from here is reported, not skipped silently.
        // A run with --set settings stored the file with them applied: the file alone is not that problem.
        if ProblemOverrides.hasSettings(cp.problemSource, file: cp.problemFile) {
            note("note: the run applied --set settings to \(cp.problemFile) (" + (cp.problemSource.split(separator: "\n").first
                      .map { String($0.dropFirst(2)) } ?? "") + "); validating the problem stored in the checkpoint")
        } else if let current = try? String(contentsOfFile: cp.problemFile, encoding: .utf8) {
            if current != cp.problemSource {
                let now = try? Problem.parse(yaml: current, file: cp.problemFile)
                let differences = now.map { $0.gameDifferences(from: stored) }
                if differences?.isEmpty != true {
                    let what = differences.map { "it now states another game (" + $0.map(\.description).joined(separator: ", ") + ")" }
                        ?? "it no longer parses"
                    fail("\(cp.problemFile) has changed since the run that wrote \(checkpoint): \(what); validate against the "
                         + "problem stored in the checkpoint by restoring the file, or solve again", code: ExitCodes.problemChanged)
                }
                note("note: \(cp.problemFile) changed since the run, but not the game (comments or solver settings); "
                      + "validating the problem stored in the checkpoint")
            }
        } else {
            note("note: cannot read \(cp.problemFile) (moved or removed?); validating the problem stored in the checkpoint")
        }
        if problem.closedForm == .riccatiLQ {
            guard let exact = RiccatiLQ(problem: problem) else {
                fail("\(problem.name) (\(cp.problemFile)) is outside the linear-quadratic family (" + (RiccatiLQ.whyNot(problem) ?? "")
                     + "); use `mfg evaluate` for its costs", code: ExitCodes.noClosedForm)
            }
            try validateRiccati(checkpoint: cp, problem: problem, exact: exact, note: stored.reintegrationNote(steps: steps))
            return
        }
        if problem.closedForm != .gaussianKLTransport, problem.sigma > 0 || problem.closedForm == .coleHopf {
            guard let reference = ColeHopfReference(problem: problem) else {
                fail("\(problem.name) (\(cp.problemFile)) has no reference: it is outside the Cole–Hopf family ("
                     + (ColeHopfReference.whyNot(problem) ?? "") + "); use `mfg evaluate` for its costs",
                     code: ExitCodes.noClosedForm)
            }
            try validateColeHopf(checkpoint: cp, problem: problem, reference: reference, note: stored.reintegrationNote(steps: steps))
            return
        }
        guard problem.closedForm == .gaussianKLTransport, let exact = GaussianKLTransport(problem: problem) else {
            fail("\(problem.name) (\(cp.problemFile)) declares no closed form; `mfg validate` applies to problems with "
                 + "`closed_form: gaussian_kl_transport` and to stochastic ones (sigma > 0) of the Cole–Hopf family. "
                 + "Use `mfg compare` against a grid solution in d = 2 instead",
                 code: ExitCodes.noClosedForm)
        }
        let report: ClosedFormComparison
        do {
            let solver = try Solver(problem: problem, threads: threads, resume: cp.state)
            report = try ClosedFormComparison(solver: solver, parameters: cp.state.bestParameters, exact: exact,
                                              samples: samples, seed: seed)
        } catch { fail(error.description, code: 1) }
        let notFinite = report.nonFiniteQuantities
        // Written so that a NaN fails (every comparison with NaN is false).
        var failures: [String] = []
        if !(report.kineticError <= costTolerance) { failures.append("L error \(report.kineticError.percent) > \(costTolerance.percent)") }
        if !(report.terminalError <= costTolerance) { failures.append("G error \(report.terminalError.percent) > \(costTolerance.percent)") }
        if !(report.gradientError <= gradientTolerance) {
            failures.append("∇Φ error \(report.gradientError.percent) > \(gradientTolerance.percent)")
        }
        if !(report.spreadError <= stdTolerance), let worst = report.worstSpreads(1).first {
            failures.append("terminal std error \(report.spreadError.percent) > \(stdTolerance.percent) "
                            + "(\(report.directionName(worst.direction)))")
        }
        var doc = ValidateJSON(problem: problem.name, check: "gaussian_kl_transport")
        for (name, e, x) in [("L", report.kinetic, exact.kineticCost), ("G", report.terminal, exact.terminalCost),
                             ("J", report.total, exact.totalCost)] {
            doc.add(name, neural: e.estimate, exact: x, standardError: e.standardError)
        }
        for s in report.worstSpreads(exact.d) {
            doc.add("terminal std " + report.directionName(s.direction), neural: s.neural, exact: s.exact,
                    relativeError: abs(s.relativeError), standardError: s.standardError)
        }
        doc.add("terminal mean |m − m*|", neural: report.meanError, exact: 0, relativeError: nil)
        doc.add("∇ₓΦ(x, 0) relative RMS", neural: nil, exact: nil, relativeError: report.gradientError)
        doc.add("HJB residual", neural: report.hjb, exact: 0); doc.add("terminal mismatch", neural: report.terminalHJB, exact: 0)
        doc.tolerances = ["cost": costTolerance, "gradient": gradientTolerance, "std": stdTolerance]
        try conclude(text: report.render(problem: problem, iteration: cp.state.bestIteration, wallSeconds: cp.state.wallSeconds,
                                         note: stored.reintegrationNote(steps: steps)),
                     document: doc, notFinite: notFinite, failures: failures,
                     passLine: "PASS: within tolerances (cost \(costTolerance.percent), gradient \(gradientTolerance.percent), "
                         + "terminal std \(stdTolerance.percent))")
    }
}

extension ClosedFormComparison {
    /// The comparison on `samples` seeded samples from ρ₀: per-sample costs, paths and ∇ₓΦ(x₀, 0)
    /// of the solution at `parameters`.
    init(solver: Solver, parameters: [Double], exact: GaussianKLTransport, samples: Int, seed: UInt64)
        throws(TrainingError) {
        let d = exact.d
        let costs = try solver.sampleCosts(parameters: parameters, count: samples, seed: seed)
        var points = Matrix<Double>(rows: d + 1, cols: samples)
        for c in 0..<samples { for j in 0..<d { points[j, c] = costs.x0[c * d + j] } }
        let values = try solver.potential(parameters: parameters, points: points)
        self.init(exact: exact, costs: costs, gradients: values.gradient)
    }

    /// The table `mfg validate` prints.
    func render(problem: Problem, iteration: Int, wallSeconds: Double, note: String = "") -> String {
        func label(_ name: String) -> String { name.padding(toLength: 22, withPad: " ", startingAt: 0) }
        func costRow(_ name: String, _ e: PairedEstimate, _ exact: Double) -> String {
            let rel = abs(e.estimate - exact) / max(abs(exact), 1e-300)
            let se = e.standardError / max(abs(exact), 1e-300), plainSE = e.plainStandardError / max(abs(exact), 1e-300)
            return label(name) + e.estimate.short.leftPadded(12) + exact.short.leftPadded(12) + rel.finePercent.leftPadded(10)
                + ("± " + se.finePercent).leftPadded(10) + e.plain.short.leftPadded(12) + ("± " + plainSE.finePercent).leftPadded(10)
        }
        let worst = worstSpreads(3).map { s in
            "\(directionName(s.direction)) \(s.neural.short) vs \(s.exact.short) "
                + "(\(s.relativeError >= 0 ? "+" : "")\(s.relativeError.finePercent) ± \((s.standardError / s.exact).finePercent))"
        }.joined(separator: ", ")
        let along = exact.basis == nil ? "per coordinate" : "per principal direction v₁…v_d of Σ₀, Σ₁"
        return """
        \(problem.name): closed-form check (d = \(exact.d), best iterate \(iteration), \(samples) samples, trained \(duration(wallSeconds))\(note))
        \(label("quantity"))\("neural".leftPadded(12))\("exact".leftPadded(12))\("rel. err".leftPadded(10))\("(s.e.)".leftPadded(10))\("plain MC".leftPadded(12))\("(s.e.)".leftPadded(10))
        \(costRow("L (kinetic)", kinetic, exact.kineticCost))
        \(costRow("G (terminal)", terminal, exact.terminalCost))
        \(costRow("J = L + G", total, exact.totalCost))
        \(label("terminal std, max err"))\(spreadError.finePercent.leftPadded(34)) (\(along), paired estimates)
          worst: \(worst)
        \(label("terminal mean |m − m*|"))\(meanError.short.leftPadded(12))\("0".leftPadded(12))
        \(label("∇ₓΦ(x, 0) rel. RMS"))\(gradientError.percent.leftPadded(34))
        HJB residual \(hjb.short), terminal mismatch \(terminalHJB.short)
        Neural L, G, J are paired estimates: the exact per-agent cost at the same x₀ as a control variate
        (unbiased; s.e. = standard error). "plain MC" is the sample mean of the neural costs alone.
        """
    }
}

extension ClosedFormComparison {
    /// "x7" for coordinate 7, "v7" for principal direction 7 (1-based).
    func directionName(_ j: Int) -> String { (exact.basis == nil ? "x" : "v") + String(j + 1) }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? " " + self : String(repeating: " ", count: width - count) + self
    }
}

extension Double {
    var percent: String { String(format: "%.2f%%", self * 100) }
    /// Three decimals, for errors estimated to a few hundredths of a percent.
    var finePercent: String { String(format: "%.3f%%", self * 100) }
}
