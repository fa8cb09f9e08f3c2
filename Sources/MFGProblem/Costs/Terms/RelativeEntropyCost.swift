import MFGMath

/// λ KL(ρ ‖ ρ₁) = λ ∫ ρ log(ρ/ρ₁) dx, the terminal cost that pulls ρ(·, T) to the target ρ₁:
/// f = ℓ − log ρ₁(x), δC/δρ = λ(f + 1), ∇ₓf = ∇ₓ(δC/δρ)/λ = −∇ log ρ₁, both slopes 1.
public struct RelativeEntropyCost: LocalCost {
    public let weight: Double
    /// ρ₁.
    public let target: Density

    public init(weight: Double, target: Density) { self.weight = weight; self.target = target }

    public var name: String { "kl" }
    public var dependsOnState: Bool { true }
    public var stateGradientsAgree: Bool { true }
    public var dependsOnDensity: Bool { true }

    /// q = −log ρ₁, β = 1 (the grid solver turns this back into its target density e^(−q)).
    public var gridForm: GridCellForm? {
        let target = target
        return GridCellForm(linear: { x, n, out in
            target.logDensity(x, count: n, into: out)
            for i in 0..<n { out[i] = -out[i] }
        }, entropy: 1, density: (target, "target_density"))
    }

    public func evaluate(_ input: LocalCostInput<Double>, _ output: LocalCostOutput<Double>) { compute(input, output) }
    public func evaluate(_ input: LocalCostInput<Float>, _ output: LocalCostOutput<Float>) { compute(input, output) }

    private func compute<T: Scalar>(_ input: LocalCostInput<T>, _ output: LocalCostOutput<T>) {
        let d = input.dimension, n = input.count
        // log ρ₁ into `value`, its gradient into `valueGradient`, then turned into f and −∇ log ρ₁.
        target.logDensityAndGradient(UnsafeBufferPointer(start: input.points, count: d * n), count: n,
                                     value: UnsafeMutableBufferPointer(start: output.value, count: n),
                                     gradient: UnsafeMutableBufferPointer(start: output.valueGradient, count: d * n))
        for i in 0..<n {
            let f = input.logDensity[i] - output.value[i]
            output.value[i] = f
            output.derivative[i] = f + 1
            output.valueSlope[i] = 1
            output.derivativeSlope[i] = 1
        }
        for k in 0..<(d * n) { output.valueGradient[k] = -output.valueGradient[k] }
    }
}
