import MFGMath
import MFGProblem

extension CostModel {
    /// The costs of a problem file, with its fields wrapped as batched closures (specialized, so
    /// the closures call the Float/Double versions of the fields).
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public init(problem: Problem) {
        let d = problem.dimension
        var obstacle: BatchedField<T>?
        if let bump = problem.obstacle, problem.obstacleWeight != 0 {
            obstacle = { x, n, values, grads in
                let xs = UnsafeBufferPointer(start: x, count: d * n)
                if let grads {
                    bump.valueAndGradient(xs, count: n, value: UnsafeMutableBufferPointer(start: values, count: n),
                                          gradient: UnsafeMutableBufferPointer(start: grads, count: d * n))
                } else {
                    bump.value(xs, count: n, into: UnsafeMutableBufferPointer(start: values, count: n))
                }
            }
        }
        let terminal: Terminal
        switch problem.terminal {
        case .kl(let weight):
            // The file validation guarantees a target density for a KL terminal cost.
            let target = problem.targetDensity!
            terminal = .kl(weight: weight, logTarget: { x, n, values, grads in
                let xs = UnsafeBufferPointer(start: x, count: d * n)
                let vs = UnsafeMutableBufferPointer(start: values, count: n)
                if let grads {
                    target.logDensityAndGradient(xs, count: n, value: vs,
                                                 gradient: UnsafeMutableBufferPointer(start: grads, count: d * n))
                } else {
                    target.logDensity(xs, count: n, into: vs)
                }
            })
        case .preference(let weight, let g):
            terminal = .preference(weight: weight, g: { x, n, values, grads in
                let xs = UnsafeBufferPointer(start: x, count: d * n)
                let vs = UnsafeMutableBufferPointer(start: values, count: n)
                if let grads {
                    g.valueAndGradient(xs, count: n, value: vs,
                                       gradient: UnsafeMutableBufferPointer(start: grads, count: d * n))
                } else {
                    g.value(xs, count: n, into: vs)
                }
            })
        }
        self.init(dimension: d, horizon: problem.horizon, kineticWeight: problem.kineticWeight,
                  obstacle: obstacle, obstacleWeight: problem.obstacleWeight,
                  entropyWeight: problem.entropyWeight, terminal: terminal,
                  hjbWeight: problem.penalties.hjb, terminalHJBWeight: problem.penalties.terminalHJB)
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
                      step: problem.network.step)
    }
}
