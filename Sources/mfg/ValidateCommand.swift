import ArgumentParser
import Foundation
import MFGMath
import MFGNeural
import MFGProblem
import MFGStore

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Compare a checkpoint with the closed-form solution of its problem (Gaussian transport).")

    @Argument(help: "A checkpoint written by `mfg solve`.") var checkpoint: String
    @Option(help: "Samples from ρ₀ for the comparison (1…10000000).") var samples = 16384
    @Option(help: "Seed of those samples.") var seed: UInt64 = 2024
    @Option(help: "Largest allowed relative error of L and of G.") var costTolerance = 0.01
    @Option(help: "Largest allowed relative error of ∇ₓΦ(x, 0) (root mean square over samples).")
    var gradientTolerance = 0.05
    @Option(help: "Worker threads (1…64).") var threads = 2

    func validate() throws {
        guard (1...10_000_000).contains(samples) else { throw ValidationError("--samples must be in 1…10000000, got \(samples)") }
        guard costTolerance > 0, gradientTolerance > 0 else { throw ValidationError("tolerances must be positive") }
        guard (1...64).contains(threads) else { throw ValidationError("--threads must be in 1…64, got \(threads)") }
    }

    func run() throws {
        let (cp, problem) = loadCheckpointAndProblem(checkpoint)
        if let current = try? String(contentsOfFile: cp.problemFile, encoding: .utf8), current != cp.problemSource {
            fail("\(cp.problemFile) has changed since the run that wrote \(checkpoint); validate against the "
                 + "problem stored in the checkpoint by restoring the file, or solve again", code: ExitCodes.problemChanged)
        }
        guard problem.closedForm == .gaussianKLTransport, let exact = GaussianKLTransport(problem: problem) else {
            fail("\(problem.name) (\(cp.problemFile)) declares no closed form; `mfg validate` applies to problems with "
                 + "`closed_form: gaussian_kl_transport`. Use `mfg compare` against a grid solution in d = 2 instead",
                 code: ExitCodes.noClosedForm)
        }
        let report: ClosedFormReport
        do {
            let solver = try Solver(problem: problem, threads: threads, resume: cp.state)
            report = try ClosedFormReport(solver: solver, parameters: cp.state.bestParameters, exact: exact,
                                          samples: samples, seed: seed)
        } catch { fail(error.description, code: 1) }
        print(report.render(problem: problem, iteration: cp.state.bestIteration, wallSeconds: cp.state.wallSeconds))
        var failures: [String] = []
        if report.kineticError > costTolerance { failures.append("L error \(report.kineticError.percent) > \(costTolerance.percent)") }
        if report.terminalError > costTolerance { failures.append("G error \(report.terminalError.percent) > \(costTolerance.percent)") }
        if report.gradientError > gradientTolerance {
            failures.append("∇Φ error \(report.gradientError.percent) > \(gradientTolerance.percent)")
        }
        if failures.isEmpty {
            print("PASS: within tolerances (cost \(costTolerance.percent), gradient \(gradientTolerance.percent))")
        } else {
            print("FAIL: " + failures.joined(separator: "; "))
            throw ExitCode(ExitCodes.toleranceExceeded)
        }
    }
}

/// The neural solution beside the closed form: costs, ∇ₓΦ(·, 0) and the terminal law.
struct ClosedFormReport {
    let neural: ObjectiveTerms
    let exact: GaussianKLTransport
    /// Relative RMS error of ∇ₓΦ(x, 0) over the samples: ‖∇Φ − ∇Φ*‖ / ‖∇Φ*‖ (sums over samples).
    let gradientError: Double
    let terminalMean: [Double]
    /// Per-coordinate sample variances of z(T).
    let terminalVariances: [Double]
    let samples: Int

    init(solver: Solver, parameters: [Double], exact: GaussianKLTransport, samples: Int, seed: UInt64) throws(TrainingError) {
        self.exact = exact
        self.samples = samples
        neural = try solver.terms(parameters: parameters, samples: samples, seed: seed)
        let paths = try solver.paths(parameters: parameters, count: samples, seed: seed)
        let d = exact.d
        var points = Matrix<Double>(rows: d + 1, cols: samples)
        for c in 0..<samples { for j in 0..<d { points[j, c] = paths.z[0][c * d + j] } }
        let values = try solver.potential(parameters: parameters, points: points)
        var num = 0.0, den = 0.0
        for c in 0..<samples {
            let x = (0..<d).map { paths.z[0][c * d + $0] }
            let g = exact.gradient(x, at: 0)
            for j in 0..<d { let e = values.gradient[j, c] - g[j]; num += e * e; den += g[j] * g[j] }
        }
        gradientError = (num / max(den, 1e-300)).squareRoot()
        let zT = paths.z[paths.z.count - 1]
        var mean = [Double](repeating: 0, count: d)
        for c in 0..<samples { for j in 0..<d { mean[j] += zT[c * d + j] } }
        mean = mean.map { $0 / Double(samples) }
        var variances = [Double](repeating: 0, count: d)
        for c in 0..<samples { for j in 0..<d { let r = zT[c * d + j] - mean[j]; variances[j] += r * r } }
        terminalMean = mean
        terminalVariances = variances.map { $0 / Double(max(1, samples - 1)) }
    }

    var kineticError: Double { abs(neural.kinetic - exact.kineticCost) / abs(exact.kineticCost) }
    var terminalError: Double { abs(neural.terminal - exact.terminalCost) / abs(exact.terminalCost) }
    var costError: Double { abs(neural.cost - exact.totalCost) / abs(exact.totalCost) }
    var meanError: Double {
        var s = 0.0
        for j in 0..<exact.d { let r = terminalMean[j] - exact.mStar[j]; s += r * r }
        return s.squareRoot()
    }

    func render(problem: Problem, iteration: Int, wallSeconds: Double) -> String {
        func row(_ name: String, _ a: Double, _ b: Double) -> String {
            let rel = abs(a - b) / max(abs(b), 1e-300)
            return name.padding(toLength: 22, withPad: " ", startingAt: 0)
                + a.short.leftPadded(12) + b.short.leftPadded(12) + rel.percent.leftPadded(10)
        }
        let exactVariances = exact.terminalVariances
        let meanVariance = terminalVariances.reduce(0, +) / Double(exact.d)
        let meanExact = exactVariances.reduce(0, +) / Double(exact.d)
        let worstVariance = zip(terminalVariances, exactVariances).map { abs($0 - $1) / $1 }.max() ?? 0
        return """
        \(problem.name): closed-form check (d = \(exact.d), best iterate \(iteration), \(samples) samples, trained \(duration(wallSeconds)))
        \("quantity".padding(toLength: 22, withPad: " ", startingAt: 0))\("neural".leftPadded(12))\("exact".leftPadded(12))\("rel. err".leftPadded(10))
        \(row("L (kinetic)", neural.kinetic, exact.kineticCost))
        \(row("G (terminal)", neural.terminal, exact.terminalCost))
        \(row("J = L + G", neural.cost, exact.totalCost))
        \(row("terminal variance", meanVariance, meanExact)) (mean over coordinates; worst coordinate \(worstVariance.percent))
        \("terminal mean |m − m*|".padding(toLength: 22, withPad: " ", startingAt: 0))\(meanError.short.leftPadded(12))\("0".leftPadded(12))
        \("∇ₓΦ(x, 0) rel. RMS".padding(toLength: 22, withPad: " ", startingAt: 0))\(gradientError.percent.leftPadded(34))
        HJB residual \(neural.hjb.short), terminal mismatch \(neural.terminalHJB.short)
        """
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        count >= width ? " " + self : String(repeating: " ", count: width - count) + self
    }
}

extension Double {
    var percent: String { String(format: "%.2f%%", self * 100) }
}
