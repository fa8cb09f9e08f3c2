import MFGMath

/// The local congestion running cost λ_C/p ∫ ρ^p dx (p > 1): crowding costs more than in
/// proportion to the density, and increasingly so for larger p (p = 2: a quadratic congestion).
public struct Congestion: Sendable, Equatable {
    /// The largest exponent a problem file may give (ρ^p of a concentrated crowd overflows
    /// long before p = 10 would be a sensible model).
    public static let largestExponent = 10.0

    /// λ_C ≥ 0.
    public let weight: Double
    /// p, 1 < p ≤ `largestExponent`.
    public let exponent: Double

    public init(weight: Double, exponent: Double) { self.weight = weight; self.exponent = exponent }
}

/// λ_C/p ∫ ρ^p as a cost term: per unit mass f = ρ^(p−1)/p = e^((p−1)ℓ)/p, δC/δρ = λ_C ρ^(p−1),
/// ∂f/∂ℓ = (p−1)/p·e^((p−1)ℓ), ∂(δC/δρ)/∂ℓ = λ_C (p−1) e^((p−1)ℓ); no state dependence.
///
/// On the grid it is the power part of the cell cost (`GridCellForm.power`): each cell's proximal
/// equation gains τλ_Cρ^(p−1) (MFGGrid `CellCost.proxDensityCongested`).
public struct CongestionCost: LocalCost {
    public let congestion: Congestion

    public init(_ congestion: Congestion) { self.congestion = congestion }

    public var name: String { "congestion" }
    public var weight: Double { congestion.weight }
    public var dependsOnState: Bool { false }
    public var stateGradientsAgree: Bool { true }
    public var dependsOnDensity: Bool { true }
    public var gridForm: GridCellForm? { GridCellForm(linear: nil, entropy: 0, power: congestion.exponent) }

    public func evaluate(_ input: LocalCostInput<Double>, _ output: LocalCostOutput<Double>) { compute(input, output) }
    public func evaluate(_ input: LocalCostInput<Float>, _ output: LocalCostOutput<Float>) { compute(input, output) }

    private func compute<T: Scalar>(_ input: LocalCostInput<T>, _ output: LocalCostOutput<T>) {
        let p = congestion.exponent, q = T(p - 1), invP = T(1 / p)
        for i in 0..<input.count {
            let v = T.exp(q * input.logDensity[i])     // ρ^(p−1)
            output.value[i] = invP * v
            output.derivative[i] = v
            output.valueSlope[i] = q * invP * v
            output.derivativeSlope[i] = q * v
        }
    }
}
