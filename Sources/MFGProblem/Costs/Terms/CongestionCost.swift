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
    /// nil: the congestion of the joint density ρ, charged exactly from log ρ along the paths
    /// (`CongestionCost`). Otherwise the congestion of the marginal ρ_S of the coordinates S,
    /// λ_C/p ∫ρ_S^p dx_S, estimated from the batch by a Gaussian kernel density estimate
    /// (`MarginalCongestionCost`).
    public let marginal: Marginal?

    /// The coordinates whose marginal crowds, and the kernel estimate's bandwidth.
    public struct Marginal: Sendable, Equatable {
        /// The most coordinates a marginal may have: a kernel estimate in m coordinates needs about
        /// n·h^m ≫ 1 samples in the kernel, which a batch of a few thousand gives for m ≤ 3 only.
        public static let largestCount = 3
        /// S, 0-based, increasing.
        public let coordinates: [Int]
        /// h > 0, the kernel's standard deviation per coordinate.
        public let bandwidth: Double
        public init(coordinates: [Int], bandwidth: Double) { self.coordinates = coordinates.sorted(); self.bandwidth = bandwidth }
    }

    public init(weight: Double, exponent: Double, marginal: Marginal? = nil) {
        self.weight = weight; self.exponent = exponent; self.marginal = marginal
    }

    /// The same congestion for the sub-problem on `block` (0-based, increasing), re-indexed; nil
    /// when it does not belong to the block. The joint density's congestion belongs only to the
    /// whole problem (for a product density ∫ρ^p is a product of the factors' integrals). A
    /// marginal one belongs to the block that holds S (for a product density ρ_S is the block's
    /// own marginal), and when S is the whole block it is the block's local congestion, charged
    /// exactly: the kernel estimate's h → 0 limit.
    public func restricted(to block: [Int], dimension: Int) -> Congestion? {
        guard let marginal else { return block.count == dimension ? self : nil }
        let local = marginal.coordinates.compactMap { block.firstIndex(of: $0) }
        guard local.count == marginal.coordinates.count else { return nil }
        if local.count == block.count { return Congestion(weight: weight, exponent: exponent) }
        return Congestion(weight: weight, exponent: exponent, marginal: Marginal(coordinates: local, bandwidth: marginal.bandwidth))
    }
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
