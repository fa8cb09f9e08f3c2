import MFGMath

/// Exact optimal transport (quadratic cost) between two Gaussians.
///
/// **Diagonal covariances** N(m₀, diag σ₀) → N(m₁, diag σ₁): the coordinates decouple, and in one
/// dimension the monotone map between Gaussians is affine, so the optimal map is
///
///     x ↦ m₁ + diag(√(σ₁/σ₀)) (x − m₀),   W₂² = |m₁ − m₀|² + Σᵢ (√σ₀ᵢ − √σ₁ᵢ)².
///
/// **Any covariances** N(m₀, Σ₀) → N(m₁, Σ₁) (Dowson and Landau, J. Multivariate Anal. 12, 1982;
/// Olkin and Pukelsheim, Linear Algebra Appl. 48, 1982): the optimal map is the gradient of a
/// convex quadratic, x ↦ m₁ + A(x − m₀) with the unique symmetric positive definite A such that
/// AΣ₀A = Σ₁,
///
///     A = Σ₀^{-1/2} (Σ₀^{1/2} Σ₁ Σ₀^{1/2})^{1/2} Σ₀^{-1/2},
///     W₂² = |m₁ − m₀|² + tr Σ₀ + tr Σ₁ − 2 tr (Σ₀^{1/2} Σ₁ Σ₀^{1/2})^{1/2}
///
/// (docs/validation.md derives both; the matrix square roots come from `SymmetricEigen`).
/// The dynamic problem α_L ∫₀ᵀ∫ ½|v|²ρ with ρ(·,T) = ρ₁ pinned has cost α_L W₂²/(2T), the limit of
/// `GaussianKLTransport` as λ_G → ∞.
public struct GaussianExactTransport: Sendable, Equatable {
    public let source: Gaussian
    public let target: Gaussian
    /// A of the map when either covariance is full (nil: the diagonal formulas apply).
    public let linearMap: Matrix<Double>?
    /// tr (Σ₀^{1/2} Σ₁ Σ₀^{1/2})^{1/2} when either covariance is full.
    let crossTrace: Double

    public init(from source: Gaussian, to target: Gaussian) {
        precondition(source.dimension == target.dimension, "GaussianExactTransport: dimensions differ")
        self.source = source
        self.target = target
        guard source.full != nil || target.full != nil else {
            linearMap = nil
            crossTrace = 0
            return
        }
        let d = source.dimension
        let s0 = SymmetricEigen(source.covariance)
        let root0 = s0.function { $0.squareRoot() }, invRoot0 = s0.function { 1 / $0.squareRoot() }
        let middle = SymmetricEigen(Self.product(Self.product(root0, target.covariance), root0))
        let middleRoot = middle.function { max($0, 0).squareRoot() }
        crossTrace = middle.values.reduce(0) { $0 + max($1, 0).squareRoot() }
        let a = Self.product(Self.product(invRoot0, middleRoot), invRoot0)
        linearMap = Matrix(rows: d, cols: d) { i, j in 0.5 * (a[i, j] + a[j, i]) }
    }

    static func product(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        Matrix(rows: a.rows, cols: b.cols) { i, j in (0..<a.cols).reduce(0.0) { $0 + a[i, $1] * b[$1, j] } }
    }

    /// W₂², by the diagonal formula or by |m₁ − m₀|² + tr Σ₀ + tr Σ₁ − 2 tr (Σ₀^{1/2}Σ₁Σ₀^{1/2})^{1/2}.
    public var squaredWasserstein: Double {
        var s = squaredDistance(source.mean, target.mean)
        if linearMap != nil {
            return s + source.variance.reduce(0, +) + target.variance.reduce(0, +) - 2 * crossTrace
        }
        for i in 0..<source.dimension {
            let r = source.variance[i].squareRoot() - target.variance[i].squareRoot()
            s += r * r
        }
        return s
    }

    /// The optimal map applied to one point.
    public func map(_ x: [Double]) -> [Double] {
        var y = [Double](repeating: 0, count: source.dimension)
        if let a = linearMap {
            for i in 0..<y.count {
                var s = target.mean[i]
                for j in 0..<y.count { s += a[i, j] * (x[j] - source.mean[j]) }
                y[i] = s
            }
            return y
        }
        for i in 0..<y.count {
            let scale: Double = (target.variance[i] / source.variance[i]).squareRoot()
            y[i] = target.mean[i] + scale * (x[i] - source.mean[i])
        }
        return y
    }

    /// The dynamic cost α_L W₂²/(2T) of moving source to target exactly in time T.
    public func kineticCost(alphaL: Double, T: Double) -> Double { alphaL * squaredWasserstein / (2 * T) }
}
