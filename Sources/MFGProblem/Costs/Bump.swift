import MFGMath

/// A scaled Gaussian bump acting on some coordinates: Q(x) = amplitude · N(x_C; center, diag(variance)).
///
/// `coordinates` C are 0-based here (1-based in problem files). The other coordinates do not
/// enter Q, so its gradient is zero there. With y = x_C − center,
///
///     Q(x) = amplitude · exp(−½ Σⱼ yⱼ²/σⱼ) / √((2π)^|C| Πⱼ σⱼ),   ∂Q/∂x_{Cⱼ} = −Q(x) yⱼ/σⱼ.
///
/// The paper's crowd-motion obstacle is Bump(amplitude: 50, coordinates: [0, 1], center: [0, 0],
/// variance: [1, 0.5]) in any dimension d ≥ 2.
public struct Bump: Sendable, Equatable {
    /// Scale factor; may be negative (a well rather than a bump) in a preference.
    public let amplitude: Double
    /// The coordinates the bump depends on (0-based, distinct, each below `dimension`).
    public let coordinates: [Int]
    /// Centre in the chosen coordinates (one entry per coordinate).
    public let center: [Double]
    /// Diagonal variance in the chosen coordinates (positive, one entry per coordinate).
    public let variance: [Double]
    /// The ambient dimension d of the points it is evaluated at.
    public let dimension: Int
    /// log of the Gaussian normalising constant, −½ Σⱼ log(2πσⱼ).
    public let logNormalizer: Double

    /// - Precondition: coordinates are distinct and in 0..<dimension; center and variance have one
    ///   entry per coordinate; variances are positive.
    public init(amplitude: Double, coordinates: [Int], center: [Double], variance: [Double], dimension: Int) {
        precondition(!coordinates.isEmpty && center.count == coordinates.count && variance.count == coordinates.count,
                     "Bump: coordinates, center and variance must have the same non-zero length")
        precondition(coordinates.allSatisfy { $0 >= 0 && $0 < dimension } && Set(coordinates).count == coordinates.count,
                     "Bump: coordinates must be distinct and below the dimension")
        precondition(variance.allSatisfy { $0 > 0 && $0.isFinite }, "Bump: variances must be positive")
        self.amplitude = amplitude
        self.coordinates = coordinates
        self.center = center
        self.variance = variance
        self.dimension = dimension
        self.logNormalizer = -0.5 * variance.reduce(0) { $0 + Double.log(2 * Double.pi * $1) }
    }

    /// Q at column j of `x` (d × n), in Double.
    @inline(__always)
    func evaluate<T: Scalar>(_ x: UnsafeBufferPointer<T>, column j: Int) -> Double {
        var q = 0.0
        for (c, i) in coordinates.enumerated() {
            let y = Double(x[i + j * dimension]) - center[c]
            q += y * y / variance[c]
        }
        return amplitude * Double.exp(logNormalizer - 0.5 * q)
    }

    /// Q at n points `x` (d × n) into `out` (n values).
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func value<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int, into out: UnsafeMutableBufferPointer<T>) {
        precondition(x.count >= dimension * n && out.count >= n, "Bump.value: buffers too small")
        for j in 0..<n { out[j] = T(evaluate(x, column: j)) }
    }

    /// Q and ∇Q at n points; `gradient` is d × n (zero outside the bump's coordinates).
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func valueAndGradient<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int,
                                            value: UnsafeMutableBufferPointer<T>,
                                            gradient: UnsafeMutableBufferPointer<T>) {
        let d = dimension
        precondition(x.count >= d * n && value.count >= n && gradient.count >= d * n,
                     "Bump.valueAndGradient: buffers too small")
        for j in 0..<n {
            let q = evaluate(x, column: j)
            value[j] = T(q)
            for i in 0..<d { gradient[i + j * d] = 0 }
            for (c, i) in coordinates.enumerated() {
                let y = Double(x[i + j * d]) - center[c]
                gradient[i + j * d] = T(-q * y / variance[c])
            }
        }
    }

    /// The Laplacian ΔQ = Q · Σⱼ (yⱼ²/σⱼ² − 1/σⱼ) at n points (useful for the grid solver and checks).
    public func laplacian<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int, into out: UnsafeMutableBufferPointer<T>) {
        precondition(x.count >= dimension * n && out.count >= n, "Bump.laplacian: buffers too small")
        for j in 0..<n {
            let q = evaluate(x, column: j)
            var s = 0.0
            for (c, i) in coordinates.enumerated() {
                let y = Double(x[i + j * dimension]) - center[c]
                s += y * y / (variance[c] * variance[c]) - 1 / variance[c]
            }
            out[j] = T(q * s)
        }
    }
}
