import MFGMath

/// A Gaussian N(μ, Σ) in ℝᵈ, with a diagonal covariance (the common, fast case) or a full one.
///
/// Diagonal, Σ = diag(σ):
///
///     log N(x) = −½ Σᵢ (xᵢ − μᵢ)²/σᵢ − ½ Σᵢ log(2π σᵢ),   ∇ log N = −(x − μ)/σ.
///
/// Full, Σ = LLᵀ (Cholesky): with r = x − μ and y = L⁻¹r (forward substitution, d²/2 multiply–adds),
///
///     log N(x) = −½|y|² − ½ d log 2π − Σᵢ log Lᵢᵢ,   ∇ log N = −Σ⁻¹r = −L⁻ᵀy,
///
/// the score costing one more triangular solve; a sample is μ + Lξ with ξ ~ N(0, I).
/// In both cases the x-independent part is precomputed in `logNormalizer`.
public struct Gaussian: Sendable, Equatable {
    /// Mean μ (d entries).
    public let mean: [Double]
    /// The diagonal of the covariance: each coordinate's variance σᵢ = Σᵢᵢ > 0 (its marginal
    /// variance). For a diagonal Gaussian this is the whole covariance.
    public let variance: [Double]
    /// The logarithm of the normalising constant: −½ Σᵢ log(2π σᵢ), or −½ d log 2π − ½ log det Σ.
    public let logNormalizer: Double
    /// The covariance when it is not diagonal (nil for N(μ, diag σ)), with its Cholesky factor.
    public let full: FullCovariance?

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
        self.full = nil
    }

    /// An isotropic Gaussian N(mean, variance·I).
    public init(mean: [Double], isotropicVariance variance: Double) {
        self.init(mean: mean, variance: [Double](repeating: variance, count: mean.count))
    }

    /// N(μ, Σ) for a symmetric positive definite d × d `covariance`; a covariance whose
    /// off-diagonal entries are all zero gives the diagonal Gaussian (same numbers, same speed).
    ///
    /// - Throws: `CovarianceError` when Σ has the wrong size, is not finite, not symmetric (to
    ///   1e-12 of its largest entry; it is then symmetrised exactly), not positive definite
    ///   (with its smallest eigenvalue) or numerically singular.
    public init(mean: [Double], covariance: Matrix<Double>) throws(CovarianceError) {
        let d = mean.count
        precondition(d >= 1, "Gaussian: the mean must have at least one entry")
        guard covariance.rows == d && covariance.cols == d else {
            throw .wrongSize(rows: covariance.rows, cols: covariance.cols, dimension: d)
        }
        let sigma = try FullCovariance.checkedSymmetric(covariance)
        var diagonal = true
        for j in 0..<d where diagonal { for i in 0..<d where i != j && sigma[i, j] != 0 { diagonal = false; break } }
        if diagonal {
            let v = (0..<d).map { sigma[$0, $0] }
            if let low = v.min(), !(low > 0) { throw .notPositiveDefinite(smallestEigenvalue: low) }
            self.init(mean: mean, variance: v)
            return
        }
        let full = try FullCovariance(sigma)
        self.init(mean: mean, variance: (0..<d).map { sigma[$0, $0] },
                  logNormalizer: -0.5 * Double(d) * Double.log(2 * Double.pi) - 0.5 * full.factor.logDeterminant,
                  full: full)
    }

    private init(mean: [Double], variance: [Double], logNormalizer: Double, full: FullCovariance) {
        self.mean = mean
        self.variance = variance
        self.logNormalizer = logNormalizer
        self.full = full
    }

    /// A Gaussian with a covariance known to be valid: a principal submatrix of a valid one, or
    /// a block-diagonal assembly of valid ones (symmetric positive definite by construction).
    init(mean: [Double], validCovariance sigma: Matrix<Double>) {
        do {
            try self.init(mean: mean, covariance: sigma)
        } catch {
            preconditionFailure("Gaussian: a covariance built from valid ones was refused: \(error)")
        }
    }

    /// The dimension d.
    public var dimension: Int { mean.count }

    /// Whether the covariance is σ·I.
    public var isIsotropic: Bool { full == nil && variance.allSatisfy { $0 == variance[0] } }

    /// Σ as a d × d matrix (diag(σ) for a diagonal Gaussian).
    public var covariance: Matrix<Double> {
        if let full { return full.matrix }
        return Matrix(rows: dimension, cols: dimension) { i, j in i == j ? variance[i] : 0 }
    }

    /// log N(x) for column j of `x` (d × n), accumulated in Double. For a full covariance
    /// `scratch` (d values) receives y = L⁻¹(x − μ), from which `score(fromWhitened:)` finishes
    /// the gradient; a diagonal Gaussian does not touch it.
    @inline(__always)
    func logDensity<T: Scalar>(at x: UnsafeBufferPointer<T>, column j: Int,
                               scratch: UnsafeMutableBufferPointer<Double>) -> Double {
        let d = mean.count
        let base = j * d
        if let full {
            for i in 0..<d { scratch[i] = Double(x[base + i]) - mean[i] }
            full.factor.solveLower(scratch)
            var q = 0.0
            for i in 0..<d { q += scratch[i] * scratch[i] }
            return logNormalizer - 0.5 * q
        }
        var q = 0.0
        for i in 0..<d {
            let r = Double(x[base + i]) - mean[i]
            q += r * r / variance[i]
        }
        return logNormalizer - 0.5 * q
    }

    /// Writes μ + √σ ⊙ ξ (diagonal) or μ + Lξ (full) into `out` (d values).
    @inline(__always)
    func transform(_ xi: UnsafeMutableBufferPointer<Double>, into out: UnsafeMutableBufferPointer<Double>) {
        let d = mean.count
        if let full {
            full.factor.multiplyLower(UnsafeBufferPointer(xi), into: out)
            for i in 0..<d { out[i] += mean[i] }
        } else {
            for i in 0..<d { out[i] = mean[i] + variance[i].squareRoot() * xi[i] }
        }
    }
}

/// A full (non-diagonal) covariance Σ with its Cholesky factor.
public struct FullCovariance: Sendable, Equatable {
    /// Σ, symmetric d × d.
    public let matrix: Matrix<Double>
    /// Σ = LLᵀ.
    public let factor: Cholesky

    /// Σ's eigenvalues below this fraction of the largest count as singular.
    public static let conditionLimit = 1e-12

    /// Factors the symmetric `sigma`, or throws with its smallest eigenvalue when it is not
    /// positive definite (the eigenvalues are computed only then, or when the factor's pivots
    /// suggest near-singularity: a pivot Lᵢᵢ² is at least the smallest eigenvalue).
    init(_ sigma: Matrix<Double>) throws(CovarianceError) {
        let d = sigma.rows
        let chol = Cholesky(symmetric: sigma.storage, dimension: d)
        var suspicious = chol == nil
        if let chol {
            let largest = (0..<d).map { sigma[$0, $0] }.max()!
            let smallestPivot = (0..<d).map { chol.lower[$0 * d + $0] * chol.lower[$0 * d + $0] }.min()!
            suspicious = smallestPivot <= Self.conditionLimit * largest
        }
        if suspicious {
            let values = SymmetricEigen(sigma).values
            let low = values.first!, high = values.last!
            if !(low > 0) || chol == nil { throw .notPositiveDefinite(smallestEigenvalue: low) }
            if low <= Self.conditionLimit * high { throw .singular(smallestEigenvalue: low, largestEigenvalue: high) }
        }
        matrix = sigma
        factor = chol!
    }

    /// ½(Σ + Σᵀ) after checking that Σ is finite and symmetric to 1e-12 of its largest entry.
    static func checkedSymmetric(_ a: Matrix<Double>) throws(CovarianceError) -> Matrix<Double> {
        let d = a.rows
        var largest = 0.0
        for j in 0..<d {
            for i in 0..<d {
                guard a[i, j].isFinite else { throw .notFinite(row: i, column: j) }
                largest = max(largest, abs(a[i, j]))
            }
        }
        for j in 0..<d {
            for i in (j + 1)..<max(j + 1, d) where abs(a[i, j] - a[j, i]) > 1e-12 * largest {
                throw .notSymmetric(row: j, column: i, upper: a[j, i], lower: a[i, j])
            }
        }
        return Matrix(rows: d, cols: d) { i, j in i == j ? a[i, i] : 0.5 * (a[i, j] + a[j, i]) }
    }
}

/// Why a matrix is not a usable covariance. Indices are 0-based here; `message` prints them
/// 1-based, as problem files count.
public enum CovarianceError: Error, Equatable, Sendable, CustomStringConvertible {
    case wrongSize(rows: Int, cols: Int, dimension: Int)
    case notFinite(row: Int, column: Int)
    case notSymmetric(row: Int, column: Int, upper: Double, lower: Double)
    case notPositiveDefinite(smallestEigenvalue: Double)
    case singular(smallestEigenvalue: Double, largestEigenvalue: Double)

    public var description: String {
        func f(_ v: Double) -> String { String(format: "%.6g", v) }
        switch self {
        case let .wrongSize(r, c, d):
            return "is \(r) × \(c) but dimension is \(d) (allowed: \(d) × \(d))"
        case let .notFinite(r, c):
            return "entry (\(r + 1), \(c + 1)) is not a finite number"
        case let .notSymmetric(r, c, u, l):
            return "is not symmetric: entry (\(r + 1), \(c + 1)) is \(f(u)) but entry (\(c + 1), \(r + 1)) is \(f(l))"
        case let .notPositiveDefinite(low):
            return "is not positive definite: its smallest eigenvalue is \(f(low)) (allowed: all eigenvalues > 0)"
        case let .singular(low, high):
            return "is numerically singular: its eigenvalues range from \(f(low)) to \(f(high)) "
                + "(allowed: smallest/largest > \(f(FullCovariance.conditionLimit)))"
        }
    }
}
