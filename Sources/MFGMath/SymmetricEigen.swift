/// Eigenvalues and eigenvectors of a real symmetric matrix, A = V diag(λ) Vᵀ, by the cyclic
/// Jacobi method.
///
/// Each step zeroes one off-diagonal entry a_pq with a plane rotation J in the (p, q) plane,
/// A ← JᵀAJ, V ← VJ: with θ = (a_qq − a_pp)/(2a_pq) and t = tan φ the smaller root of
/// t² + 2θt − 1 = 0, c = 1/√(1 + t²), s = tc, the diagonal becomes a_pp − t·a_pq and
/// a_qq + t·a_pq. Sweeps visit every pair (p < q) in order until a whole sweep changes nothing;
/// an entry counts as zero once |a_pq| ≤ ε√|a_pp a_qq|, the test under which Jacobi computes the
/// eigenvalues of a positive definite matrix to high *relative* accuracy (Demmel and Veselić,
/// SIAM J. Matrix Anal. Appl. 13, 1992), small ones included. Convergence is quadratic; a
/// 100 × 100 covariance takes 6–10 sweeps of 6d³ flops.
///
/// Why Jacobi rather than LAPACK's `dsyev` (which Debian's OpenBLAS carries): the matrices here
/// are covariances of problem files (d ≤ a few hundred, factored once per load), where speed
/// does not matter but three other things do — the result is the same to the last bit on every
/// machine (plain IEEE arithmetic, no CPU-dependent kernels), small eigenvalues come out with
/// relative accuracy (the positive-definiteness test and its message quote the smallest one),
/// and nothing new has to be linked.
public struct SymmetricEigen: Sendable, Equatable {
    /// Eigenvalues in increasing order.
    public let values: [Double]
    /// Orthonormal eigenvectors: column j belongs to `values[j]`; each column's entry of largest
    /// magnitude (the first such) is positive, so the basis is unique for distinct eigenvalues.
    public let vectors: Matrix<Double>

    /// The decomposition of the symmetric part ½(A + Aᵀ) of the square matrix `a`.
    public init(_ a: Matrix<Double>) {
        precondition(a.rows == a.cols, "SymmetricEigen: the matrix must be square")
        let d = a.rows
        var m = [Double](repeating: 0, count: d * d)            // row-major = column-major (symmetric)
        for j in 0..<d { for i in 0..<d { m[i * d + j] = 0.5 * (a[i, j] + a[j, i]) } }
        var v = [Double](repeating: 0, count: d * d)            // v[k * d + j]: row k, column j
        for i in 0..<d { v[i * d + i] = 1 }
        let eps = Double.ulpOfOne
        for _ in 0..<100 {
            var rotated = false
            for p in 0..<d {
                for q in (p + 1)..<d {
                    let apq = m[p * d + q]
                    if apq == 0 { continue }
                    let app = m[p * d + p], aqq = m[q * d + q]
                    if abs(apq) <= eps * (abs(app) * abs(aqq)).squareRoot() {
                        m[p * d + q] = 0; m[q * d + p] = 0
                        continue
                    }
                    rotated = true
                    let theta = (aqq - app) / (2 * apq)
                    let t: Double = abs(theta) > 1e150
                        ? 1 / (2 * theta)
                        : (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<d where k != p && k != q {
                        let akp = m[k * d + p], akq = m[k * d + q]
                        let np = c * akp - s * akq, nq = s * akp + c * akq
                        m[k * d + p] = np; m[p * d + k] = np
                        m[k * d + q] = nq; m[q * d + k] = nq
                    }
                    m[p * d + p] = app - t * apq
                    m[q * d + q] = aqq + t * apq
                    m[p * d + q] = 0; m[q * d + p] = 0
                    for k in 0..<d {
                        let vkp = v[k * d + p], vkq = v[k * d + q]
                        v[k * d + p] = c * vkp - s * vkq
                        v[k * d + q] = s * vkp + c * vkq
                    }
                }
            }
            if !rotated { break }
        }
        let order = (0..<d).sorted { (m[$0 * d + $0], $0) < (m[$1 * d + $1], $1) }
        values = order.map { m[$0 * d + $0] }
        var vectors = Matrix<Double>(rows: d, cols: d)
        for (j, src) in order.enumerated() {
            var big = 0
            for k in 0..<d where abs(v[k * d + src]) > abs(v[big * d + src]) { big = k }
            let sign: Double = v[big * d + src] < 0 ? -1 : 1
            for k in 0..<d { vectors[k, j] = sign * v[k * d + src] }
        }
        self.vectors = vectors
    }

    /// V diag(f(λ)) Vᵀ: a function of the matrix (f = √ gives the square root of a positive
    /// semi-definite matrix, f = 1/√ its inverse square root).
    public func function(_ f: (Double) -> Double) -> Matrix<Double> {
        Self.compose(vectors: vectors, values: values.map(f))
    }

    /// V diag(λ) Vᵀ for a d × d matrix V and d values λ, exactly symmetric (each entry computed
    /// once and mirrored): a covariance from its axes and variances, say.
    ///
    /// Entry (i, j), i ≤ j, is Σₖ (V[i, k]·λₖ)·V[j, k], summed in increasing k. The sums of a
    /// column j are accumulated together, k outermost, so that the inner loop runs down a
    /// contiguous column of V (d = 1000: 0.2 s instead of 5 s); each entry sees the same
    /// operations in the same order as a dot product per entry would, so the result is the same
    /// bit for bit.
    public static func compose(vectors v: Matrix<Double>, values: [Double]) -> Matrix<Double> {
        let d = values.count
        precondition(v.rows == d && v.cols == d, "SymmetricEigen.compose: V must be \(d) × \(d)")
        var out = Matrix<Double>(rows: d, cols: d)
        var column = [Double](repeating: 0, count: d)
        for j in 0..<d {
            for i in 0...j { column[i] = 0 }
            for k in 0..<d {
                let lambda = values[k], vjk = v[j, k]
                for i in 0...j { column[i] += v[i, k] * lambda * vjk }
            }
            for i in 0...j {
                out[i, j] = column[i]
                out[j, i] = column[i]
            }
        }
        return out
    }
}
