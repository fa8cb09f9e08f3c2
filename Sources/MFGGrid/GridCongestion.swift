/// The congestion λ_C/p ∫₀ᵀ∫ ρ^p of a grid problem's running cost (1 < p ≤ 10, λ_C ≥ 0).
///
/// It enters the cell cost as γρ^p/p (γ = λ_C, ½λ_C at the last level: the trapezoid weight of
/// the running cost there), so each cell's proximal equation gains the increasing term τγρ^(p−1)
/// (`CellCost.proxDensityCongested`), and the objective the term λ_C/p Σ wₖ Σ_c ω ρ^p
/// (`GridCostBreakdown.congestion`).
public struct GridCongestion: Sendable, Equatable {
    /// λ_C ≥ 0.
    public var weight: Double
    /// p ∈ (1, 10].
    public var exponent: Double

    public init(weight: Double, exponent: Double) { self.weight = weight; self.exponent = exponent }
}
