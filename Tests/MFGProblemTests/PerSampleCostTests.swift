import Testing
import MFGMath
@testable import MFGProblem

/// The per-agent optimal costs, and the paired estimate `mfg validate` builds on them.
@Suite("Per-agent costs of the closed form")
struct PerSampleCostTests {
    /// The three-coordinate diagonal case of `DiagonalClosedFormTests` (one coordinate that
    /// spreads, one that stays, one that shrinks).
    static let cf = DiagonalClosedFormTests.cf

    /// n points from ρ₀ = N(m₀, diag v₀), column-major d × n.
    static func initialPoints(_ cf: GaussianKLTransport, _ n: Int, seed: UInt64) -> [Double] {
        var rng = RandomSource(seed: seed)
        var x: [Double] = rng.gaussians(cf.d * n)
        for c in 0..<n { for j in 0..<cf.d { x[c * cf.d + j] = cf.m0[j] + cf.variance0[j].squareRoot() * x[c * cf.d + j] } }
        return x
    }

    /// Means over 200 000 draws of x₀ are L* and G*, within 5 standard errors (statistical; the
    /// costs are exact per agent, so there is no bias to allow for).
    @Test func meansAreTheOptimalCosts() {
        let cf = Self.cf, n = 200_000
        let x0 = Self.initialPoints(cf, n, seed: 21)
        let zero = [Double](repeating: 0, count: n)
        let l = PairedEstimate(values: cf.kineticCosts(from: x0, count: n), controls: zero, controlMean: 0)
        let g = PairedEstimate(values: cf.terminalCosts(from: x0, count: n), controls: zero, controlMean: 0)
        #expect(abs(l.plain - cf.kineticCost) < 5 * l.plainStandardError, "\(l) vs \(cf.kineticCost)")
        #expect(abs(g.plain - cf.terminalCost) < 5 * g.plainStandardError, "\(g) vs \(cf.terminalCost)")
    }

    /// A slightly wrong flow — straight paths to N(m′, diag q′²v₀) with m′ = m* + 0.005 and
    /// q′ = q(1 − 0.003·j) — has L and G in closed form. Its per-agent costs, paired with the
    /// exact per-agent costs at the same 16 384 points, estimate them within 5 paired standard
    /// errors (statistical), and those standard errors are under a tenth of the plain ones: the
    /// situation of `mfg validate`, with a solution whose errors are known.
    @Test func pairedEstimateOfAPerturbedFlow() {
        let cf = Self.cf, d = cf.d, n = 4096, T = cf.T, alpha = cf.alphaL, lambda = cf.lambdaG
        let q = cf.stretches
        let mPrime = cf.mStar.map { $0 + 0.005 }
        let qPrime = (0..<d).map { q[$0] * (1 - 0.003 * Double($0 + 1)) }
        // Closed-form costs of the perturbed flow.
        var kineticSum = 0.0, kl = 0.0
        for j in 0..<d {
            let dm = mPrime[j] - cf.m0[j], s2 = qPrime[j] * qPrime[j] * cf.variance0[j]
            kineticSum += dm * dm + (qPrime[j] - 1) * (qPrime[j] - 1) * cf.variance0[j]
            let r = mPrime[j] - cf.m1[j], v = cf.variance1[j]
            kl += 0.5 * (s2 / v + r * r / v - 1 + Double.log(v / s2))
        }
        let trueL = alpha / (2 * T) * kineticSum, trueG = lambda * kl
        // Its per-agent costs: the agent's displacement, and λ_G(log ρ_T − log ρ₁) at its end,
        // with log ρ_T = log ρ₀(x₀) − Σ log q′ (the flow's log-determinant).
        let x0 = Self.initialPoints(cf, n, seed: 22)
        var kinetic = [Double](), terminal = [Double]()
        for c in 0..<n {
            let x = Array(x0[(c * d)..<((c + 1) * d)])
            let xT = (0..<d).map { mPrime[$0] + qPrime[$0] * (x[$0] - cf.m0[$0]) }
            var disp = 0.0, logRho0 = -0.5 * Double(d) * Double.log(2 * Double.pi), logDet = 0.0
            for j in 0..<d {
                disp += (xT[j] - x[j]) * (xT[j] - x[j])
                let y = x[j] - cf.m0[j]
                logRho0 -= 0.5 * y * y / cf.variance0[j] + 0.5 * Double.log(cf.variance0[j])
                logDet += Double.log(qPrime[j])
            }
            kinetic.append(alpha / (2 * T) * disp)
            terminal.append(lambda * (logRho0 - logDet - cf.targetLogDensity(xT)))
        }
        let l = PairedEstimate(values: kinetic, controls: cf.kineticCosts(from: x0, count: n), controlMean: cf.kineticCost)
        let g = PairedEstimate(values: terminal, controls: cf.terminalCosts(from: x0, count: n), controlMean: cf.terminalCost)
        #expect(abs(l.estimate - trueL) < 5 * l.standardError, "L: \(l) vs \(trueL)")
        #expect(abs(g.estimate - trueG) < 5 * g.standardError, "G: \(g) vs \(trueG)")
        #expect(l.standardError < 0.1 * l.plainStandardError, "\(l)")
        #expect(g.standardError < 0.1 * g.plainStandardError, "\(g)")
        // The check is not vacuous: the perturbation moved G by more than 5 paired standard errors
        // (while it is well inside one plain standard error).
        #expect(abs(trueG - cf.terminalCost) > 5 * g.standardError, "\(trueG) vs \(cf.terminalCost), \(g)")
        #expect(abs(trueG - cf.terminalCost) < g.plainStandardError, "\(trueG) vs \(cf.terminalCost), \(g)")
    }
}
