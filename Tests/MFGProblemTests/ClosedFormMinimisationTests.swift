import Testing
import MFGMath
@testable import MFGProblem

/// Independent numerical checks of the full-covariance closed forms: the KL-relaxed optimum by a
/// generic minimisation of the reduced objective over the terminal mean and covariance, and W₂ by
/// a maximisation over orthogonal matrices. Neither uses the formulas being checked.
@Suite("Closed forms against numerical optimisation")
struct ClosedFormMinimisationTests {
    /// Newton's method with a backtracking line search on f: ℝⁿ → ℝ, the gradient by 5-point
    /// central differences (step 1e-3: truncation h⁴|f⁽⁵⁾|/30 ≲ 1e-12, rounding ε|f|/h ≲ 1e-12) and
    /// the Hessian by central differences of that gradient (step 1e-4; its error only slows the
    /// convergence). The iteration stops where the difference gradient vanishes, which is within
    /// ≈ 1e-11/(smallest curvature) of the true minimiser.
    static func minimise(_ f: ([Double]) -> Double, from start: [Double]) -> [Double] {
        let n = start.count
        func gradient(_ x: [Double]) -> [Double] {
            let h = 1e-3
            return (0..<n).map { i in
                func at(_ e: Double) -> Double { var y = x; y[i] += e; return f(y) }
                return (-at(2 * h) + 8 * at(h) - 8 * at(-h) + at(-2 * h)) / (12 * h)
            }
        }
        var x = start
        for _ in 0..<100 {
            let g = gradient(x)
            if g.reduce(0, { max($0, abs($1)) }) < 1e-12 { break }
            let h = 1e-4
            var hess = Matrix<Double>(rows: n, cols: n)
            for j in 0..<n {
                var xp = x, xm = x
                xp[j] += h; xm[j] -= h
                let gp = gradient(xp), gm = gradient(xm)
                for i in 0..<n { hess[i, j] = (gp[i] - gm[i]) / (2 * h) }
            }
            // Solve H p = −g (symmetrised; fall back to steepest descent when H is not positive definite).
            let sym = Matrix<Double>(rows: n, cols: n) { i, j in 0.5 * (hess[i, j] + hess[j, i]) }
            var p = g.map { -$0 }
            if let chol = Cholesky(symmetric: sym.storage, dimension: n) {
                p.withUnsafeMutableBufferPointer { chol.solveLower($0); chol.solveUpper($0) }
            }
            var step = 1.0
            let f0 = f(x)
            while step > 1e-10 {
                let trial = zip(x, p).map { $0 + step * $1 }
                if f(trial) <= f0 || step < 1e-6 { x = trial; break }
                step /= 2
            }
        }
        return x
    }

    /// tr √M for a 2 × 2 positive semi-definite M: its eigenvalues λ₁, λ₂ give
    /// (√λ₁ + √λ₂)² = tr M + 2√det M.
    static func traceOfSquareRoot(_ m: Matrix<Double>) -> Double {
        let det = m[0, 0] * m[1, 1] - m[0, 1] * m[1, 0]
        return (m[0, 0] + m[1, 1] + 2 * max(det, 0).squareRoot()).squareRoot()
    }

    static func mul(_ a: Matrix<Double>, _ b: Matrix<Double>) -> Matrix<Double> {
        Matrix(rows: a.rows, cols: b.cols) { i, j in (0..<a.cols).reduce(0.0) { $0 + a[i, $1] * b[$1, j] } }
    }

    /// J(m, S) = α_L/(2T)·W₂²(N(m₀, Σ₀), N(m, S)) + λ_G·KL(N(m, S) ‖ N(m₁, Σ₁)) in d = 2, with
    /// tr (Σ₀^{1/2}SΣ₀^{1/2})^{1/2} = tr √(SΣ₀) (same eigenvalues) from the 2 × 2 identity above and
    /// the KL from the 2 × 2 inverse and determinants, all by hand; S = LLᵀ, L = [[a, 0], [b, c]].
    static func reducedObjective(_ p: [Double], m0: [Double], s0: Matrix<Double>, m1: [Double], s1: Matrix<Double>,
                                 alphaL: Double, lambdaG: Double, T: Double) -> Double {
        let m = [p[0], p[1]]
        let s = Matrix<Double>(rows: 2, cols: 2) { i, j in
            let l = [[p[2], 0], [p[3], p[4]]]
            return l[i][0] * l[j][0] + l[i][1] * l[j][1]
        }
        let ss0 = mul(s, s0)
        let detS = s[0, 0] * s[1, 1] - s[0, 1] * s[1, 0], det0 = s0[0, 0] * s0[1, 1] - s0[0, 1] * s0[1, 0]
        let cross = (ss0[0, 0] + ss0[1, 1] + 2 * (detS * det0).squareRoot()).squareRoot()
        let dm0 = (m[0] - m0[0]) * (m[0] - m0[0]) + (m[1] - m0[1]) * (m[1] - m0[1])
        let w2 = dm0 + s0[0, 0] + s0[1, 1] + s[0, 0] + s[1, 1] - 2 * cross
        let det1 = s1[0, 0] * s1[1, 1] - s1[0, 1] * s1[1, 0]
        let inv1 = Matrix<Double>(rows: 2, cols: 2) { i, j in
            (i == j ? s1[1 - i, 1 - j] : -s1[i, j]) / det1
        }
        let r = [m[0] - m1[0], m[1] - m1[1]]
        var quad = 0.0, tr = 0.0
        for i in 0..<2 { for j in 0..<2 { quad += r[i] * inv1[i, j] * r[j]; tr += inv1[i, j] * s[j, i] } }
        let kl = 0.5 * (tr + quad - 2 + Double.log(det1) - Double.log(detS))
        return alphaL / (2 * T) * w2 + lambdaG * kl
    }

    /// The minimiser over all means and covariances of the terminal Gaussian is the closed form's
    /// (m*, V diag(s*²) Vᵀ) and its value J*, to 1e-8, for commuting non-diagonal covariances
    /// (a shared rotation; an isotropic Σ₀ with a rotated Σ₁), for three (α_L, λ_G, T).
    @Test(arguments: [(2.0, 5.0, 1.0, false), (1.0, 0.5, 2.0, false), (3.0, 50.0, 0.5, true)])
    func klTransportMinimisesTheReducedObjective(_ params: (Double, Double, Double, Bool)) throws {
        let (alphaL, lambdaG, T, isotropicStart) = params
        let s0 = isotropicStart ? Matrix<Double>(rows: 2, cols: 2) { $0 == $1 ? 0.4 : 0 }
                                : RotatedClosedFormTests.rotated([0.3, 0.9], seed: 31)
        let s1 = RotatedClosedFormTests.rotated([1.5, 0.2], seed: 31)
        let m0 = [-1.0, 0.5], m1 = [1.0, -0.25]
        let g0 = try Gaussian(mean: m0, covariance: s0), g1 = try Gaussian(mean: m1, covariance: s1)
        let cf = try GaussianKLTransport(from: g0, to: g1, alphaL: alphaL, lambdaG: lambdaG, T: T)
        let f = { (p: [Double]) in
            Self.reducedObjective(p, m0: m0, s0: s0, m1: m1, s1: s1, alphaL: alphaL, lambdaG: lambdaG, T: T)
        }
        let l0 = try #require(Cholesky(symmetric: s0.storage, dimension: 2))
        let p = Self.minimise(f, from: [m0[0], m0[1], l0.lower[0], l0.lower[2], l0.lower[3]])
        let sNum = Matrix<Double>(rows: 2, cols: 2) { i, j in
            let l = [[p[2], 0], [p[3], p[4]]]
            return l[i][0] * l[j][0] + l[i][1] * l[j][1]
        }
        let v = try #require(cf.basis)
        let sStar = Matrix<Double>(rows: 2, cols: 2) { i, j in (0..<2).reduce(0.0) { $0 + v[i, $1] * cf.sStars[$1] * cf.sStars[$1] * v[j, $1] } }
        #expect(maxAbs([p[0], p[1]], cf.terminalMean) < 1e-8)
        #expect(maxAbs(sNum.storage, sStar.storage) < 1e-8)
        #expect(abs(f(p) - cf.totalCost) < 1e-8)
        // The minimiser's value splits into L* and G* as the closed form says.
        let kinetic = Self.reducedObjective(p, m0: m0, s0: s0, m1: m1, s1: s1, alphaL: alphaL, lambdaG: 0, T: T)
        #expect(abs(kinetic - cf.kineticCost) < 1e-8)
    }

    /// max over U ∈ O(d) of tr(L₀ U L₁ᵀ) for Cholesky factors Σ₀ = L₀L₀ᵀ, Σ₁ = L₁L₁ᵀ, which is
    /// the largest cross-covariance trace of a coupling (C = L₀UL₁ᵀ ranges over all couplings'
    /// cross-covariances as U ranges over contractions; a linear function peaks at an orthogonal
    /// one). d = 2: U = rotation or reflection by an angle, golden-section search from 16 brackets.
    /// d = 3: U = exp of a skew matrix (Rodrigues), times diag(1, 1, ±1), Nelder–Mead from 8 starts.
    static func maximalCrossTrace(_ s0: Matrix<Double>, _ s1: Matrix<Double>) -> Double {
        let d = s0.rows
        let l0 = Cholesky(symmetric: s0.storage, dimension: d)!, l1 = Cholesky(symmetric: s1.storage, dimension: d)!
        func f(_ u: Matrix<Double>) -> Double {
            var s = 0.0
            for i in 0..<d { for j in 0..<d { for k in 0..<d { s += l0.lower[i * d + j] * u[j, k] * l1.lower[i * d + k] } } }
            return s
        }
        var best = -Double.infinity
        if d == 2 {
            for sign in [1.0, -1.0] {
                func g(_ t: Double) -> Double {
                    f(Matrix(rows: 2, cols: 2) { i, j in
                        let r = [[Double.cos(t), -Double.sin(t)], [Double.sin(t), Double.cos(t)]]
                        return r[i][j] * (j == 1 ? sign : 1)
                    })
                }
                for k in 0..<16 {
                    var a = 2 * Double.pi * Double(k) / 16, b = a + 2 * Double.pi / 16
                    let phi = (5.0.squareRoot() - 1) / 2
                    for _ in 0..<60 {
                        let c = b - phi * (b - a), e = a + phi * (b - a)
                        if g(c) > g(e) { b = e } else { a = c }
                    }
                    best = max(best, g((a + b) / 2))
                }
            }
            return best
        }
        func rotation(_ w: [Double], _ sign: Double) -> Matrix<Double> {
            let theta = (w[0] * w[0] + w[1] * w[1] + w[2] * w[2]).squareRoot()
            let k = Matrix<Double>(rows: 3, cols: 3) { i, j in
                [[0, -w[2], w[1]], [w[2], 0, -w[0]], [-w[1], w[0], 0]][i][j] / max(theta, 1e-300)
            }
            let k2 = mul(k, k)
            return Matrix(rows: 3, cols: 3) { i, j in
                ((i == j ? 1 : 0) + Double.sin(theta) * k[i, j] + (1 - Double.cos(theta)) * k2[i, j]) * (j == 2 ? sign : 1)
            }
        }
        var rng = RandomSource(seed: 41)
        for sign in [1.0, -1.0] {
            for _ in 0..<4 {
                let start = (0..<3).map { _ in 2 * rng.uniformOpen() - 1 }
                let w = nelderMead({ -f(rotation($0, sign)) }, start: start)
                best = max(best, f(rotation(w, sign)))
            }
        }
        return best
    }

    /// Nelder–Mead (reflection 1, expansion 2, contraction ½, shrink ½) until the simplex's values
    /// agree to 1e-15 (at most 2000 iterations): a smooth 3-parameter function is then minimised to
    /// ≈ 1e-15 in value.
    static func nelderMead(_ f: ([Double]) -> Double, start: [Double]) -> [Double] {
        let n = start.count
        var simplex = [start] + (0..<n).map { i in var p = start; p[i] += 0.5; return p }
        var values = simplex.map(f)
        for _ in 0..<2000 {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }; values = order.map { values[$0] }
            if values[n] - values[0] < 1e-15 * max(1, abs(values[0])) { break }
            let centroid = (0..<n).map { i in simplex.dropLast().reduce(0.0) { $0 + $1[i] } / Double(n) }
            func towards(_ t: Double) -> [Double] { (0..<n).map { centroid[$0] + t * (simplex[n][$0] - centroid[$0]) } }
            let r = towards(-1), fr = f(r)
            if fr < values[0] {
                let e = towards(-2), fe = f(e)
                if fe < fr { simplex[n] = e; values[n] = fe } else { simplex[n] = r; values[n] = fr }
            } else if fr < values[n - 1] {
                simplex[n] = r; values[n] = fr
            } else {
                let c = towards(0.5), fc = f(c)
                if fc < values[n] {
                    simplex[n] = c; values[n] = fc
                } else {
                    for k in 1...n {
                        simplex[k] = (0..<n).map { simplex[0][$0] + 0.5 * (simplex[k][$0] - simplex[0][$0]) }
                        values[k] = f(simplex[k])
                    }
                }
            }
        }
        return simplex[values.indices.min { values[$0] < values[$1] }!]
    }

    /// W₂² = |Δm|² + tr Σ₀ + tr Σ₁ − 2 max_U tr(L₀UL₁ᵀ) against the closed form, to 1e-8, for
    /// non-commuting covariances in d = 2 and 3 (and a diagonal Σ₀ with a full Σ₁); the map's A is
    /// symmetric positive definite with AΣ₀A = Σ₁ (1e-12), which characterises the Brenier map
    /// between Gaussians.
    @Test(arguments: [(2, 51 as UInt64), (2, 52), (3, 53), (3, 54)])
    func exactTransportMatchesTheBestCoupling(_ arg: (Int, UInt64)) throws {
        let (d, seed) = arg
        let s0 = seed == 52 ? Matrix<Double>(rows: 2, cols: 2) { $0 == $1 ? [0.4, 2][$0] : 0 }
                            : RotatedClosedFormTests.rotated((0..<d).map { 0.3 + Double($0) }, seed: seed)
        let s1 = RotatedClosedFormTests.rotated((0..<d).map { 2 - 0.5 * Double($0) }, seed: seed + 100)
        let m0 = (0..<d).map { Double($0) - 1 }, m1 = (0..<d).map { 0.5 * Double($0) }
        let ot = GaussianExactTransport(from: try Gaussian(mean: m0, covariance: s0), to: try Gaussian(mean: m1, covariance: s1))
        let best = Self.maximalCrossTrace(s0, s1)
        let dm = squaredDistance(m0, m1)
        let trace0 = (0..<d).reduce(0.0) { $0 + s0[$1, $1] }, trace1 = (0..<d).reduce(0.0) { $0 + s1[$1, $1] }
        #expect(abs(ot.squaredWasserstein - (dm + trace0 + trace1 - 2 * best)) < 1e-8)
        let a = try #require(ot.linearMap)
        #expect(maxAbs(a.storage, a.transposed.storage) < 1e-13)
        #expect(SymmetricEigen(a).values[0] > 0)
        #expect(maxAbs(Self.mul(Self.mul(a, s0), a).storage, s1.storage) < 1e-12)
        #expect(maxAbs(ot.map(m0), m1) < 1e-14)
        // E|T(x) − x|² = |Δm|² + tr((A − I)Σ₀(A − I)) is W₂² exactly for an affine map.
        let aMinusI = Matrix<Double>(rows: d, cols: d) { i, j in a[i, j] - (i == j ? 1 : 0) }
        let cost = Self.mul(Self.mul(aMinusI, s0), aMinusI)
        #expect(abs(dm + (0..<d).reduce(0.0) { $0 + cost[$1, $1] } - ot.squaredWasserstein) < 1e-12)
    }

    /// Commuting covariances (one rotation): the general formula equals the diagonal one in the
    /// shared eigenbasis, Σ(√v₀ − √v₁)² + |Δm|² (1e-12).
    @Test func commutingCaseReducesToTheDiagonalFormula() throws {
        let v0 = [0.3, 1.1, 2.0], v1 = [1.0, 0.2, 2.0]
        let s0 = RotatedClosedFormTests.rotated(v0, seed: 61), s1 = RotatedClosedFormTests.rotated(v1, seed: 61)
        let ot = GaussianExactTransport(from: try Gaussian(mean: [0, 0, 0], covariance: s0),
                                        to: try Gaussian(mean: [1, 0, 0], covariance: s1))
        let diagonal = GaussianExactTransport(from: Gaussian(mean: [0, 0, 0], variance: v0), to: Gaussian(mean: [1, 0, 0], variance: v1))
        #expect(diagonal.linearMap == nil)
        #expect(abs(ot.squaredWasserstein - diagonal.squaredWasserstein) < 1e-12)
    }
}
