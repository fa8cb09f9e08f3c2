import Testing
import MFGMath

@Suite("Symmetric eigen-decomposition, Cholesky, random rotations")
struct LinearAlgebraTests {
    /// A random symmetric d × d matrix (entries N(0,1), symmetrised), plus `shift`·I.
    func randomSymmetric(_ d: Int, seed: UInt64, shift: Double = 0) -> Matrix<Double> {
        var rng = RandomSource(seed: seed)
        let g: [Double] = rng.gaussians(d * d)
        return Matrix(rows: d, cols: d) { i, j in 0.5 * (g[i + j * d] + g[j + i * d]) + (i == j ? shift : 0) }
    }

    func maxAbs(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Double {
        zip(a.storage, b.storage).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    func product(_ a: Matrix<Double>, _ b: Matrix<Double>, transposeA: Bool = false) -> Matrix<Double> {
        Matrix(rows: transposeA ? a.cols : a.rows, cols: b.cols) { i, j in
            var s = 0.0
            for k in 0..<b.rows { s += (transposeA ? a[k, i] : a[i, k]) * b[k, j] }
            return s
        }
    }

    /// AV = VΛ and VᵀV = I for random symmetric (indefinite) matrices of several sizes. Jacobi is
    /// backward stable: residuals are a few ε‖A‖ per entry (tolerance 1e-12·‖A‖_max for d ≤ 60).
    @Test(arguments: [1, 2, 5, 30, 60])
    func decomposesRandomSymmetricMatrices(_ d: Int) {
        let a = randomSymmetric(d, seed: UInt64(d))
        let e = SymmetricEigen(a)
        let norm = a.storage.reduce(0) { max($0, abs($1)) }
        let av = product(a, e.vectors)
        let vl = Matrix<Double>(rows: d, cols: d) { i, j in e.vectors[i, j] * e.values[j] }
        #expect(maxAbs(av, vl) < 1e-12 * max(1, norm))
        let vtv = product(e.vectors, e.vectors, transposeA: true)
        #expect(maxAbs(vtv, Matrix(rows: d, cols: d) { $0 == $1 ? 1 : 0 }) < 1e-13)
        #expect(zip(e.values, e.values.dropFirst()).allSatisfy { $0 <= $1 })
        // Sign convention: each eigenvector's largest entry is positive.
        for j in 0..<d {
            let col = e.vectors.column(j)
            let big = col.indices.max { abs(col[$0]) < abs(col[$1]) }!
            #expect(col[big] > 0)
        }
        // The trace is the sum of the eigenvalues.
        let trace = (0..<d).reduce(0.0) { $0 + a[$1, $1] }
        #expect(abs(e.values.reduce(0, +) - trace) < 1e-12 * Double(d) * max(1, norm))
    }

    /// V diag(λ) Vᵀ equals, bit for bit, the plain dot product per entry Σₖ (V[i,k]·λₖ)·V[j,k]
    /// summed in increasing k (the covariances of seeded rotations must not change when the loop
    /// order does), and is exactly symmetric.
    @Test(arguments: [1, 3, 17, 64])
    func composeMatchesDotProductsBitForBit(_ d: Int) {
        var rng = RandomSource(seed: 40 + UInt64(d))
        let v = rng.orthogonalMatrix(dimension: d)
        let values: [Double] = (0..<d).map { _ in 0.1 + rng.uniformOpen() * 3 }
        let sigma = SymmetricEigen.compose(vectors: v, values: values)
        for j in 0..<d {
            for i in 0..<d {
                var s = 0.0
                for k in 0..<d { s += v[min(i, j), k] * values[k] * v[max(i, j), k] }
                #expect(sigma[i, j].bitPattern == s.bitPattern, "entry (\(i), \(j))")
            }
        }
    }

    /// 2 × 2 by hand: [[2, 1], [1, 2]] has eigenvalues 1, 3 with vectors (1, −1)/√2, (1, 1)/√2.
    /// A diagonal matrix is returned as is (sorted).
    @Test func smallCasesByHand() {
        let e = SymmetricEigen(Matrix(rows: 2, cols: 2) { $0 == $1 ? 2 : 1 })
        #expect(abs(e.values[0] - 1) < 1e-15 && abs(e.values[1] - 3) < 1e-15)
        let r = 0.5.squareRoot()
        #expect(abs(abs(e.vectors[0, 0]) - r) < 1e-15 && abs(e.vectors[0, 0] + e.vectors[1, 0]) < 1e-15)
        let diag = SymmetricEigen(Matrix(rows: 3, cols: 3) { $0 == $1 ? [3.0, 1, 2][$0] : 0 })
        #expect(diag.values == [1, 2, 3])
        #expect(diag.vectors.storage == [0, 1, 0, 0, 0, 1, 1, 0, 0])
    }

    /// High relative accuracy for a tiny eigenvalue of a positive definite matrix:
    /// [[1, b], [b, c]] with b = 1e-7, c = 1e-12 has λ_min = det/λ_max = (c − b²)/λ_max, about
    /// 9.9e-13; Jacobi gets it to a few ulps relative (tolerance 1e-13), where a method accurate
    /// only relative to ‖A‖ could be off by 1e-16/1e-12 = 1e-4.
    @Test func smallEigenvalueHasRelativeAccuracy() {
        let b = 1e-7, c = 1e-12
        let e = SymmetricEigen(Matrix(rows: 2, cols: 2) { i, j in i == j ? (i == 0 ? 1 : c) : b })
        let det = c - b * b
        #expect(abs(e.values[0] - det / e.values[1]) < 1e-13 * det)
    }

    /// f(A) = V f(Λ) Vᵀ: √A·√A = A and A^{−1/2}·A·A^{−1/2} = I for an SPD matrix (1e-12).
    @Test func matrixFunctions() {
        let a = randomSymmetric(12, seed: 4, shift: 12)
        let e = SymmetricEigen(a)
        #expect(e.values[0] > 0)
        let root = e.function { $0.squareRoot() }
        #expect(maxAbs(product(root, root), a) < 1e-12 * 20)
        let inv = e.function { 1 / $0.squareRoot() }
        #expect(maxAbs(product(product(inv, a), inv), Matrix(rows: 12, cols: 12) { $0 == $1 ? 1 : 0 }) < 1e-12)
    }

    /// LLᵀ = A, the triangular solves invert L and Lᵀ, L·ξ is the product, and log det A equals
    /// the sum of the logarithms of the eigenvalues (1e-11); an indefinite matrix has no factor.
    @Test func choleskyFactorsAndSolves() throws {
        let d = 20
        let a = randomSymmetric(d, seed: 5, shift: 2 * Double(d).squareRoot() + 1)
        let chol = try #require(Cholesky(symmetric: a.storage, dimension: d))
        let l = Matrix<Double>(rows: d, cols: d) { i, j in chol.lower[i * d + j] }
        let llt = Matrix<Double>(rows: d, cols: d) { i, j in (0..<d).reduce(0.0) { $0 + l[i, $1] * l[j, $1] } }
        #expect(maxAbs(llt, a) < 1e-12 * 10)
        var rng = RandomSource(seed: 6)
        let r: [Double] = rng.gaussians(d)
        var y = r
        y.withUnsafeMutableBufferPointer { chol.solveLower($0) }
        var ly = [Double](repeating: 0, count: d)
        y.withUnsafeBufferPointer { py in ly.withUnsafeMutableBufferPointer { chol.multiplyLower(py, into: $0) } }
        for i in 0..<d { #expect(abs(ly[i] - r[i]) < 1e-12) }
        var z = r
        z.withUnsafeMutableBufferPointer { chol.solveUpper($0) }
        for i in 0..<d {
            let ltz = (i..<d).reduce(0.0) { $0 + l[$1, i] * z[$1] }
            #expect(abs(ltz - r[i]) < 1e-12)
        }
        let logDet = SymmetricEigen(a).values.reduce(0) { $0 + Double.log($1) }
        #expect(abs(chol.logDeterminant - logDet) < 1e-11 * abs(logDet))
        #expect(Cholesky(symmetric: randomSymmetric(5, seed: 7).storage, dimension: 5) == nil)
    }

    /// QᵀQ = I to rounding; Q = GR⁻¹ with Rᵢᵢ > 0 (so QᵀG is upper triangular with a positive
    /// diagonal, G the uniform draws of the same seed); the same seed gives the same bits, and
    /// those bits are pinned (a hash of all 100 entries of the d = 10 matrix of seed 7), which is
    /// the promise that a problem file's `rotation: {seed: 7}` means the same Q everywhere.
    @Test func randomRotationsAreOrthogonalAndReproducible() {
        for d in [1, 2, 10, 100] {
            var rng = RandomSource(seed: 7)
            let q = rng.orthogonalMatrix(dimension: d)
            let qtq = product(q, q, transposeA: true)
            #expect(maxAbs(qtq, Matrix(rows: d, cols: d) { $0 == $1 ? 1 : 0 }) < 4e-15 * Double(d).squareRoot() + 1e-15)
            var again = RandomSource(seed: 7)
            #expect(again.orthogonalMatrix(dimension: d) == q)
            var uniform = RandomSource(seed: 7)
            let g = Matrix<Double>(rows: d, cols: d) { _, _ in 0 }
            var gs = g.storage
            for k in 0..<(d * d) { gs[k] = 2 * uniform.uniformOpen() - 1 }
            let r = product(q, try! Matrix(rows: d, cols: d, storage: gs), transposeA: true)
            for j in 0..<d {
                #expect(r[j, j] > 0)
                for i in (j + 1)..<max(j + 1, d) { #expect(abs(r[i, j]) < 1e-13 * Double(d)) }
            }
        }
        var rng = RandomSource(seed: 7)
        let q = rng.orthogonalMatrix(dimension: 10)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for v in q.storage { hash = (hash ^ v.bitPattern) &* 0x100_0000_01b3 }
        #expect(hash == 12_392_206_003_957_674_460, "hash \(hash)")
        var other = RandomSource(seed: 8)
        #expect(other.orthogonalMatrix(dimension: 10) != q)
    }
}

extension LinearAlgebraTests {
    /// The batched (BLAS) triangular solves agree with the one-column ones to rounding (1e-13).
    @Test func batchedSolvesMatchSingleColumns() throws {
        let d = 7, n = 5
        let a = randomSymmetric(d, seed: 9, shift: 8)
        let chol = try #require(Cholesky(symmetric: a.storage, dimension: d))
        var rng = RandomSource(seed: 10)
        let b: [Double] = rng.gaussians(d * n)
        var lower = b, upper = b
        lower.withUnsafeMutableBufferPointer { chol.solveLower(columns: $0.baseAddress!, count: n) }
        upper.withUnsafeMutableBufferPointer { chol.solveUpper(columns: $0.baseAddress!, count: n) }
        for j in 0..<n {
            var l = Array(b[(j * d)..<((j + 1) * d)]), u = l
            l.withUnsafeMutableBufferPointer { chol.solveLower($0) }
            u.withUnsafeMutableBufferPointer { chol.solveUpper($0) }
            for i in 0..<d {
                #expect(abs(lower[j * d + i] - l[i]) < 1e-13)
                #expect(abs(upper[j * d + i] - u[i]) < 1e-13)
            }
        }
    }
}
