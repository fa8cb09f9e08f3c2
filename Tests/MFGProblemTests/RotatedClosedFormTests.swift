import Testing
import MFGMath
@testable import MFGProblem

/// KL-relaxed transport between Gaussians whose covariances commute but are not diagonal.
@Suite("Closed form with rotated covariances")
struct RotatedClosedFormTests {
    /// Σ = Q diag(v) Qᵀ for the seeded Q of dimension d.
    static func rotated(_ v: [Double], seed: UInt64) -> Matrix<Double> {
        SymmetricEigen.compose(vectors: rotation(v.count, seed: seed), values: v)
    }

    static func rotation(_ d: Int, seed: UInt64) -> Matrix<Double> {
        var rng = RandomSource(seed: seed)
        return rng.orthogonalMatrix(dimension: d)
    }

    static func apply(_ q: Matrix<Double>, _ y: [Double]) -> [Double] {
        (0..<y.count).map { i in (0..<y.count).reduce(0.0) { $0 + q[i, $1] * y[$1] } }
    }

    /// The diagonal problem and the same problem rotated by Q: ρ₀ = N(Qm₀, QD₀Qᵀ), ρ₁ = N(Qm₁, QD₁Qᵀ).
    static let d = 5
    static let v0: [Double] = [0.3, 0.5, 0.3, 0.8, 1.2], v1: [Double] = [1, 0.5, 2, 0.4, 1.2]
    static let m0: [Double] = [-1, 0.5, 0, 0.2, 0], m1: [Double] = [1, 0, 0, -0.5, 0.3]
    static let q = rotation(d, seed: 21)
    static let diagonal = GaussianKLTransport(m0: m0, variance0: v0, m1: m1, variance1: v1, alphaL: 2, lambdaG: 5, T: 1)
    static let source = try! Gaussian(mean: apply(q, m0), covariance: rotated(v0, seed: 21))
    static let target = try! Gaussian(mean: apply(q, m1), covariance: rotated(v1, seed: 21))
    static let turned = try! GaussianKLTransport(from: source, to: target, alphaL: 2, lambdaG: 5, T: 1)

    /// Costs, Φ, ∇Φ, ∂ₜΦ, paths, densities and per-agent costs of the rotated problem at Qy are
    /// those of the diagonal problem at y (∇Φ and paths rotated by Q), to 1e-12 (rounding of the
    /// d × d rotations and of the eigen-decomposition, ≈ 1e-15 relative, amplified by |Φ| ≲ 50).
    @Test func rotatedEqualsUnrotated() {
        let a = Self.diagonal, b = Self.turned
        #expect(b.basis != nil)
        #expect(abs(a.kineticCost - b.kineticCost) < 1e-12 && abs(a.terminalCost - b.terminalCost) < 1e-12)
        #expect(abs(a.totalCost - b.totalCost) < 1e-12)
        #expect(maxAbs(a.sStars.sorted(), b.sStars.sorted()) < 1e-12)
        #expect(maxAbs(Self.apply(Self.q, a.mStar), b.terminalMean) < 1e-12)
        var rng = RandomSource(seed: 3)
        for _ in 0..<20 {
            let y: [Double] = rng.gaussians(Self.d)
            let x = Self.apply(Self.q, y)
            let t = rng.uniformOpen()
            #expect(abs(a.value(y, at: t) - b.value(x, at: t)) < 1e-12 * max(1, abs(a.value(y, at: t))))
            #expect(maxAbs(Self.apply(Self.q, a.gradient(y, at: t)), b.gradient(x, at: t)) < 1e-12)
            #expect(abs(a.timeDerivative(y, at: t) - b.timeDerivative(x, at: t)) < 1e-12)
            #expect(maxAbs(Self.apply(Self.q, a.path(from: y, at: t)), b.path(from: x, at: t)) < 1e-12)
            #expect(maxAbs(Self.apply(Self.q, a.pathVelocity(from: y)), b.pathVelocity(from: x)) < 1e-12)
            #expect(abs(a.logDensity(y, at: t) - b.logDensity(x, at: t)) < 1e-12)
            #expect(abs(a.kineticCost(from: y) - b.kineticCost(from: x)) < 1e-12)
            #expect(abs(a.terminalCost(from: y) - b.terminalCost(from: x)) < 1e-11)
        }
    }

    /// In ambient coordinates: the HJB equation and ∇Φ against 5-point differences
    /// (`expectSolvesHJB`, as for the diagonal case), and Φ(x, T) = λ_G(log ρ_T(x) − log ρ₁(x) + 1) with
    /// log ρ₁ evaluated by the problem's own full-covariance density (1e-10); log ρ(·, 0) is the
    /// problem's ρ₀ (1e-11). So the rotation of the closed form agrees with the densities the
    /// solver uses.
    @Test func rotatedSolutionSolvesTheProblemAsWritten() {
        let cf = Self.turned
        var rng = RandomSource(seed: 4)
        for _ in 0..<20 {
            let x: [Double] = rng.gaussians(Self.d)
            expectSolvesHJB(cf, at: x, time: 0.05 + 0.9 * rng.uniformOpen())
            let log1 = logDensity(.gaussian(Self.target), x, as: Double.self)[0]
            let log0 = logDensity(.gaussian(Self.source), x, as: Double.self)[0]
            let want = cf.lambdaG * (cf.logDensity(x, at: cf.T) - log1 + 1)
            #expect(abs(cf.value(x, at: cf.T) - want) < 1e-10 * max(1, abs(want)))
            #expect(abs(cf.logDensity(x, at: 0) - log0) < 1e-11 * max(1, abs(log0)))
        }
    }

    /// An isotropic ρ₀ and a rotated ρ₁ (Σ₀ has one 5-fold eigenvalue: the basis must come from
    /// Σ₁), and two covariances sharing a repeated eigenvalue: the common basis diagonalises
    /// both to rounding, and the costs are the diagonal problem's.
    @Test func repeatedEigenvalues() throws {
        let iso = Gaussian(mean: [0, 0, 0, 0, 0], isotropicVariance: 0.3)
        let cf = try GaussianKLTransport(from: iso, to: Self.target, alphaL: 2, lambdaG: 5, T: 1)
        let plain = GaussianKLTransport(m0: [0, 0, 0, 0, 0], variance0: [Double](repeating: 0.3, count: 5),
                                        m1: Self.m1, variance1: Self.v1, alphaL: 2, lambdaG: 5, T: 1)
        #expect(abs(cf.totalCost - plain.totalCost) < 1e-12)
        let frame = CommonEigenbasis(Self.rotated([1, 1, 2, 2, 3], seed: 8), Self.rotated([5, 4, 3, 3, 1], seed: 8))
        #expect(frame.residual < 1e-14)
        #expect(frame.aValues.map { ($0 * 1e10).rounded() / 1e10 }.sorted() == [1, 1, 2, 2, 3])
    }

    /// Covariances that do not commute are refused with their commutator.
    @Test func nonCommutingCovariancesAreRefused() {
        let other = try! Gaussian(mean: [0, 0, 0, 0, 0], covariance: Self.rotated(Self.v1, seed: 22))
        #expect(throws: CommutatorError.self) {
            try GaussianKLTransport(from: Self.source, to: other, alphaL: 2, lambdaG: 5, T: 1)
        }
        do {
            _ = try GaussianKLTransport(from: Self.source, to: other, alphaL: 2, lambdaG: 5, T: 1)
        } catch {
            #expect(error.relativeNorm > 0.01)
            #expect(abs(error.relativeNorm - CommonEigenbasis.relativeCommutator(Self.source.covariance, other.covariance)) == 0)
        }
    }
}
