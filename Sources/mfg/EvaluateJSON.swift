import Foundation
import MFGNeural

/// `mfg evaluate --json`: the recomputed terms as one JSON document (snake_case keys; NaN or
/// ±∞ as null). The checks' messages (fit quality, negative KL, progress since the first
/// validation, obstacle crossing) are the `notes`, as the text report prints them.
struct EvaluateJSON: JSONReport {
    struct Terms: Encodable {
        var l: Double?, f: Double?, g: Double?, j: Double?
    }
    let problem: String
    let parameters: String
    let iteration: Int
    let samples: Int
    let integratorSteps: Int
    var terms = Terms()
    var hjb: Double?
    var terminalHjb: Double?
    /// L + F + G + the weighted penalties: what training minimises.
    var objective: Double?
    var runningByTerm: [String: Double?] = [:]
    var terminalByTerm: [String: Double?] = [:]
    /// Monte Carlo standard errors of the terms (absent for one sample).
    var standardErrors: Terms?
    /// G and J with the density ratio as control variate (a KL terminal cost, σ = 0, ≥ 3 samples).
    var ratioControl: RatioControlJSON?
    /// Fraction of (at most 4096) agents whose paths enter {Q > Q_max/2} (problems with an obstacle).
    var obstacleCrossing: Double?
    /// Fraction of (at most 4096) agents whose paths enter a shaped obstacle (signed distance < 0).
    var shapeCrossing: Double?
    var notes: [String] = []
    /// The file the exported table was written to.
    var exported: String?

    init(problem: String, parameters: String, iteration: Int, samples: Int, integratorSteps: Int) {
        self.problem = problem; self.parameters = parameters; self.iteration = iteration
        self.samples = samples; self.integratorSteps = integratorSteps
    }

    mutating func record(costs: SampleCosts, withErrors: Bool, ratioControl control: KLRatioControl?) {
        let t = costs.terms, v = { (x: Double) in Self.finite(x) }
        terms = Terms(l: v(t.kinetic), f: v(t.interaction), g: v(t.terminal), j: v(t.cost))
        hjb = v(t.hjb); terminalHjb = v(t.terminalHJB); objective = v(t.total)
        runningByTerm = Dictionary(t.runningByTerm.map { ($0.name, v($0.value)) }) { a, _ in a }
        terminalByTerm = Dictionary(t.terminalByTerm.map { ($0.name, v($0.value)) }) { a, _ in a }
        if withErrors {
            let e = costs.standardErrors
            standardErrors = Terms(l: v(e.kinetic), f: v(e.interaction), g: v(e.terminal), j: v(e.cost))
        }
        ratioControl = control.map(RatioControlJSON.init)
    }
}
