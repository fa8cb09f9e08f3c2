import MFGMath

/// The field g(x) = ln((a + |x − c|²)/b) with a, b > 0: the terminal cost of the Han–Jentzen–E
/// 100-dimensional HJB benchmark is a = 1, b = 2, c = 0, g(x) = ln((1 + |x|²)/2).
///
/// Smooth and slowly growing (logarithmically), so its Cole–Hopf expectation E[exp(−g/c)] is
/// finite for every c > 0. Gradient ∇g = 2(x − c)/(a + |x − c|²), bounded by 1/√a.
public struct LogQuadratic: Sendable, Equatable {
    /// c (d values).
    public let center: [Double]
    /// a > 0.
    public let offset: Double
    /// b > 0.
    public let divisor: Double

    public init(center: [Double], offset: Double, divisor: Double) {
        self.center = center; self.offset = offset; self.divisor = divisor
    }

    /// The ambient dimension d.
    public var dimension: Int { center.count }

    /// g at one point x (d values), in Double.
    @inline(__always)
    public func value(at x: UnsafePointer<Double>) -> Double {
        var r2 = 0.0
        for i in 0..<center.count { let y = x[i] - center[i]; r2 += y * y }
        return Double.log((offset + r2) / divisor)
    }
}

/// λ ∫ g ρ(·, T) for the log-quadratic field g (`LogQuadratic`): a terminal cost linear in ρ, so
/// δC/δρ = λ g, f = v = g, ∇ₓf = ∇ₓv = ∇g, no density dependence (it works with noise, σ > 0).
/// The grid solver charges it as a linear cell cost q = g.
public struct LogQuadraticCost: LocalCost {
    public let weight: Double
    public let field: LogQuadratic

    public init(weight: Double, field: LogQuadratic) { self.weight = weight; self.field = field }

    public var name: String { "log_quadratic" }
    public var dependsOnState: Bool { true }
    public var stateGradientsAgree: Bool { true }
    public var dependsOnDensity: Bool { false }

    public var gridForm: GridCellForm? {
        let field = field
        return GridCellForm(linear: { x, n, out in
            for j in 0..<n { out[j] = field.value(at: x.baseAddress! + j * field.dimension) }
        }, entropy: 0)
    }

    public func evaluate(_ input: LocalCostInput<Double>, _ output: LocalCostOutput<Double>) { compute(input, output) }
    public func evaluate(_ input: LocalCostInput<Float>, _ output: LocalCostOutput<Float>) { compute(input, output) }

    /// g = ln((a + r²)/b), ∇g = 2(x − c)/(a + r²), r² = |x − c|², accumulated in Double.
    private func compute<T: Scalar>(_ input: LocalCostInput<T>, _ output: LocalCostOutput<T>) {
        let d = input.dimension, n = input.count
        let c = field.center, a = field.offset, b = field.divisor
        for j in 0..<n {
            let x = input.points + j * d
            var r2 = 0.0
            for i in 0..<d { let y = Double(x[i]) - c[i]; r2 += y * y }
            let q = a + r2
            output.value[j] = T(Double.log(q / b))
            output.derivative[j] = output.value[j]
            let s = 2 / q
            let grad = output.valueGradient + j * d
            for i in 0..<d { grad[i] = T(s * (Double(x[i]) - c[i])) }
        }
    }
}
