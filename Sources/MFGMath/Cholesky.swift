/// The Cholesky factor A = LLᵀ of a symmetric positive definite matrix, with the triangular
/// solves that evaluate Gaussian log-densities and scores.
///
/// For a Gaussian N(μ, Σ = LLᵀ) and r = x − μ: y = L⁻¹r gives the quadratic form
/// rᵀΣ⁻¹r = |y|² (d²/2 multiply–adds), and L⁻ᵀy = Σ⁻¹r the score −Σ⁻¹r (another d²/2);
/// log det Σ = 2 Σᵢ log Lᵢᵢ; and μ + Lξ with ξ ~ N(0, I) is a sample.
public struct Cholesky: Sendable, Equatable {
    public let dimension: Int
    /// L row by row: entry (i, j), j ≤ i, at `i·d + j`; zeros above the diagonal.
    public let lower: [Double]

    /// The factor of the d × d symmetric matrix `a` (row- or column-major: it is symmetric; only
    /// the lower triangle is read), or nil when a pivot is not positive (A is not positive
    /// definite, to rounding).
    public init?(symmetric a: [Double], dimension d: Int) {
        precondition(a.count == d * d, "Cholesky: expected \(d)×\(d) values")
        var l = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0...i {
                var s = a[i * d + j]
                for k in 0..<j { s -= l[i * d + k] * l[j * d + k] }
                if i == j {
                    guard s > 0, s.isFinite else { return nil }
                    l[i * d + i] = s.squareRoot()
                } else {
                    l[i * d + j] = s / l[j * d + j]
                }
            }
        }
        dimension = d
        lower = l
    }

    /// log det A = 2 Σᵢ log Lᵢᵢ.
    public var logDeterminant: Double {
        var s = 0.0
        for i in 0..<dimension { s += Double.log(lower[i * dimension + i]) }
        return 2 * s
    }

    /// Solves L y = r in place (forward substitution).
    @inline(__always)
    public func solveLower(_ r: UnsafeMutableBufferPointer<Double>) {
        let d = dimension
        lower.withUnsafeBufferPointer { l in
            for i in 0..<d {
                var s = r[i]
                let row = i * d
                for k in 0..<i { s -= l[row + k] * r[k] }
                r[i] = s / l[row + i]
            }
        }
    }

    /// Solves Lᵀ z = y in place (back substitution, reading L by rows).
    @inline(__always)
    public func solveUpper(_ y: UnsafeMutableBufferPointer<Double>) {
        let d = dimension
        lower.withUnsafeBufferPointer { l in
            var i = d - 1
            while i >= 0 {
                let row = i * d
                let zi = y[i] / l[row + i]
                y[i] = zi
                for k in 0..<i { y[k] -= l[row + k] * zi }
                i -= 1
            }
        }
    }

    /// out = L ξ (lower-triangular product).
    @inline(__always)
    public func multiplyLower(_ xi: UnsafeBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        let d = dimension
        lower.withUnsafeBufferPointer { l in
            for i in 0..<d {
                var s = 0.0
                let row = i * d
                for k in 0...i { s += l[row + k] * xi[k] }
                out[i] = s
            }
        }
    }
}
