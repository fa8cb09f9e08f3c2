import MFGMath

/// An orthonormal cosine basis that diagonalises a 1D second-difference matrix, stored densely.
///
/// A cosine transform of length n is an n × n orthogonal matrix; applying it along one axis of
/// a 3D array is a single BLAS gemm on the array viewed as a matrix, which for the grid sizes
/// of the reference solver (n ≤ a few hundred) is as fast as an FFT and needs no library.
///
/// Two bases are needed:
///
/// - `neumann`: the DCT-II, vᵩ(j) = cᵩ cos(πq(j+½)/n), eigenvectors of the Neumann matrix
///   tridiag(−1, 2, −1) with first and last diagonal entries 1 (zero-flux at both ends);
///   eigenvalues (2 − 2cos(πq/n))/h², q = 0…n−1.
/// - `neumannDirichlet`: vᵩ(j) = cᵩ cos(θᵩ(j+½)), θᵩ = π(2q+1)/(2n+1), eigenvectors of
///   tridiag(−1, 2, −1) with first diagonal entry 1 and last 2 (reflecting ghost before the
///   first node, zero ghost after the last); eigenvalues (2 − 2cos θᵩ)/h². This is the time
///   part D_t D_tᵀ of the space-time operator (see `SpaceTimePoisson`).
///
/// The rows are normalised numerically, so the stored matrix is orthogonal to rounding.
public struct CosineBasis: Sendable {
    public enum Kind: Sendable { case neumann, neumannDirichlet }
    public let n: Int
    /// Row q = basis vector q, column-major n × n: entry (q, j) at q + n·j. Forward transform
    /// x̂ = V x, inverse x = Vᵀ x̂.
    public let matrix: [Double]
    /// Eigenvalues of the (positive semi-definite) second-difference matrix divided by h².
    public let eigenvalues: [Double]

    public init(kind: Kind, n: Int, spacing h: Double) {
        self.n = n
        var v = [Double](repeating: 0, count: n * n)
        var eig = [Double](repeating: 0, count: n)
        for q in 0..<n {
            let theta: Double
            switch kind {
            case .neumann: theta = Double.pi * Double(q) / Double(n)
            case .neumannDirichlet: theta = Double.pi * Double(2 * q + 1) / Double(2 * n + 1)
            }
            var norm = 0.0
            for j in 0..<n {
                let c = Double.cos(theta * (Double(j) + 0.5))
                v[q + n * j] = c
                norm += c * c
            }
            let s = 1 / norm.squareRoot()
            for j in 0..<n { v[q + n * j] *= s }
            eig[q] = (2 - 2 * Double.cos(theta)) / (h * h)
        }
        matrix = v
        eigenvalues = eig
    }
}

/// Applying cosine bases along the axes of an nx × ny × nt array (x fastest).
enum AxisTransform {
    /// out ← op(V) applied along axis 0 (length n0, the rest of the array is `rest` columns).
    static func alongFirst(_ v: CosineBasis, inverse: Bool, _ x: UnsafePointer<Double>,
                           _ out: UnsafeMutablePointer<Double>, rest: Int) {
        let n = v.n
        v.matrix.withUnsafeBufferPointer { pv in
            Double.blasGemm(inverse ? .transposed : .none, .none, n, rest, n, 1,
                            pv.baseAddress!, n, x, n, 0, out, n)
        }
    }

    /// out ← transform along the middle axis of an (inner × n × outer) array.
    static func alongMiddle(_ v: CosineBasis, inverse: Bool, _ x: UnsafePointer<Double>,
                            _ out: UnsafeMutablePointer<Double>, inner: Int, outer: Int) {
        let n = v.n
        v.matrix.withUnsafeBufferPointer { pv in
            for k in 0..<outer {
                let off = k * inner * n
                // Slab S (inner × n): Ŝ = S·Vᵀ forward, S·V inverse.
                Double.blasGemm(.none, inverse ? .none : .transposed, inner, n, n, 1,
                                x + off, inner, pv.baseAddress!, n, 0, out + off, inner)
            }
        }
    }

    /// out ← transform along the last axis of an (inner × n) array.
    static func alongLast(_ v: CosineBasis, inverse: Bool, _ x: UnsafePointer<Double>,
                          _ out: UnsafeMutablePointer<Double>, inner: Int) {
        let n = v.n
        v.matrix.withUnsafeBufferPointer { pv in
            Double.blasGemm(.none, inverse ? .none : .transposed, inner, n, n, 1,
                            x, inner, pv.baseAddress!, n, 0, out, inner)
        }
    }
}
