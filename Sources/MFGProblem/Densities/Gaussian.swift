import MFGMath

/// A Gaussian N(mean, diag(variance)) in ℝᵈ with a diagonal covariance.
///
/// The log-density is
///
///     log N(x) = −½ Σᵢ (xᵢ − μᵢ)²/σᵢ − ½ Σᵢ log(2π σᵢ),
///
/// whose x-independent part is precomputed in `logNormalizer`; its gradient is −(x − μ)/σ.
public struct Gaussian: Sendable, Equatable {
    /// Mean μ (d entries).
    public let mean: [Double]
    /// Diagonal of the covariance, σᵢ > 0 (d entries).
    public let variance: [Double]
    /// −½ Σᵢ log(2π σᵢ), the logarithm of the normalising constant.
    public let logNormalizer: Double

    /// A Gaussian with the given mean and diagonal covariance.
    ///
    /// - Precondition: `mean` and `variance` have the same non-zero length and every variance
    ///   is finite and positive. Problem files are validated (with readable errors) before
    ///   they reach this initialiser.
    public init(mean: [Double], variance: [Double]) {
        precondition(!mean.isEmpty && mean.count == variance.count,
                     "Gaussian: mean and variance must have the same non-zero length")
        precondition(variance.allSatisfy { $0 > 0 && $0.isFinite }, "Gaussian: variances must be positive")
        self.mean = mean
        self.variance = variance
        self.logNormalizer = -0.5 * variance.reduce(0) { $0 + Double.log(2 * Double.pi * $1) }
    }

    /// An isotropic Gaussian N(mean, variance·I).
    public init(mean: [Double], isotropicVariance variance: Double) {
        self.init(mean: mean, variance: [Double](repeating: variance, count: mean.count))
    }

    /// The dimension d.
    public var dimension: Int { mean.count }

    /// Whether all variances are equal (σ·I).
    public var isIsotropic: Bool { variance.allSatisfy { $0 == variance[0] } }

    /// log N(x) for one point, accumulated in Double.
    @inline(__always)
    func logDensity<T: Scalar>(at x: UnsafeBufferPointer<T>, column j: Int) -> Double {
        let d = mean.count
        var q = 0.0
        let base = j * d
        for i in 0..<d {
            let r = Double(x[base + i]) - mean[i]
            q += r * r / variance[i]
        }
        return logNormalizer - 0.5 * q
    }
}
