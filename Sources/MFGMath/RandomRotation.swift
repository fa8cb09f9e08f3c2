extension RandomSource {
    /// A random d × d orthogonal matrix Q, the same to the last bit for a given generator state
    /// on every machine.
    ///
    /// The entries of a d × d matrix G are drawn uniform in (−1, 1), column after column, and
    /// orthonormalised in order by modified Gram–Schmidt, each column twice (so that the
    /// columns are orthogonal to rounding even when G is ill-conditioned): Q = GR⁻¹ with R upper
    /// triangular and Rᵢᵢ > 0, which fixes every sign. Only +, −, ×, ÷ and √ are used (all
    /// correctly rounded in IEEE arithmetic), so no `log`, `sin` or `cos` of the platform's
    /// math library enters and a seed gives the same Q everywhere. (Uniform rather than Gaussian
    /// entries: Q is then a generic rotation, though not exactly Haar-distributed; nothing here
    /// relies on that distribution.) det Q = ±1.
    public mutating func orthogonalMatrix(dimension d: Int) -> Matrix<Double> {
        precondition(d >= 1, "orthogonalMatrix: dimension must be positive")
        var q = Matrix<Double>(rows: d, cols: d)
        while true {
            for j in 0..<d { for i in 0..<d { q[i, j] = 2 * uniformOpen() - 1 } }
            if Self.orthonormalise(&q) { return q }
            // A column numerically dependent on the previous ones (probability ~0): draw again.
        }
    }

    /// Modified Gram–Schmidt with one re-orthogonalisation pass per column; false when a column
    /// loses more than all but 1e-8 of its norm (rank deficient to working precision).
    static func orthonormalise(_ q: inout Matrix<Double>) -> Bool {
        let d = q.rows
        for j in 0..<q.cols {
            var before = 0.0
            for i in 0..<d { before += q[i, j] * q[i, j] }
            for _ in 0..<2 {
                for k in 0..<j {
                    var dot = 0.0
                    for i in 0..<d { dot += q[i, k] * q[i, j] }
                    for i in 0..<d { q[i, j] -= dot * q[i, k] }
                }
            }
            var norm2 = 0.0
            for i in 0..<d { norm2 += q[i, j] * q[i, j] }
            guard norm2 > 1e-16 * before else { return false }
            let inv = 1 / norm2.squareRoot()
            for i in 0..<d { q[i, j] *= inv }
        }
        return true
    }
}
