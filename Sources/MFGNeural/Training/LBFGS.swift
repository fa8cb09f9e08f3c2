import MFGMath

/// Limited-memory BFGS with a backtracking Armijo line search.
///
/// The direction is −H g from the two-loop recursion over the last `memory` pairs
/// (s = θₖ₊₁ − θₖ, y = gₖ₊₁ − gₖ), scaled by γ = sᵀy/yᵀy; a pair is kept only when sᵀy > 0
/// (curvature condition), so H stays positive definite. The line search starts from step 1
/// (the first iteration after a reset from η/|g|) and halves until
/// f(θ + αd) ≤ f(θ) + 10⁻⁴ α gᵀd, at most 20 times; then the pairs are cleared and the step
/// falls back to a small gradient step. The history is cleared whenever the training samples
/// change, since the pairs describe the old objective.
public struct LBFGS: Sendable {
    public let memory: Int
    public private(set) var state: OptimizerState

    public init(parameterCount: Int, memory: Int) {
        self.memory = max(1, memory)
        state = OptimizerState(name: "lbfgs")
    }

    /// Resumes from a stored state: its pairs must be `s0…s(k−1)`, `y0…y(k−1)` with k ≤ `memory`,
    /// each of `parameterCount` values (the two-loop recursion reads them all without checks).
    public init(state: OptimizerState, memory: Int, parameterCount: Int) throws(TrainingError) {
        guard state.name == "lbfgs" else {
            throw .incompatibleState("optimizer state is '\(state.name)'; expected lbfgs")
        }
        guard state.step >= 0 else { throw .incompatibleState("optimizer step \(state.step) is negative") }
        let k = state.vectors.count / 2
        let expected = Set((0..<k).flatMap { ["s\($0)", "y\($0)"] })
        guard state.vectors.count % 2 == 0, Set(state.vectors.keys) == expected, k <= max(1, memory) else {
            throw .incompatibleState("L-BFGS vectors \(state.vectors.keys.sorted().joined(separator: ", ")) are not "
                                     + "s0…s(k−1), y0…y(k−1) with k ≤ \(max(1, memory)) (lbfgs_memory)")
        }
        if let (name, v) = state.vectors.first(where: { $0.value.count != parameterCount }) {
            throw .incompatibleState("L-BFGS vector '\(name)' has \(v.count) values; the network has \(parameterCount) parameters")
        }
        self.memory = max(1, memory)
        self.state = state
    }

    private var pairCount: Int { state.vectors.keys.filter { $0.hasPrefix("s") }.count }

    /// Forgets the curvature pairs (after resampling).
    public mutating func reset() { state.vectors = [:] }

    /// One iteration: `evaluate(θ)` returns (f, g); returns the accepted (f, g) at the new θ.
    public mutating func step<T: Scalar>(_ theta: inout [T], value f0: Double, gradient g0: [T],
                                         learningRate eta: Double,
                                         evaluate: ([T]) throws -> (Double, [T])) rethrows -> (Double, [T]) {
        state.step += 1
        let g = g0.map { Double($0) }
        let k = pairCount
        var q = g
        var alphas = [Double](repeating: 0, count: k)
        var i = k - 1
        while i >= 0 {
            let s = state.vectors["s\(i)"]!, y = state.vectors["y\(i)"]!
            let rho = 1 / dot(y, s)
            alphas[i] = rho * dot(s, q)
            for j in q.indices { q[j] -= alphas[i] * y[j] }
            i -= 1
        }
        var initialStep = 1.0
        if k > 0 {
            let s = state.vectors["s\(k - 1)"]!, y = state.vectors["y\(k - 1)"]!
            let gamma = dot(s, y) / dot(y, y)
            for j in q.indices { q[j] *= gamma }
        } else {
            initialStep = eta / max(1e-12, dot(g, g).squareRoot())
        }
        for i in 0..<k {
            let s = state.vectors["s\(i)"]!, y = state.vectors["y\(i)"]!
            let rho = 1 / dot(y, s)
            let beta = rho * dot(y, q)
            for j in q.indices { q[j] += s[j] * (alphas[i] - beta) }
        }
        var direction = q.map { -$0 }
        var slope = dot(g, direction)
        if !(slope < 0) {   // not a descent direction: restart from the gradient
            reset()
            direction = g.map { -$0 }
            slope = -dot(g, g)
            initialStep = eta / max(1e-12, dot(g, g).squareRoot())
        }
        var alpha = initialStep
        let start = theta
        for _ in 0..<20 {
            var trial = start
            for j in trial.indices { trial[j] += T(alpha * direction[j]) }
            let (f, gNew) = try evaluate(trial)
            if f.isFinite && f <= f0 + 1e-4 * alpha * slope {
                theta = trial
                let s = direction.map { $0 * alpha }
                let y = zip(gNew, g).map { Double($0) - $1 }
                if dot(s, y) > 1e-12 { push(s, y) }
                return (f, gNew)
            }
            alpha *= 0.5
        }
        // No sufficient decrease: take a tiny gradient step and forget the curvature.
        reset()
        var trial = start
        let gn = max(1e-12, dot(g, g).squareRoot())
        for j in trial.indices { trial[j] -= T(eta * 1e-2 * g[j] / gn) }
        theta = trial
        return try evaluate(trial)
    }

    private mutating func push(_ s: [Double], _ y: [Double]) {
        var k = pairCount
        if k == memory {
            for i in 1..<k {
                state.vectors["s\(i - 1)"] = state.vectors["s\(i)"]
                state.vectors["y\(i - 1)"] = state.vectors["y\(i)"]
            }
            k -= 1
        }
        state.vectors["s\(k)"] = s
        state.vectors["y\(k)"] = y
    }
}

@inline(__always) func dot(_ a: [Double], _ b: [Double]) -> Double {
    var s = 0.0
    for i in a.indices { s += a[i] * b[i] }
    return s
}
