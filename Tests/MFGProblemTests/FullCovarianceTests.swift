import Testing
import MFGMath
@testable import MFGProblem

@Suite("Gaussians with a full covariance")
struct FullCovarianceTests {
    /// A random SPD d × d covariance Q diag(v) Qᵀ with v in [0.2, 2].
    static func covariance(_ d: Int, seed: UInt64) -> Matrix<Double> {
        var rng = RandomSource(seed: seed)
        let q = rng.orthogonalMatrix(dimension: d)
        let v = (0..<d).map { _ in 0.2 + 1.8 * rng.uniformOpen() }
        return SymmetricEigen.compose(vectors: q, values: v)
    }

    static func gaussian(_ d: Int, seed: UInt64) -> Gaussian {
        let mean = (0..<d).map { 0.3 * Double($0) - 0.5 }
        return try! Gaussian(mean: mean, covariance: covariance(d, seed: seed))
    }

    /// Σ⁻¹ and log det Σ by Gauss–Jordan elimination with partial pivoting: independent of the
    /// Cholesky factor the density uses.
    static func inverseAndLogDet(_ a: Matrix<Double>) -> (Matrix<Double>, Double) {
        let d = a.rows
        var m = a, inv = Matrix<Double>(rows: d, cols: d) { $0 == $1 ? 1 : 0 }
        var logDet = 0.0
        for c in 0..<d {
            let p = (c..<d).max { abs(m[$0, c]) < abs(m[$1, c]) }!
            if p != c { for j in 0..<d { m.storage.swapAt(c + j * d, p + j * d); inv.storage.swapAt(c + j * d, p + j * d) } }
            let pivot = m[c, c]
            logDet += Double.log(abs(pivot))
            for j in 0..<d { m[c, j] /= pivot; inv[c, j] /= pivot }
            for r in 0..<d where r != c {
                let f = m[r, c]
                for j in 0..<d { m[r, j] -= f * m[c, j]; inv[r, j] -= f * inv[c, j] }
            }
        }
        return (inv, logDet)
    }

    /// log N(x) against −½ rᵀΣ⁻¹r − ½ log det(2πΣ) with Σ⁻¹, det from elimination, at 40 points
    /// in d = 5: both sides are backward stable evaluations of the same number with cond(Σ) ≤ 10,
    /// so 1e-12 relative (Double); Float inputs are rounded to Float first (relative 6e-8 per
    /// entry, times |∂ log N/∂x|·|x| ≲ 50): 2e-5 relative.
    @Test func logDensityMatchesTheFormula() {
        let d = 5
        let g = Self.gaussian(d, seed: 1)
        #expect(g.full != nil)
        let (inv, logDet) = Self.inverseAndLogDet(g.covariance)
        var rng = RandomSource(seed: 2)
        let x: [Double] = rng.gaussians(d * 40).map { 2 * $0 }
        let got = logDensity(.gaussian(g), x, as: Double.self)
        let gotF = logDensity(.gaussian(g), x, as: Float.self)
        for j in 0..<40 {
            let r = (0..<d).map { x[j * d + $0] - g.mean[$0] }
            var q = 0.0
            for a in 0..<d { for b in 0..<d { q += r[a] * inv[a, b] * r[b] } }
            let want = -0.5 * q - 0.5 * (Double(d) * Double.log(2 * Double.pi) + logDet)
            #expect(abs(got[j] - want) < 1e-12 * max(1, abs(want)))
            #expect(abs(gotF[j] - want) < 2e-5 * max(1, abs(want)))
        }
    }

    /// The score −Σ⁻¹(x − μ) against central differences of log N (h = 1e-5: truncation 0 for a
    /// quadratic, rounding ≈ 1e-16·|log N|/h ≲ 1e-10): 1e-8; for a two-component mixture with
    /// full covariances too (truncation h²/6·|∂³ log ρ| ≲ 1e-9): 1e-7.
    @Test func scoreMatchesFiniteDifferences() {
        let d = 4
        let single = Density.gaussian(Self.gaussian(d, seed: 3))
        let mixture = Density.mixture([(0.3, Self.gaussian(d, seed: 4)),
                                       (0.7, try! Gaussian(mean: [1, -1, 0.5, 0], covariance: Self.covariance(d, seed: 5)))])
        for (rho, tolerance) in [(single, 1e-8), (mixture, 1e-7)] {
            var rng = RandomSource(seed: 6)
            let x: [Double] = rng.gaussians(d * 20)
            let (_, grad) = logDensityAndGradient(rho, x, as: Double.self)
            let h = 1e-5
            for j in 0..<20 {
                for i in 0..<d {
                    var xp = Array(x[(d * j)..<(d * j + d)]), xm = xp
                    xp[i] += h; xm[i] -= h
                    let fd = (logDensity(rho, xp, as: Double.self)[0] - logDensity(rho, xm, as: Double.self)[0]) / (2 * h)
                    #expect(abs(grad[d * j + i] - fd) < tolerance * max(1, abs(fd)))
                }
            }
        }
    }

    /// n = 40 000 samples of N(μ, Σ) in d = 4: each mean within 5 standard errors √(Σᵢᵢ/n), each
    /// covariance entry within 5 standard errors √((ΣᵢᵢΣⱼⱼ + Σᵢⱼ²)/n) (Gaussian fourth moments);
    /// mean and marginalVariance report μ and diag Σ exactly.
    @Test func samplesHaveTheCovariance() {
        let d = 4, n = 40_000
        let g = Self.gaussian(d, seed: 7)
        let rho = Density.gaussian(g)
        #expect(rho.mean == g.mean)
        #expect(rho.marginalVariance == (0..<d).map { g.covariance[$0, $0] })
        var rng = RandomSource(seed: 8)
        let x = rho.sample(count: n, rng: &rng)
        let s = g.covariance
        var m = [Double](repeating: 0, count: d)
        for j in 0..<n { for i in 0..<d { m[i] += x[i + j * d] / Double(n) } }
        for i in 0..<d { #expect(abs(m[i] - g.mean[i]) < 5 * (s[i, i] / Double(n)).squareRoot()) }
        for a in 0..<d {
            for b in 0...a {
                var c = 0.0
                for j in 0..<n { c += (x[a + j * d] - m[a]) * (x[b + j * d] - m[b]) }
                c /= Double(n - 1)
                #expect(abs(c - s[a, b]) < 5 * ((s[a, a] * s[b, b] + s[a, b] * s[a, b]) / Double(n)).squareRoot())
            }
        }
    }

    /// Moment-matched batches of a full-covariance Gaussian have its mean and covariance exactly
    /// (to rounding: 1e-12).
    @Test func momentMatchingIsExactForFullCovariances() {
        let d = 3, n = 500
        let g = Self.gaussian(d, seed: 9)
        var rng = RandomSource(seed: 10)
        let x = Density.gaussian(g).sampleMomentMatched(count: n, rng: &rng)
        var m = [Double](repeating: 0, count: d)
        for j in 0..<n { for i in 0..<d { m[i] += x[i + j * d] / Double(n) } }
        for i in 0..<d { #expect(abs(m[i] - g.mean[i]) < 1e-12) }
        for a in 0..<d {
            for b in 0..<d {
                var c = 0.0
                for j in 0..<n { c += (x[a + j * d] - m[a]) * (x[b + j * d] - m[b]) }
                #expect(abs(c / Double(n) - g.covariance[a, b]) < 1e-12)
            }
        }
    }

    /// A covariance with zero off-diagonal entries is the diagonal Gaussian (same value, fast
    /// path); the marginal of a full Gaussian is N(μ_C, Σ_CC), diagonal when Σ_CC is.
    @Test func diagonalAndMarginals() throws {
        let diag = try Gaussian(mean: [0, 1], covariance: Matrix(rows: 2, cols: 2) { $0 == $1 ? [0.3, 2][$0] : 0 })
        #expect(diag == Gaussian(mean: [0, 1], variance: [0.3, 2]) && diag.full == nil)
        let sigma = Matrix<Double>(rows: 3, cols: 3) { i, j in [[2, 0.5, 0], [0.5, 1, 0], [0, 0, 0.7]][i][j] }
        let g = try Gaussian(mean: [1, 2, 3], covariance: sigma)
        let m = g.marginal(on: [2, 0])
        #expect(m == Gaussian(mean: [3, 1], variance: [0.7, 2]))
        let pair = g.marginal(on: [1, 0])
        #expect(pair.full?.matrix == Matrix(rows: 2, cols: 2) { i, j in [[1, 0.5], [0.5, 2]][i][j] })
        #expect(pair.mean == [2, 1])
    }

    /// Refusals, with the test that failed.
    @Test func badCovariancesAreRefused() {
        func refusal(_ rows: [[Double]]) -> CovarianceError? {
            let d = rows.count
            do {
                _ = try Gaussian(mean: [Double](repeating: 0, count: d),
                                 covariance: Matrix(rows: d, cols: rows[0].count) { rows[$0][$1] })
                return nil
            } catch { return error }
        }
        #expect(refusal([[1, 2], [2, 1]]) == .notPositiveDefinite(smallestEigenvalue: -1))
        #expect(refusal([[1, 0.1], [0.2, 1]]) == .notSymmetric(row: 0, column: 1, upper: 0.1, lower: 0.2))
        #expect(refusal([[1, 0], [0, 0]]) == .notPositiveDefinite(smallestEigenvalue: 0))
        #expect(refusal([[1, 1], [1, 1 + 1e-14]])?.description.hasPrefix("is numerically singular: its eigenvalues range from ") == true)
        #expect(refusal([[1, .nan], [.nan, 1]]) == .notFinite(row: 0, column: 1))
    }
}

/// The diagonal case does the arithmetic it always did: log-density, score and samples equal
/// (==, bit for bit) the formulas of the diagonal-only code, written out here.
@Suite("Diagonal Gaussians unchanged")
struct DiagonalBitIdentityTests {
    @Test func diagonalArithmeticIsUnchanged() {
        let parts: [(weight: Double, component: Gaussian)] = [
            (0.25, Gaussian(mean: [0.5, -1, 2], variance: [0.3, 1.5, 4])),
            (0.75, Gaussian(mean: [-0.5, 1, 0], variance: [0.7, 0.2, 1]))]
        var rng = RandomSource(seed: 1)
        let x: [Double] = rng.gaussians(3 * 30)
        for rho in [Density.gaussian(parts[0].component), .mixture(parts)] {
            let comps = rho.components
            let (v, g) = logDensityAndGradient(rho, x, as: Double.self)
            let l = logDensity(rho, x, as: Double.self)
            for j in 0..<30 {
                var terms = comps.map { (w, c) -> Double in
                    var q = 0.0
                    for i in 0..<3 { let r = x[3 * j + i] - c.mean[i]; q += r * r / c.variance[i] }
                    return Double.log(w) + (c.logNormalizer - 0.5 * q)
                }
                let top = terms.max()!
                if comps.count == 1 { #expect(l[j] == terms[0]) }   // log 1 = 0 exactly
                var s = 0.0
                for k in terms.indices { terms[k] = Double.exp(terms[k] - top); s += terms[k] }
                #expect(v[j] == top + Double.log(s))
                if comps.count > 1 { #expect(l[j] == v[j]) }
                for i in 0..<3 {
                    var gi = 0.0
                    for k in terms.indices where terms[k] / s != 0 {
                        gi -= terms[k] / s * (x[3 * j + i] - comps[k].component.mean[i]) / comps[k].component.variance[i]
                    }
                    #expect(g[3 * j + i] == gi)
                }
            }
            // Samples: component by one uniform (mixtures only), then mean + √σ ⊙ ξ.
            var a = RandomSource(seed: 2), b = RandomSource(seed: 2)
            let drawn = rho.sample(count: 50, rng: &a)
            for j in 0..<50 {
                var k = 0
                if comps.count > 1 {
                    let u = b.uniformOpen() * (comps[0].weight + comps[1].weight)
                    if u > comps[0].weight { k = 1 }
                }
                let xi: [Double] = b.gaussians(3)
                for i in 0..<3 {
                    #expect(drawn[3 * j + i] == comps[k].component.mean[i] + comps[k].component.variance[i].squareRoot() * xi[i])
                }
            }
        }
    }
}
