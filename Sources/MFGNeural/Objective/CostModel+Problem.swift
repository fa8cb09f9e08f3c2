import MFGMath
import MFGProblem

extension CostModel {
    /// The costs of a problem file: its running and terminal terms (`Problem.runningCosts`,
    /// `terminalCosts`). The penalty weights are the ones the run ends with
    /// (`Penalties.finalWeights`); training sets each iteration's own.
    public init(problem: Problem) {
        self.init(dimension: problem.dimension, horizon: problem.horizon, kineticWeight: problem.kineticWeight,
                  running: problem.runningCosts, terminal: problem.terminalCosts,
                  hjbWeight: problem.penalties.finalWeights.hjb,
                  terminalHJBWeight: problem.penalties.finalWeights.terminalHJB, sigma: problem.sigma,
                  nonlocal: problem.nonlocalRunningCosts,
                  kineticWeights: problem.kineticWeights, sigmas: problem.sigmas)
    }
}

extension TimeStepper {
    /// The scheme a problem file names.
    public init(_ scheme: IntegratorSettings.Scheme) {
        switch scheme {
        case .rk4: self = .rk4
        case .euler: self = .euler
        }
    }
}

extension NetworkShape {
    /// The network a problem file asks for.
    public init(problem: Problem) throws(NetworkError) {
        try self.init(dimension: problem.dimension, width: problem.network.width,
                      residualLayers: problem.network.residualLayers, rank: problem.network.rank,
                      step: problem.network.step, quadratic: problem.network.quadratic,
                      timeDegree: problem.network.timeDegree, separableWidth: problem.network.separableWidth,
                      timeTerm: problem.network.timeTerm == .polynomial, timeScale: problem.horizon,
                      separableForm: problem.network.separableForm, splineRange: problem.network.splineRange)
    }
}
