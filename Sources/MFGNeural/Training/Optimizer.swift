import MFGMath

/// The resumable state of an optimizer: a name, a step count and named vectors (Adam's
/// moments, L-BFGS's curvature pairs), all in Double so checkpoints store one format.
public struct OptimizerState: Equatable, Sendable {
    public var name: String
    public var step: Int
    public var vectors: [String: [Double]]
    public init(name: String, step: Int = 0, vectors: [String: [Double]] = [:]) {
        self.name = name; self.step = step; self.vectors = vectors
    }
}

/// Adam (Kingma & Ba) with bias correction: m ← β₁m + (1−β₁)g, v ← β₂v + (1−β₂)g²,
/// θ ← θ − η m̂/(√v̂ + ε), m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). Moments are kept in Double.
public struct Adam: Sendable {
    public var beta1 = 0.9, beta2 = 0.999, epsilon = 1e-8
    public private(set) var state: OptimizerState

    public init(parameterCount: Int) {
        state = OptimizerState(name: "adam", vectors: ["m": [Double](repeating: 0, count: parameterCount),
                                                      "v": [Double](repeating: 0, count: parameterCount)])
    }

    /// Resumes from a stored state; throws when it is another optimizer's or of another size.
    public init(state: OptimizerState, parameterCount: Int) throws(TrainingError) {
        guard state.name == "adam", state.step >= 0, state.vectors.count == 2, state.vectors["m"]?.count == parameterCount,
              state.vectors["v"]?.count == parameterCount else {
            throw .incompatibleState("optimizer state is '\(state.name)' at step \(state.step) with vectors "
                                     + state.vectors.keys.sorted().map { "\($0) (\(state.vectors[$0]!.count))" }.joined(separator: ", ")
                                     + "; expected adam at a step ≥ 0 with m and v of \(parameterCount) values")
        }
        self.state = state
    }

    /// One step on θ with gradient g and learning rate η.
    public mutating func step<T: Scalar>(_ theta: inout [T], gradient g: [T], learningRate eta: Double) {
        state.step += 1
        let t = Double(state.step)
        let c1 = 1 - Double.pow(beta1, t), c2 = 1 - Double.pow(beta2, t)
        var m = state.vectors["m"]!, v = state.vectors["v"]!
        state.vectors = [:]   // release the dictionary's copies so m and v are updated in place
        for i in theta.indices {
            let gi = Double(g[i])
            m[i] = beta1 * m[i] + (1 - beta1) * gi
            v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
            theta[i] -= T(eta * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon))
        }
        state.vectors = ["m": m, "v": v]
    }
}

