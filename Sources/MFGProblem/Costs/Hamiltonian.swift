import MFGMath

/// The Hamiltonian H(p) = |p|²/(2α_L) of the kinetic cost α_L ½|v|², and the optimal velocity
/// v = −∇ₚH(∇Φ) = −∇Φ/α_L (the sign convention of docs/equations-to-code.md).
public struct Hamiltonian: Sendable, Equatable {
    /// α_L > 0.
    public let kineticWeight: Double

    public init(kineticWeight: Double) {
        precondition(kineticWeight > 0, "Hamiltonian: the kinetic weight must be positive")
        self.kineticWeight = kineticWeight
    }

    /// H(p) for n momenta `p` (d × n) into `out` (n values).
    public func value<T: Scalar>(_ p: UnsafeBufferPointer<T>, dimension d: Int, count n: Int,
                                 into out: UnsafeMutableBufferPointer<T>) {
        precondition(p.count >= d * n && out.count >= n, "Hamiltonian.value: buffers too small")
        let scale = T(1 / (2 * kineticWeight))
        for j in 0..<n {
            var s: T = 0
            for i in 0..<d { let q = p[i + j * d]; s += q * q }
            out[j] = scale * s
        }
    }

    /// The velocity −p/α_L for n momenta (d × n) into `out` (d × n).
    public func velocity<T: Scalar>(_ p: UnsafeBufferPointer<T>, dimension d: Int, count n: Int,
                                    into out: UnsafeMutableBufferPointer<T>) {
        precondition(p.count >= d * n && out.count >= d * n, "Hamiltonian.velocity: buffers too small")
        let scale = T(-1 / kineticWeight)
        for k in 0..<(d * n) { out[k] = scale * p[k] }
    }
}

extension Problem {
    /// H(p) = |p|²/(2 kineticWeight).
    public var hamiltonian: Hamiltonian { Hamiltonian(kineticWeight: kineticWeight) }
}
