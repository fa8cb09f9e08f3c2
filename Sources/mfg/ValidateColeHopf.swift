import ArgumentParser
import Foundation
import MFGMath
import MFGNeural
import MFGProblem
import MFGStore

extension ValidateCommand {
    /// `mfg validate` for a stochastic problem of the Cole–Hopf family: Φ against the Monte
    /// Carlo Cole–Hopf values (`ColeHopfComparison`); exit 4 when the relative RMS over all
    /// points or the error at the mean of ρ₀ exceeds `--potential-tolerance`.
    func validateColeHopf(checkpoint cp: Checkpoint, problem: Problem, reference: ColeHopfReference, note: String) throws {
        let report: ColeHopfComparison
        let terms: ObjectiveTerms
        do {
            let solver = try Solver(problem: problem, threads: threads, resume: cp.state)
            let theta = cp.state.bestParameters, d = problem.dimension
            // The network at the agents' positions at the compared times, and at E ρ₀ at t = 0.
            let paths = try solver.paths(parameters: theta, count: points, seed: seed)
            let steps = ColeHopfComparison.comparedSteps(paths.z.count - 1)
            let phi = try steps.map { try solver.potential(parameters: theta, points: Self.inputs(paths, step: $0, dimension: d)).phi }
            let origin = problem.initialDensity.mean
            let originPhi = try solver.potential(parameters: theta, points: Self.inputs(origin, time: 0)).phi[0]
            report = ColeHopfComparison(reference: reference, times: steps.map { paths.times[$0] }, points: steps.map { paths.z[$0] },
                                        phi: phi, origin: origin, originNeural: originPhi, samples: referenceSamples,
                                        originSamples: max(referenceSamples, 100_000), seed: seed)
            terms = try solver.terms(parameters: cp.state.bestParameters, samples: samples, seed: seed)
        } catch { fail(String(describing: error), code: 1) }
        func pad(_ s: String, _ w: Int) -> String { s.padding(toLength: w, withPad: " ", startingAt: 0) }
        func fine(_ v: Double) -> String { String(format: "%.7g", v) }
        var lines = ["\(problem.name): Cole–Hopf check (d = \(problem.dimension), σ = \(problem.sigma.short), "
                     + "Φ = −α_Lσ² ln E exp(−G/(α_Lσ²)) by Monte Carlo, best iterate \(cp.state.bestIteration), "
                     + "trained \(duration(cp.state.wallSeconds))\(note))"]
        let x0 = report.origin.allSatisfy { $0 == 0 } ? "0" : "E ρ₀"
        lines.append(pad("Φ(\(x0), 0)", 22) + fine(report.originNeural).leftPadded(12) + fine(report.originReference).leftPadded(12)
                     + report.originError.finePercent.leftPadded(10)
                     + ("± " + (report.originStandardError / abs(report.originReference)).finePercent).leftPadded(10)
                     + "   (\(report.originSamples) draws)")
        lines.append(pad("J = L + G", 22) + fine(terms.cost).leftPadded(12) + fine(report.originReference).leftPadded(12)
                     + (abs(terms.cost - report.originReference) / abs(report.originReference)).finePercent.leftPadded(10)
                     + "             (\(samples) agents; J estimates E Φ(X₀, 0))")
        lines.append(pad("time", 8) + "points".leftPadded(8) + "rel. RMS".leftPadded(11) + "max rel.".leftPadded(11)
                     + "MC floor".leftPadded(11) + "mean Φ".leftPadded(12) + "mean ref".leftPadded(12))
        for r in report.rows {
            lines.append(pad(r.time.short, 8) + String(r.points).leftPadded(8) + r.relativeRMS.finePercent.leftPadded(11)
                         + r.maxRelative.finePercent.leftPadded(11) + r.noiseFloor.finePercent.leftPadded(11)
                         + r.meanNeural.short.leftPadded(12) + r.meanReference.short.leftPadded(12))
        }
        lines.append(pad("all times", 16) + report.overallRMS.finePercent.leftPadded(11)
                     + "   (‖Φ − u‖₂/‖u‖₂ over \(report.rows.count * points) points on the trained paths, "
                     + "\(report.samples) draws each)")
        lines.append("HJB residual \(terms.hjb.short), terminal mismatch \(terms.terminalHJB.short)")
        let numbers = [("Φ(\(x0), 0)", report.originNeural), ("Cole–Hopf Φ(\(x0), 0)", report.originReference),
                       ("Φ relative RMS", report.overallRMS), ("J", terms.cost)]
        var failures: [String] = []
        if !(report.overallRMS <= potentialTolerance) {
            failures.append("Φ relative RMS \(report.overallRMS.percent) > \(potentialTolerance.percent)")
        }
        if !(report.originError <= potentialTolerance) {
            failures.append("Φ(\(x0), 0) error \(report.originError.percent) > \(potentialTolerance.percent)")
        }
        var doc = ValidateJSON(problem: problem.name, check: "cole_hopf")
        doc.add("Φ(\(x0), 0)", neural: report.originNeural, exact: report.originReference, standardError: report.originStandardError)
        doc.add("J", neural: terms.cost, exact: report.originReference)
        for r in report.rows {
            doc.add("Φ relative RMS at t = \(r.time.short)", neural: nil, exact: nil, relativeError: r.relativeRMS, standardError: r.noiseFloor)
        }
        doc.add("Φ relative RMS", neural: nil, exact: nil, relativeError: report.overallRMS)
        doc.tolerances = ["potential": potentialTolerance]
        try conclude(text: lines.joined(separator: "\n"), document: doc, notFinite: numbers.filter { !$0.1.isFinite }.map(\.0),
                     failures: failures, passLine: "PASS: within tolerance (potential \(potentialTolerance.percent))")
    }
}

extension ValidateCommand {
    /// The agents' positions at step `k` of `paths` with their time, as network inputs ((d + 1) × n).
    static func inputs(_ paths: SolverPaths, step k: Int, dimension d: Int) -> Matrix<Double> {
        let n = paths.z[k].count / d
        var input = Matrix<Double>(rows: d + 1, cols: n)
        for c in 0..<n {
            for j in 0..<d { input[j, c] = paths.z[k][c * d + j] }
            input[d, c] = paths.times[k]
        }
        return input
    }

    /// One point x at time t as a network input ((d + 1) × 1).
    static func inputs(_ x: [Double], time t: Double) -> Matrix<Double> {
        var at = Matrix<Double>(rows: x.count + 1, cols: 1)
        for j in x.indices { at[j, 0] = x[j] }
        at[x.count, 0] = t
        return at
    }
}
