import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

@Suite("Comparison with the closed form")
struct ClosedFormComparisonTests {
    static let exact = GaussianKLTransport(m0: [-1, 0, 0], variance0: [0.3, 0.3, 0.3], m1: [1, 0, 0],
                                           variance1: [1, 1, 0.3], alphaL: 2, lambdaG: 5, T: 1)

    /// Inputs built from the exact solution itself at `n` points: the exact per-agent costs,
    /// end points and ∇Φ, with the end points moved by `shift` in coordinate 3 when asked.
    static func exactInputs(n: Int, shift: Double = 0) -> (SampleCosts, Matrix<Double>) {
        let cf = exact, d = cf.d
        var rng = RandomSource(seed: 3)
        var x0: [Double] = rng.gaussians(d * n)
        for c in 0..<n { for j in 0..<d { x0[c * d + j] = cf.m0[j] + cf.variance0[j].squareRoot() * x0[c * d + j] } }
        var zT = cf.paths(from: x0, count: n, at: cf.T)
        for c in 0..<n { zT[c * d + 2] += shift }
        let g = cf.gradients(x0, count: n, at: 0)
        var grad = Matrix<Double>(rows: d + 1, cols: n)
        for c in 0..<n { for j in 0..<d { grad[j, c] = g[c * d + j] } }
        let costs = SampleCosts(x0: x0, terminalPoints: zT, kinetic: cf.kineticCosts(from: x0, count: n),
                                terminal: cf.terminalCosts(from: x0, count: n))
        return (costs, grad)
    }

    /// The exact solution compared with itself: paired estimates exactly L*, G*, J* (rounding,
    /// 1e-12) with zero standard error, zero gradient error, while the plain means differ from
    /// them by sampling noise only (within 5 standard errors); the terminal law matches m*, s*²
    /// to sampling precision (n = 4096: 5 standard errors of a mean, √(s²/n)).
    @Test func theExactSolutionComparesExactly() {
        let (costs, grad) = Self.exactInputs(n: 4096)
        let r = ClosedFormComparison(exact: Self.exact, costs: costs, gradients: grad)
        #expect(r.kineticError < 1e-12 && r.terminalError < 1e-12 && r.totalError < 1e-12)
        #expect(r.terminal.standardError < 1e-12 && r.kinetic.standardError < 1e-12)
        #expect(r.gradientError == 0)
        #expect(abs(r.terminal.plain - Self.exact.terminalCost) < 5 * r.terminal.plainStandardError)
        #expect(r.terminal.plainStandardError > 0.005 * Self.exact.terminalCost, "the plain estimate is noisy")
        for j in 0..<3 {
            #expect(abs(r.terminalMean[j] - Self.exact.mStar[j]) < 5 * (Self.exact.terminalVariances[j] / 4096).squareRoot())
        }
        #expect(r.worstVarianceError < 0.15)   // 5 × √(2/4096) ≈ 0.11
    }

    /// A gradient off by 10 % everywhere is reported as a 10 % error (to rounding), and an end
    /// point shift shows in the terminal mean.
    @Test func errorsAreReported() {
        let (costs, exactGradients) = Self.exactInputs(n: 512, shift: 0.25)
        var grad = exactGradients
        for c in 0..<512 { for j in 0..<3 { grad[j, c] *= 1.1 } }
        let r = ClosedFormComparison(exact: Self.exact, costs: costs, gradients: grad)
        #expect(abs(r.gradientError - 0.1) < 1e-12)
        #expect(abs(r.terminalMean[2] - 0.25) < 0.1)   // m*₃ = 0; 4 standard errors √(0.3/512) ≈ 0.024
    }
}
