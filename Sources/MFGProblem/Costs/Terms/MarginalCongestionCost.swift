import Foundation

/// The congestion of a marginal, λ_C/p ∫ρ_S(y)^p dy (p > 1), where ρ_S is the density of the
/// agents' coordinates S (`running_cost.congestion.coordinates`): agents whose state has more
/// coordinates than their position crowd only where their positions meet. Unlike the joint
/// density's congestion (`CongestionCost`, exact from log ρ along each path), ρ_S at a sample is
/// not known from its own path, so the term is estimated from the whole batch by a leave-one-out
/// Gaussian kernel density estimate of bandwidth h on S (m = |S| coordinates):
///
///     ρ̂ᵢ = 1/(n−1) Σⱼ≠ᵢ wⱼ φ_h(x_{i,S} − x_{j,S}),   φ_h(z) = (2πh²)^(−m/2) exp(−|z|²/(2h²)),
///     fᵢ = ρ̂ᵢ^(p−1)/p   (F ≈ λ_C (1/n) Σᵢ wᵢ fᵢ, since ∫ρ_S^p/p = E[ρ_S(X_S)^(p−1)]/p),
///     vᵢ = ρ̂ᵢ^(p−1)     (δF/δρ = λ_C ρ_S^(p−1)(x_S)).
///
/// The estimate's errors: the smoothing, E ρ̂ = φ_h * ρ_S (for a Gaussian marginal of variance
/// s² per coordinate, ∫ρ̂ρ_S falls short of ∫ρ_S² by the factor (2s²/(2s² + h²))^(m/2): −1.6 % at
/// s² = 0.3, h = 0.1, m = 2), and for p ≠ 2 the curvature of ρ ↦ ρ^(p−1) under the estimate's
/// variance, of relative size (p−1)(p−2)/2 · Var ρ̂/ρ² ≈ (p−1)(p−2)/(2n ρ (4πh²)^(m/2)). For p = 2
/// the estimate is a U-statistic, unbiased for ∫(φ_h * ρ_S)ρ_S.
///
/// The pullback of Σᵢ(aᵢfᵢ + bᵢvᵢ) = Σᵢ Cᵢ ρ̂ᵢ^(p−1), Cᵢ = aᵢ/p + bᵢ, is with gᵢ = Cᵢ(p−1)ρ̂ᵢ^(p−2)
///
///     x̄ₖ = (2πh²)^(−m/2)/(n−1) · Σⱼ≠ₖ (gₖwⱼ + wₖgⱼ) ∇K(xₖ − xⱼ),   K(z) = exp(−|z|²/(2h²)),
///
/// the pair gradient of `GaussianPairSums` (one pass for ρ̂, one for the gradient). Where ρ̂ᵢ = 0
/// (no other sample within ≈ 8.5h) gᵢ is set to 0: the term is flat there for p ≥ 2 and, for
/// p < 2, ρ^(p−1) has an infinite slope at 0 that no finite step could follow.
///
/// On the grid it has no form of its own (the grid would need ρ_S, i.e. all coordinates); a
/// block-separable problem hands it to the block that holds S, where it is that block's local
/// congestion, charged exactly (`Congestion.restricted`): so the block reference is the h → 0
/// limit of what this term estimates.
public struct MarginalCongestionCost: NonlocalCost {
    public let congestion: Congestion
    public let marginal: Congestion.Marginal

    /// `congestion.marginal` must be set.
    public init(_ congestion: Congestion) {
        precondition(congestion.marginal != nil, "MarginalCongestionCost: the congestion has no marginal")
        self.congestion = congestion; self.marginal = congestion.marginal!
    }

    public var name: String { "congestion" }
    public var weight: Double { congestion.weight }
    public var coordinates: [Int] { marginal.coordinates }
    public var gridForm: GridInteractionForm? { nil }
    public var gridRefusal: String {
        "the congestion of the marginal of coordinates \(coordinates.map { String($0 + 1) }.joined(separator: ", ")) has no grid "
            + "form; the grid takes it where those coordinates are a block of a block-separable problem, as that block's local congestion"
    }

    /// The pair sums' memory (`GaussianPairSums.scratchBytes`), plus ρ̂ and the seeds in the pullback.
    public func scratchBytes(count n: Int, gradient: Bool) -> Double {
        GaussianPairSums.scratchBytes(count: n, width: coordinates.count, gradient: gradient) + (gradient ? 16 * Double(n) : 0)
    }

    /// (2πh²)^(−m/2)/(n−1): the row sums of the unnormalised kernel times this are ρ̂.
    private func scale(count n: Int) -> Double {
        Foundation.pow(2 * Double.pi * marginal.bandwidth * marginal.bandwidth, -Double(coordinates.count) / 2) / Double(n - 1)
    }

    public func evaluate(_ input: NonlocalCostInput, value: UnsafeMutablePointer<Double>,
                         derivative: UnsafeMutablePointer<Double>, threads: Int) {
        let n = input.count
        guard n >= 2 else {
            value.update(repeating: 0, count: n); derivative.update(repeating: 0, count: n); return
        }
        let sums = GaussianPairSums(input, coordinates: coordinates, bandwidth: marginal.bandwidth).rowSums(threads: threads)
        let s = scale(count: n), p = congestion.exponent
        for i in 0..<n {
            let v = Foundation.pow(max(sums[i] * s, 0), p - 1)
            value[i] = v / p; derivative[i] = v
        }
    }

    public func pullback(_ input: NonlocalCostInput, valueSeed: UnsafePointer<Double>, derivativeSeed: UnsafePointer<Double>,
                         pointsBar: UnsafeMutablePointer<Double>, threads: Int) {
        let n = input.count, d = input.dimension, m = coordinates.count
        guard n >= 2 else { return }
        let pairs = GaussianPairSums(input, coordinates: coordinates, bandwidth: marginal.bandwidth)
        let sums = pairs.rowSums(threads: threads)
        let s = scale(count: n), p = congestion.exponent
        let seeds = (0..<n).map { i -> Double in
            let rho = sums[i] * s
            guard rho > 0 else { return 0 }
            return (valueSeed[i] / p + derivativeSeed[i]) * (p - 1) * Foundation.pow(rho, p - 2)
        }
        let g = pairs.pairGradient(seeds: seeds, threads: threads)
        for k in 0..<n {
            for (a, coordinate) in coordinates.enumerated() { pointsBar[k * d + coordinate] += s * g[k * m + a] }
        }
    }
}
