import Testing
import MFGMath
@testable import MFGNeural

@Suite("Potential network: ∇Φ, ∂ₜΦ and the exact Laplacian")
struct PotentialDerivativeTests {
    /// Taylor test of ∇ₓΦ (direction in x only) and of ∂ₜΦ (direction in t only) at each point.
    func gradientTaylor<T: Scalar>(_ type: T.Type, eps0: Double) throws {
        let d = 5
        let net = randomNetwork(T.self, d: d, m: 8, layers: 2, seed: 1)
        let pts = randomPoints(T.self, d: d, n: 4, seed: 2)
        var rng = RandomSource(seed: 3)
        try expectGradientTaylor(net, at: pts, eps0: eps0, rng: &rng)
    }

    @Test func gradientTaylorDouble() throws { try gradientTaylor(Double.self, eps0: 0.1) }
    @Test func gradientTaylorFloat() throws { try gradientTaylor(Float.self, eps0: 0.5) }

    /// ΔₓΦ against the trace of a dense Hessian built by central differences of the exact
    /// gradient: the difference error is O(ε²)·|∂³Φ| ≈ 1e-8 and rounding ≈ 1e-16/ε ≈ 1e-12,
    /// well inside the asked relative 1e-6.
    @Test(arguments: [(2, 0), (7, 1), (12, 3)])
    func laplacianMatchesDenseHessianTrace(d: Int, layers: Int) throws {
        let net = randomNetwork(Double.self, d: d, m: 10, layers: layers, seed: UInt64(d))
        let pts = randomPoints(Double.self, d: d, n: 3, seed: 9)
        try expectLaplacianMatchesDenseHessianTrace(net, at: pts)
    }

    /// The Float path computes the same Laplacian as the Double path up to Float rounding
    /// (relative 1e-4: a few hundred operations at 6e-8 each).
    @Test func floatLaplacianAgreesWithDouble() throws {
        let netD = randomNetwork(Double.self, d: 6, m: 8, layers: 2, seed: 5)
        let netF = try PotentialNetwork<Float>(shape: netD.shape, parameters: netD.parameters.map { Float($0) })
        let pD = randomPoints(Double.self, d: 6, n: 5, seed: 6)
        let pF = try Matrix<Float>(rows: pD.rows, cols: pD.cols, storage: pD.storage.map { Float($0) })
        let vD = try netD.evaluate(pD), vF = try netF.evaluate(pF)
        for i in 0..<5 {
            #expect(abs(Double(vF.laplacian[i]) - vD.laplacian[i]) <= 1e-4 * max(1, abs(vD.laplacian[i])))
        }
    }

    /// Blocking the samples must not change any value: blocks of 3 against one block of 10.
    @Test func blockSizeDoesNotChangeResults() throws {
        let net = randomNetwork(Double.self, d: 4, m: 6, layers: 2, seed: 11)
        let pts = randomPoints(Double.self, d: 4, n: 10, seed: 12)
        let a = try net.evaluate(pts, blockSize: 3), b = try net.evaluate(pts, blockSize: 10)
        #expect(a.phi == b.phi)
        #expect(a.laplacian == b.laplacian)
        #expect(a.gradient == b.gradient)
    }
}
