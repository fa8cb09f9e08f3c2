import MFGMath

/// The Hamiltonian of the kinetic cost ½Σᵢαᵢvᵢ²: H(p) = Σᵢ pᵢ²/(2αᵢ), and the optimal velocity
/// v = −∇ₚH(∇Φ), vᵢ = −∂ᵢΦ/αᵢ (the sign convention of docs/equations-to-code.md). Isotropic
/// (one α_L for every coordinate, `kineticWeights` nil): H(p) = |p|²/(2α_L), v = −∇Φ/α_L.
public struct Hamiltonian: Sendable, Equatable {
    /// α_L > 0 (with per-coordinate weights, their geometric mean: a scale only).
    public let kineticWeight: Double
    /// αᵢ > 0 per coordinate, or nil when every coordinate has `kineticWeight`.
    public let kineticWeights: [Double]?

    public init(kineticWeight: Double, kineticWeights: [Double]? = nil) {
        precondition(kineticWeight > 0, "Hamiltonian: the kinetic weight must be positive")
        precondition(kineticWeights?.allSatisfy { $0 > 0 } ?? true, "Hamiltonian: the kinetic weights must be positive")
        self.kineticWeight = kineticWeight
        self.kineticWeights = kineticWeights
    }

    /// H(p) for n momenta `p` (d × n) into `out` (n values).
    public func value<T: Scalar>(_ p: UnsafeBufferPointer<T>, dimension d: Int, count n: Int,
                                 into out: UnsafeMutableBufferPointer<T>) {
        precondition(p.count >= d * n && out.count >= n, "Hamiltonian.value: buffers too small")
        if let alphas = kineticWeights {
            precondition(alphas.count == d, "Hamiltonian.value: \(alphas.count) kinetic weights for dimension \(d)")
            let scales = alphas.map { T(1 / (2 * $0)) }
            for j in 0..<n {
                var s: T = 0
                for i in 0..<d { let q = p[i + j * d]; s += scales[i] * q * q }
                out[j] = s
            }
            return
        }
        let scale = T(1 / (2 * kineticWeight))
        for j in 0..<n {
            var s: T = 0
            for i in 0..<d { let q = p[i + j * d]; s += q * q }
            out[j] = scale * s
        }
    }

    /// The velocity −pᵢ/αᵢ for n momenta (d × n) into `out` (d × n).
    public func velocity<T: Scalar>(_ p: UnsafeBufferPointer<T>, dimension d: Int, count n: Int,
                                    into out: UnsafeMutableBufferPointer<T>) {
        precondition(p.count >= d * n && out.count >= d * n, "Hamiltonian.velocity: buffers too small")
        if let alphas = kineticWeights {
            precondition(alphas.count == d, "Hamiltonian.velocity: \(alphas.count) kinetic weights for dimension \(d)")
            for j in 0..<n { for i in 0..<d { out[i + j * d] = -p[i + j * d] / T(alphas[i]) } }
            return
        }
        let scale = T(-1 / kineticWeight)
        for k in 0..<(d * n) { out[k] = scale * p[k] }
    }
}

extension Problem {
    /// H(p) = Σᵢ pᵢ²/(2αᵢ) (|p|²/(2 kineticWeight) when isotropic).
    public var hamiltonian: Hamiltonian { Hamiltonian(kineticWeight: kineticWeight, kineticWeights: kineticWeights) }
}
