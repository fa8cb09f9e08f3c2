import Foundation
import MFGMath

/// The extension point for running costs that couple the samples: a term F(ρ) whose integrand at
/// one agent depends on where all the others are, e.g. the pairwise interaction
/// F = (λ/2)∫∫K(x − y)ρ(x)ρ(y) dx dy (`InteractionCost`). `LocalCost` cannot hold such a term: it is
/// evaluated per block of samples, and its adjoint is per sample.
///
/// The neural objective estimates such a term at every quadrature node of the time integration
/// from ALL the samples of the batch at once (not block by block): the paths do not depend on F,
/// so they are integrated first, then at each node the term gives, per sample i,
///
///     fᵢ   with F ≈ λ (1/n) Σᵢ wᵢ fᵢ      (wᵢ: 1, or the importance weights)
///     vᵢ   with δF/δρ(xᵢ) ≈ λ vᵢ          (the HJB residual's part)
///
/// and, for the discrete adjoint, the pullback x̄ₖ = ∂/∂xₖ Σᵢ (aᵢfᵢ + bᵢvᵢ) for given seeds a, b
/// (the objective's seeds: aᵢ = λwᵢ/n from the cost, bᵢ = −β_HJB λ wᵢ sᵢ/n from the HJB penalty,
/// sᵢ the sign of sample i's residual). Because vᵢ depends on every xⱼ, x̄ₖ holds *cross* terms —
/// the residuals of the other samples seen through xₖ — which is why the pullback takes seeds
/// for all samples at once. Everything is in Double, and must be deterministic and independent
/// of `threads` (a fixed summation order per output).
///
/// To add such a term: one struct conforming to `NonlocalCost`, one line in
/// `Problem.nonlocalRunningCosts`, its problem-file field, and its grid form (`gridForm`: today a
/// Gaussian convolution kernel, `GridInteractionForm`) or nil (then the grid refuses it).
/// docs/extending.md, "Nonlocal terms".
public protocol NonlocalCost: Sendable {
    /// The name the term is reported under (`interaction`).
    var name: String { get }
    /// λ (any sign the term allows); the solver applies it, the term never does.
    var weight: Double { get }
    /// The 0-based coordinates the term depends on (it couples these coordinates of the agents).
    var coordinates: [Int] { get }
    /// fᵢ and vᵢ (see above) at the n points of `input`.
    func evaluate(_ input: NonlocalCostInput, value: UnsafeMutablePointer<Double>,
                  derivative: UnsafeMutablePointer<Double>, threads: Int)
    /// Adds ∂/∂xₖ Σᵢ(aᵢfᵢ + bᵢvᵢ) to `pointsBar` (d × n) for the seeds a (`valueSeed`) and b
    /// (`derivativeSeed`), n values each.
    func pullback(_ input: NonlocalCostInput, valueSeed: UnsafePointer<Double>, derivativeSeed: UnsafePointer<Double>,
                  pointsBar: UnsafeMutablePointer<Double>, threads: Int)
    /// How the grid solver charges it (nil: it cannot).
    var gridForm: GridInteractionForm? { get }
    /// Why the grid refuses it when `gridForm` is nil (default: "it has no grid form").
    var gridRefusal: String { get }
    /// The largest working memory, in bytes, that one `evaluate` (or, with `gradient`, one
    /// `pullback`) call on n samples allocates beyond its inputs and outputs: the memory estimate
    /// checked before a solve counts it (`SolverMemory`).
    func scratchBytes(count n: Int, gradient: Bool) -> Double
}

extension NonlocalCost {
    public var gridRefusal: String { "it has no grid form" }
}

/// The samples of one time node, all of them.
public struct NonlocalCostInput {
    /// x, d × n column-major.
    public let points: UnsafePointer<Double>
    /// wᵢ (n values), or nil for wᵢ = 1.
    public let weights: UnsafePointer<Double>?
    /// d.
    public let dimension: Int
    /// n.
    public let count: Int

    public init(points: UnsafePointer<Double>, weights: UnsafePointer<Double>?, dimension: Int, count: Int) {
        self.points = points; self.weights = weights; self.dimension = dimension; self.count = count
    }
}

/// The grid form of a pairwise Gaussian interaction (λ/2)∫∫K(x − y)ρρ,
/// K(z) = exp(−Σ_{i∈S}zᵢ²/(2h²)) on the axes S of the grid (`axes`, 0-based, ⊆ {0, 1}).
public struct GridInteractionForm: Sendable, Equatable {
    public let width: Double
    public let axes: [Int]
    public init(width: Double, axes: [Int]) { self.width = width; self.axes = axes }
}

/// The pairwise interaction of a problem file (`running_cost.interaction`):
/// F(ρ) = (λ/2)∫∫K(x − y)ρ(x)ρ(y) dx dy with the Gaussian kernel K(z) = exp(−|z_S|²/(2h²))
/// on the coordinates S (all by default). K is *not* normalised to unit mass: K(0) = 1, so λ is
/// the cost of two agents at the same place, and F ≤ λ/2. K is positive definite (its Fourier
/// transform is a positive Gaussian on S), so F is convex in ρ for λ > 0 (repulsion: the crowd
/// spreads); λ < 0 (attraction) makes F concave.
public struct Interaction: Sendable, Equatable {
    /// λ, finite, ≠ 0 in files.
    public let weight: Double
    /// h > 0.
    public let width: Double
    /// S, 0-based, increasing.
    public let coordinates: [Int]

    public init(weight: Double, width: Double, coordinates: [Int]) {
        self.weight = weight; self.width = width; self.coordinates = coordinates.sorted()
    }

    /// The same interaction for a sub-problem on `block` (0-based, increasing), re-indexed; nil
    /// when S does not lie in the block. With a product density ρ = ρ_S ρ_rest, ∫∫K(x_S − y_S)ρρ =
    /// ∫∫K ρ_Sρ_S (the rest integrates to 1), so the term belongs to the block that holds S alone.
    func restricted(to block: [Int]) -> Interaction? {
        let local = coordinates.compactMap { block.firstIndex(of: $0) }
        guard local.count == coordinates.count else { return nil }
        return Interaction(weight: weight, width: width, coordinates: local)
    }
}

/// (λ/2)∫∫K(x − y)ρρ estimated from n weighted samples by the U-statistic (no i = j pairs, so
/// unbiased for any n ≥ 2: E[wᵢwⱼK(xᵢ − xⱼ)] = ∫∫Kρρ for independent xᵢ, xⱼ):
///
///     F̂ = (λ/2) · 1/(n(n−1)) Σᵢ Σⱼ≠ᵢ wᵢwⱼ Kᵢⱼ = λ (1/n) Σᵢ wᵢ fᵢ,   fᵢ = ½Vᵢ,
///     Vᵢ = 1/(n−1) Σⱼ≠ᵢ wⱼ Kᵢⱼ ≈ (K * ρ)(xᵢ),   vᵢ = Vᵢ   (δF/δρ = λ K * ρ),
///
/// Kᵢⱼ = K(xᵢ − xⱼ). The pullback of Σᵢ cᵢVᵢ (cᵢ = aᵢ/2 + bᵢ) is
///
///     x̄ₖ = 1/(n−1) Σⱼ≠ₖ (cₖwⱼ + wₖcⱼ) ∇K(xₖ − xⱼ),   ∇K(z) = −(z_S/h²) K(z),
///
/// the cₖwⱼ part from xₖ in its own Vₖ, the wₖcⱼ part (the cross terms) from xₖ in the others' Vⱼ.
/// Both are the pair sums of `GaussianPairSums` (every pair once, O(n²|S|) per call, in a fixed
/// order whatever `threads`).
public struct InteractionCost: NonlocalCost {
    public let interaction: Interaction

    public init(_ interaction: Interaction) { self.interaction = interaction }

    public var name: String { "interaction" }
    public var weight: Double { interaction.weight }
    public var coordinates: [Int] { interaction.coordinates }
    public var gridForm: GridInteractionForm? { GridInteractionForm(width: interaction.width, axes: interaction.coordinates) }

    /// The pair sums' memory (`GaussianPairSums.scratchBytes`).
    public func scratchBytes(count n: Int, gradient: Bool) -> Double {
        GaussianPairSums.scratchBytes(count: n, width: coordinates.count, gradient: gradient)
    }

    public func evaluate(_ input: NonlocalCostInput, value: UnsafeMutablePointer<Double>,
                         derivative: UnsafeMutablePointer<Double>, threads: Int) {
        let n = input.count
        guard n >= 2 else {
            value.update(repeating: 0, count: n); derivative.update(repeating: 0, count: n); return
        }
        let sums = GaussianPairSums(input, coordinates: coordinates, bandwidth: interaction.width).rowSums(threads: threads)
        let scale = 1 / Double(n - 1)
        for i in 0..<n {
            let v = sums[i] * scale
            value[i] = 0.5 * v; derivative[i] = v
        }
    }

    public func pullback(_ input: NonlocalCostInput, valueSeed: UnsafePointer<Double>, derivativeSeed: UnsafePointer<Double>,
                         pointsBar: UnsafeMutablePointer<Double>, threads: Int) {
        let n = input.count, d = input.dimension, s = coordinates, m = s.count
        guard n >= 2 else { return }
        let seeds = (0..<n).map { 0.5 * valueSeed[$0] + derivativeSeed[$0] }     // cᵢ = aᵢ/2 + bᵢ
        let g = GaussianPairSums(input, coordinates: s, bandwidth: interaction.width).pairGradient(seeds: seeds, threads: threads)
        let scale = 1 / Double(n - 1)
        for k in 0..<n {
            for (a, coordinate) in s.enumerated() { pointsBar[k * d + coordinate] += scale * g[k * m + a] }
        }
    }
}

/// A value carried into concurrent workers whose safety the caller guarantees (disjoint writes).
struct SendableBox<V>: @unchecked Sendable {
    let value: V
    init(_ value: V) { self.value = value }
}

extension Problem {
    /// The running terms that couple the samples (`NonlocalCost`), in the order F sums them after
    /// the local ones (`runningCosts`): the congestion of a marginal, then the pairwise interaction.
    /// Terms of weight 0 are left out.
    public var nonlocalRunningCosts: [any NonlocalCost] {
        var terms: [any NonlocalCost] = []
        if let c = congestion, c.weight != 0, c.marginal != nil { terms.append(MarginalCongestionCost(c)) }
        if let i = interaction, i.weight != 0 { terms.append(InteractionCost(i)) }
        return terms
    }
}
