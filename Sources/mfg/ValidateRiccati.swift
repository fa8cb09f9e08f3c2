import ArgumentParser
import Foundation
import MFGMath
import MFGNeural
import MFGProblem
import MFGStore

extension ValidateCommand {
    /// `mfg validate` for `closed_form: riccati_lq`: L, G, J against the exact costs, ∇ₓΦ against
    /// p(t)(x − c) at agents' positions at t = 0, T/4, T/2, 3T/4, T (`RiccatiComparison`), and
    /// Φ at the mean of ρ₀; exit 4 when J misses `--cost-tolerance` or ∇ₓΦ `--gradient-tolerance`.
    func validateRiccati(checkpoint cp: Checkpoint, problem: Problem, exact: RiccatiLQ, note: String) throws {
        let report: RiccatiComparison
        let costs: SampleCosts
        do {
            let solver = try Solver(problem: problem, threads: threads, resume: cp.state)
            let theta = cp.state.bestParameters, d = problem.dimension
            costs = try solver.sampleCosts(parameters: theta, count: samples, seed: seed)
            let paths = try solver.paths(parameters: theta, count: points, seed: seed &+ 1)
            let steps = ColeHopfComparison.comparedSteps(paths.z.count - 1)
            let gradients = try steps.map { k in
                let g = try solver.potential(parameters: theta, points: Self.inputs(paths, step: k, dimension: d)).gradient
                return (0..<points).flatMap { c in (0..<d).map { g[$0, c] } }
            }
            let origin = problem.initialDensity.mean
            let originPhi = try solver.potential(parameters: theta, points: Self.inputs(origin, time: 0)).phi[0]
            report = RiccatiComparison(exact: exact, times: steps.map { paths.times[$0] }, points: steps.map { paths.z[$0] },
                                       gradients: gradients, origin: origin, originNeural: originPhi)
        } catch { fail(String(describing: error), code: 1) }
        let t = costs.terms, e = costs.standardErrors, x = exact.costs
        func pad(_ s: String, _ w: Int) -> String { s.padding(toLength: w, withPad: " ", startingAt: 0) }
        func rel(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }
        var lines = ["\(problem.name): linear-quadratic closed form (d = \(problem.dimension), σ = \(problem.sigma.short), "
                     + "Φ = ½p(t)|x − c|² + q(t), p(T) = \(exact.terminalCurvature.short), best iterate \(cp.state.bestIteration), "
                     + "trained \(duration(cp.state.wallSeconds))\(note))"]
        lines.append(pad("", 14) + "neural".leftPadded(12) + "(s.e.)".leftPadded(12) + "exact".leftPadded(12) + "rel. error".leftPadded(12))
        for (name, a, s, b) in [("L (kinetic)", t.kinetic, e.kinetic, x.kinetic), ("G (terminal)", t.terminal, e.terminal, x.terminal),
                                ("J = L + G", t.cost, e.cost, x.total)] {
            lines.append(pad(name, 14) + a.short.leftPadded(12) + ("± " + s.short).leftPadded(12) + b.short.leftPadded(12)
                         + rel(a, b).finePercent.leftPadded(12))
        }
        lines.append(pad("Φ(E ρ₀, 0)", 14) + report.originNeural.short.leftPadded(12) + "".leftPadded(12)
                     + report.originExact.short.leftPadded(12) + report.originError.finePercent.leftPadded(12))
        lines.append("∇ₓΦ at \(points) agents' positions, relative RMS: "
                     + report.rows.map { "t = \($0.time.short): \($0.gradientRelativeRMS.finePercent)" }.joined(separator: ", ")
                     + "; all: \(report.gradientRelativeRMS.finePercent)")
        let onGrid = exact.eulerCosts(steps: problem.integrator.steps)
        lines.append("the exact feedback on this run's time grid (\(problem.integrator.steps) Euler steps) costs J = \(onGrid.total.short) "
                     + "(\(rel(onGrid.total, x.total).finePercent) above the continuous optimum)"
                     + (rel(onGrid.total, x.total) > costTolerance / 4
                        ? "; compare with --steps 100 or more so that J measures the trained feedback, not the time step" : ""))
        lines.append("HJB residual \(t.hjb.short), terminal mismatch \(t.terminalHJB.short)")
        let numbers = [("J", t.cost), ("∇ₓΦ relative RMS", report.gradientRelativeRMS), ("Φ(E ρ₀, 0)", report.originNeural)]
        var failures: [String] = []
        if !(rel(t.cost, x.total) <= costTolerance) { failures.append("J error \(rel(t.cost, x.total).percent) > \(costTolerance.percent)") }
        if !(report.gradientRelativeRMS <= gradientTolerance) {
            failures.append("∇ₓΦ relative RMS \(report.gradientRelativeRMS.percent) > \(gradientTolerance.percent)")
        }
        var doc = ValidateJSON(problem: problem.name, check: "riccati_lq")
        doc.add("L", neural: t.kinetic, exact: x.kinetic, standardError: e.kinetic)
        doc.add("G", neural: t.terminal, exact: x.terminal, standardError: e.terminal)
        doc.add("J", neural: t.cost, exact: x.total, standardError: e.cost)
        doc.add("J of the exact feedback on the run's time grid", neural: nil, exact: onGrid.total)
        doc.add("Φ(E ρ₀, 0)", neural: report.originNeural, exact: report.originExact)
        for r in report.rows {
            doc.add("∇ₓΦ relative RMS at t = \(r.time.short)", neural: nil, exact: nil, relativeError: r.gradientRelativeRMS)
        }
        doc.add("∇ₓΦ relative RMS", neural: nil, exact: nil, relativeError: report.gradientRelativeRMS)
        doc.tolerances = ["cost": costTolerance, "gradient": gradientTolerance]
        try conclude(text: lines.joined(separator: "\n"), document: doc, notFinite: numbers.filter { !$0.1.isFinite }.map(\.0),
                     failures: failures,
                     passLine: "PASS: within tolerances (J \(costTolerance.percent), ∇ₓΦ \(gradientTolerance.percent))")
    }
}
