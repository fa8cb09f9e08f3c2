/// An orthonormal basis that diagonalises two commuting symmetric matrices at once.
///
/// Symmetric A and B commute exactly when they share an orthonormal eigenbasis. An eigenbasis of
/// A alone is not enough when A has a repeated eigenvalue (an isotropic covariance has one
/// d-fold eigenvalue, and every basis diagonalises it): inside each eigenspace of A the basis must
/// also diagonalise B. So: V from `SymmetricEigen(A)`; eigenvalues of A within `clusterTolerance`
/// (relative to the largest |λ|) are treated as one eigenspace; for each such cluster of columns
/// V_c, the small matrix V_cᵀBV_c is diagonalised by W and V_c ← V_cW. Then VᵀAV and VᵀBV are
/// diagonal up to the commutator's size and rounding, which `residual` reports.
public struct CommonEigenbasis: Sendable {
    /// The basis (column j is direction j).
    public let vectors: Matrix<Double>
    /// The diagonals of VᵀAV and VᵀBV.
    public let aValues: [Double]
    public let bValues: [Double]
    /// The largest off-diagonal entry of VᵀAV or VᵀBV, relative to the largest entry of A or B:
    /// zero to rounding (≈ 1e-15) when A and B commute.
    public let residual: Double

    public static let clusterTolerance = 1e-8

    public init(_ a: Matrix<Double>, _ b: Matrix<Double>) {
        precondition(a.rows == a.cols && b.rows == a.rows && b.cols == a.rows, "CommonEigenbasis: two d × d matrices")
        let d = a.rows
        let ea = SymmetricEigen(a)
        var v = ea.vectors
        let scale = ea.values.reduce(0) { max($0, abs($1)) }
        var start = 0
        while start < d {
            var end = start + 1
            while end < d && ea.values[end] - ea.values[end - 1] <= Self.clusterTolerance * scale { end += 1 }
            if end - start > 1 {
                let cluster = Array(start..<end)
                let small = Self.congruence(b, v, cluster)
                let w = SymmetricEigen(small).vectors
                var replaced = v
                for (cj, j) in cluster.enumerated() {
                    for i in 0..<d {
                        var s = 0.0
                        for (ck, k) in cluster.enumerated() { s += v[i, k] * w[ck, cj] }
                        replaced[i, j] = s
                    }
                }
                v = replaced
            }
            start = end
        }
        let all = Array(0..<d)
        let av = Self.congruence(a, v, all), bv = Self.congruence(b, v, all)
        var off = 0.0
        for j in 0..<d { for i in 0..<d where i != j { off = max(off, abs(av[i, j]), abs(bv[i, j])) } }
        let big = (a.storage + b.storage).reduce(0) { max($0, abs($1)) }
        vectors = v
        aValues = (0..<d).map { av[$0, $0] }
        bValues = (0..<d).map { bv[$0, $0] }
        residual = big > 0 ? off / big : 0
    }

    /// V_cᵀ M V_c for the columns `cluster` of V.
    static func congruence(_ m: Matrix<Double>, _ v: Matrix<Double>, _ cluster: [Int]) -> Matrix<Double> {
        let d = m.rows
        var mv = Matrix<Double>(rows: d, cols: cluster.count)
        for (cj, j) in cluster.enumerated() {
            for i in 0..<d {
                var s = 0.0
                for k in 0..<d { s += m[i, k] * v[k, j] }
                mv[i, cj] = s
            }
        }
        return Matrix(rows: cluster.count, cols: cluster.count) { ci, cj in
            var s = 0.0
            for k in 0..<d { s += v[k, cluster[ci]] * mv[k, cj] }
            return s
        }
    }

    /// ‖AB − BA‖_F / (‖A‖_F ‖B‖_F): zero exactly when A and B commute (and then share an
    /// eigenbasis); scale-free, ≈ 1e-16 for commuting matrices built in floating point.
    public static func relativeCommutator(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
        let d = a.rows
        var c = 0.0, na = 0.0, nb = 0.0
        for j in 0..<d {
            for i in 0..<d {
                var s = 0.0
                for k in 0..<d { s += a[i, k] * b[k, j] - b[i, k] * a[k, j] }
                c += s * s
                na += a[i, j] * a[i, j]
                nb += b[i, j] * b[i, j]
            }
        }
        return na > 0 && nb > 0 ? (c / (na * nb)).squareRoot() : 0
    }
}
