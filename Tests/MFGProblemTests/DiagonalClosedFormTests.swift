import Testing
import MFGMath
@testable import MFGProblem

@Suite("Closed form with diagonal covariances")
struct DiagonalClosedFormTests {
    static let cf = GaussianKLTransport(m0: [-1, 0.5, 0], variance0: [0.3, 0.3, 0.8],
                                        m1: [1, 0, 0.2], variance1: [1, 0.3, 0.5],
                                        alphaL: 2, lambdaG: 5, T: 1)

    /// The problem separates by coordinate: L*, G*, m*, s* are the sums (and entries) of the
    /// one-dimensional isotropic solutions, to rounding (1e-12).
    @Test func separatesByCoordinate() {
        let cf = Self.cf
        var l = 0.0, g = 0.0
        for j in 0..<3 {
            let one = GaussianKLTransport(d: 1, m0: [cf.m0[j]], v0: cf.variance0[j], m1: [cf.m1[j]], v1: cf.variance1[j],
                                          alphaL: 2, lambdaG: 5, T: 1)
            l += one.kineticCost; g += one.terminalCost
            #expect(abs(one.sStar - cf.sStars[j]) < 1e-14)
            #expect(abs(one.mStar[0] - cf.mStar[j]) < 1e-14)
        }
        #expect(abs(l - cf.kineticCost) < 1e-12)
        #expect(abs(g - cf.terminalCost) < 1e-12)
        // A coordinate that starts with the target's variance and mean keeps them... up to the
        // KL relaxation: its s* solves the same scalar equation, which has root √v₀ when v₀ = v₁.
        #expect(abs(cf.sStars[1] - 0.3.squareRoot()) < 1e-14)
    }

    /// Φ solves −∂ₜΦ + |∇Φ|²/(2α_L) = 0 and Φ(·,T) = λ_G(log ρ_T − log ρ₁ + 1) at random points
    /// (identities of the formulas: 1e-9 relative), and the paths move with −∇Φ/α_L.
    @Test func valueFunctionSatisfiesHJB() {
        let cf = Self.cf
        var rng = RandomSource(seed: 4)
        for _ in 0..<20 {
            let x: [Double] = rng.gaussians(3)
            let t = rng.uniformOpen()
            let g = cf.gradient(x, at: t)
            let h = g.reduce(0) { $0 + $1 * $1 } / (2 * cf.alphaL)
            #expect(abs(-cf.timeDerivative(x, at: t) + h) < 1e-9 * max(1, h))
            #expect(abs(cf.value(x, at: cf.T) - cf.terminalCondition(x)) < 1e-9 * max(1, abs(cf.terminalCondition(x))))
            let z = cf.path(from: x, at: t), v = cf.pathVelocity(from: x), gz = cf.gradient(z, at: t)
            for j in 0..<3 { #expect(abs(v[j] + gz[j] / cf.alphaL) < 1e-12) }
        }
    }
}
