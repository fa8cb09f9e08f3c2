import MFGMath

/// λ ∫ q(x) ρ(x) dx for a fixed field q: the obstacle running cost λ_Q ∫ Q ρ (q = Q, a sum of
/// bumps) and the terminal preference λ_G ∫ g ρ(·, T). Linear in ρ, so δC/δρ = λ q and both
/// gradients are ∇q; no density dependence.
public struct FieldCost: LocalCost {
    public let name: String
    public let weight: Double
    /// q (a bump, a sum of bumps, or a quadratic).
    public let field: Preference

    public init(name: String, weight: Double, field: Preference) {
        self.name = name; self.weight = weight; self.field = field
    }

    public var dependsOnState: Bool { true }
    public var stateGradientsAgree: Bool { true }
    public var dependsOnDensity: Bool { false }

    public var gridForm: GridCellForm? {
        let field = field
        return GridCellForm(linear: { x, n, out in field.value(x, count: n, into: out) }, entropy: 0)
    }

    public func evaluate(_ input: LocalCostInput<Double>, _ output: LocalCostOutput<Double>) { compute(input, output) }
    public func evaluate(_ input: LocalCostInput<Float>, _ output: LocalCostOutput<Float>) { compute(input, output) }

    private func compute<T: Scalar>(_ input: LocalCostInput<T>, _ output: LocalCostOutput<T>) {
        let d = input.dimension, n = input.count
        field.valueAndGradient(UnsafeBufferPointer(start: input.points, count: d * n), count: n,
                               value: UnsafeMutableBufferPointer(start: output.value, count: n),
                               gradient: UnsafeMutableBufferPointer(start: output.valueGradient, count: d * n))
        output.derivative.update(from: output.value, count: n)
    }
}
