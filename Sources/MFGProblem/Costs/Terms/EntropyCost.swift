import MFGMath

/// λ ∫ ρ log ρ dx: f = ℓ = log ρ, δC/δρ = λ(ℓ + 1), both slopes 1; no state dependence.
public struct EntropyCost: LocalCost {
    public let weight: Double

    public init(weight: Double) { self.weight = weight }

    public var name: String { "entropy" }
    public var dependsOnState: Bool { false }
    public var stateGradientsAgree: Bool { true }
    public var dependsOnDensity: Bool { true }

    public var gridForm: GridCellForm? { GridCellForm(linear: nil, entropy: 1) }

    public func evaluate(_ input: LocalCostInput<Double>, _ output: LocalCostOutput<Double>) { compute(input, output) }
    public func evaluate(_ input: LocalCostInput<Float>, _ output: LocalCostOutput<Float>) { compute(input, output) }

    private func compute<T: Scalar>(_ input: LocalCostInput<T>, _ output: LocalCostOutput<T>) {
        for i in 0..<input.count {
            let l = input.logDensity[i]
            output.value[i] = l
            output.derivative[i] = l + 1
            output.valueSlope[i] = 1
            output.derivativeSlope[i] = 1
        }
    }
}
