/// Exact optimal transport (quadratic cost) between Gaussians with diagonal covariances.
///
/// For N(m₀, diag σ₀) and N(m₁, diag σ₁) the coordinates decouple, and in one dimension the
/// monotone map between Gaussians is affine, so the optimal map is
///
///     x ↦ m₁ + diag(√(σ₁/σ₀)) (x − m₀),
///
/// and the squared Wasserstein-2 distance is W₂² = |m₁ − m₀|² + Σᵢ (√σ₀ᵢ − √σ₁ᵢ)².
/// The dynamic problem α_L ∫₀ᵀ∫ ½|v|²ρ with ρ(·,T) = ρ₁ pinned has cost α_L W₂²/(2T), the limit of
/// `GaussianKLTransport` as λ_G → ∞.
public struct GaussianExactTransport: Sendable, Equatable {
    public let source: Gaussian
    public let target: Gaussian

    public init(from source: Gaussian, to target: Gaussian) {
        precondition(source.dimension == target.dimension, "GaussianExactTransport: dimensions differ")
        self.source = source
        self.target = target
    }

    /// W₂² = |m₁ − m₀|² + Σᵢ (√σ₀ᵢ − √σ₁ᵢ)².
    public var squaredWasserstein: Double {
        var s = squaredDistance(source.mean, target.mean)
        for i in 0..<source.dimension {
            let r = source.variance[i].squareRoot() - target.variance[i].squareRoot()
            s += r * r
        }
        return s
    }

    /// The optimal map applied to one point.
    public func map(_ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: source.dimension)
        for i in 0..<y.count {
            let scale: Double = (target.variance[i] / source.variance[i]).squareRoot()
            y[i] = target.mean[i] + scale * (x[i] - source.mean[i])
        }
        return y
    }

    /// The dynamic cost α_L W₂²/(2T) of moving source to target exactly in time T.
    public func kineticCost(alphaL: Double, T: Double) -> Double { alphaL * squaredWasserstein / (2 * T) }
}
