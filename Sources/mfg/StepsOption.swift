import ArgumentParser
import MFGProblem

// `--steps N` of `mfg evaluate` and `mfg validate`: re-integrate a trained solution on another
// time grid.

let stepsHelp = "Integrate the characteristics with this many time steps (same scheme) instead of the run's "
    + "own: how much L, F and G move is the time-discretisation error of the trained solution (1…4096)."

func validateSteps(_ steps: Int?) throws {
    if let steps, !(1...4096).contains(steps) { throw ValidationError("--steps must be in 1…4096, got \(steps)") }
}

extension Problem {
    /// The stored problem, or the same with `steps` time steps when given.
    func reintegrated(steps: Int?) -> Problem {
        guard let steps else { return self }
        return integrated(with: IntegratorSettings(scheme: integrator.scheme, steps: steps))
    }

    /// "; integrated with N rk4 steps (the run used M)" when `steps` overrides the run's.
    func reintegrationNote(steps: Int?) -> String {
        guard let steps else { return "" }
        return "; integrated with \(steps) \(integrator.scheme.rawValue) steps (the run used \(integrator.steps))"
    }
}
