import MFGMath
import MFGProblem

extension CostModel {
    /// The costs of a problem file, with its fields wrapped as batched closures (specialized, so
    /// the closures call the Float/Double versions of the fields). The penalty weights are the
    /// ones the run ends with (`Penalties.finalWeights`); training sets each iteration's own.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public init(problem: Problem) {
        let d = problem.dimension
        var obstacle: BatchedField<T>?
        if let q = problem.activeObstacles {
            obstacle = Self.field(d, value: { q.value($0, count: $1, into: $2) },
                                  valueAndGradient: { q.valueAndGradient($0, count: $1, value: $2, gradient: $3) })
        }
        let terminal: Terminal
        switch problem.terminal {
        case .kl(let weight):
            // The file validation guarantees a target density for a KL terminal cost.
            let target = problem.targetDensity!
            terminal = .kl(weight: weight, logTarget: Self.field(d, value: { target.logDensity($0, count: $1, into: $2) },
                valueAndGradient: { target.logDensityAndGradient($0, count: $1, value: $2, gradient: $3) }))
        case .preference(let weight, let g):
            terminal = .preference(weight: weight, g: Self.field(d, value: { g.value($0, count: $1, into: $2) },
                valueAndGradient: { g.valueAndGradient($0, count: $1, value: $2, gradient: $3) }))
        }
        self.init(dimension: d, horizon: problem.horizon, kineticWeight: problem.kineticWeight,
                  obstacle: obstacle, obstacleWeight: problem.obstacleWeight,
                  entropyWeight: problem.entropyWeight, terminal: terminal,
                  hjbWeight: problem.penalties.finalWeights.hjb,
                  terminalHJBWeight: problem.penalties.finalWeights.terminalHJB)
    }

    /// A `BatchedField` from a problem field's two batched evaluations (value only, and value
    /// with gradient), over d × n column-major points.
    static func field(_ d: Int,
                      value: @escaping @Sendable (UnsafeBufferPointer<T>, Int, UnsafeMutableBufferPointer<T>) -> Void,
                      valueAndGradient: @escaping @Sendable (UnsafeBufferPointer<T>, Int, UnsafeMutableBufferPointer<T>,
                                                             UnsafeMutableBufferPointer<T>) -> Void) -> BatchedField<T> {
        return { x, n, values, grads in
            let xs = UnsafeBufferPointer(start: x, count: d * n)
            let vs = UnsafeMutableBufferPointer(start: values, count: n)
            if let grads {
                valueAndGradient(xs, n, vs, UnsafeMutableBufferPointer(start: grads, count: d * n))
            } else {
                value(xs, n, vs)
            }
        }
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
                      timeTerm: problem.network.timeTerm == .polynomial, timeScale: problem.horizon)
    }
}
