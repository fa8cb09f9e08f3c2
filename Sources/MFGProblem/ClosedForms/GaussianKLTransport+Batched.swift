/// Batched evaluation of the closed form at n points stored column-major (d × n), the layout
/// the neural solver uses, for comparing a trained Φ against the exact one.
extension GaussianKLTransport {
    private func columns(_ x: [Double], _ n: Int) -> [[Double]] {
        precondition(x.count == d * n, "GaussianKLTransport: expected \(d)×\(n) values, got \(x.count)")
        return (0..<n).map { Array(x[($0 * d)..<(($0 + 1) * d)]) }
    }

    /// Φ(x_j, t) for the n columns of `x`.
    public func values(_ x: [Double], count n: Int, at t: Double) -> [Double] {
        columns(x, n).map { value($0, at: t) }
    }

    /// ∇ₓΦ(x_j, t) for the n columns of `x`, as a d × n array.
    public func gradients(_ x: [Double], count n: Int, at t: Double) -> [Double] {
        columns(x, n).flatMap { gradient($0, at: t) }
    }

    /// ∂ₜΦ(x_j, t) for the n columns of `x`.
    public func timeDerivatives(_ x: [Double], count n: Int, at t: Double) -> [Double] {
        columns(x, n).map { timeDerivative($0, at: t) }
    }

    /// Positions at time t of the agents starting at the n columns of `x0` (d × n).
    public func paths(from x0: [Double], count n: Int, at t: Double) -> [Double] {
        columns(x0, n).flatMap { path(from: $0, at: t) }
    }

    /// log ρ(x_j, t) for the n columns of `x`.
    public func logDensities(_ x: [Double], count n: Int, at t: Double) -> [Double] {
        columns(x, n).map { logDensity($0, at: t) }
    }

    /// Each agent's optimal kinetic cost (`kineticCost(from:)`) for the n columns of `x0`.
    public func kineticCosts(from x0: [Double], count n: Int) -> [Double] {
        columns(x0, n).map { kineticCost(from: $0) }
    }

    /// Each agent's optimal terminal cost (`terminalCost(from:)`) for the n columns of `x0`.
    public func terminalCosts(from x0: [Double], count n: Int) -> [Double] {
        columns(x0, n).map { terminalCost(from: $0) }
    }
}
