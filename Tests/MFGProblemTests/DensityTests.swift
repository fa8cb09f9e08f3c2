import Testing
import MFGMath
@testable import MFGProblem

@Suite("Densities")
struct DensityTests {
    /// Independent closed form of log N(x; μ, diag σ) for one point.
    func gaussianLog(_ x: [Double], _ mu: [Double], _ v: [Double]) -> Double {
        var s = 0.0
        for i in 0..<x.count {
            s += -0.5 * (x[i] - mu[i]) * (x[i] - mu[i]) / v[i] - 0.5 * Double.log(2 * Double.pi * v[i])
        }
        return s
    }

    func checkGaussianLog<T: Scalar>(_: T.Type, tolerance: Double) {
        let g = Gaussian(mean: [0.5, -1, 2], variance: [0.3, 1.5, 4])
        var rng = RandomSource(seed: 7)
        let x: [Double] = rng.gaussians(3 * 50)
        let got = logDensity(.gaussian(g), x, as: T.self)
        for j in 0..<50 {
            let want = gaussianLog(Array(x[(3 * j)..<(3 * j + 3)]), g.mean, g.variance)
            #expect(abs(got[j] - want) <= tolerance * max(1, abs(want)))
        }
    }

    /// Double: accumulation in Double, so only rounding (1e-13 relative) separates the two
    /// formulas. Float: the result is rounded to Float (relative 6e-8) and so is x, which moves
    /// log ρ by ≈ |x−μ|/σ · |x|·6e-8; 1e-5 covers both with margin.
    @Test func gaussianLogDensityMatchesClosedForm() {
        checkGaussianLog(Double.self, tolerance: 1e-13)
        checkGaussianLog(Float.self, tolerance: 1e-5)
    }

    /// exp(log ρ) of the ring integrates to 1 over [−9, 9]²: the trapezoid rule on a smooth,
    /// rapidly decaying integrand converges faster than any power of the step; the mass outside
    /// the box is below 1e-20, so 1e-9 is a conservative tolerance.
    @Test func mixtureNormalises() {
        let rho = ring(dimension: 2)
        let n = 601, lo = -9.0, hi = 9.0
        let h = (hi - lo) / Double(n - 1)
        var x = [Double]()
        x.reserveCapacity(2 * n * n)
        for i in 0..<n { for j in 0..<n { x.append(lo + Double(i) * h); x.append(lo + Double(j) * h) } }
        let logs = logDensity(rho, x, as: Double.self)
        let total = logs.reduce(0) { $0 + Double.exp($1) } * h * h
        #expect(abs(total - 1) < 1e-9)
    }

    func checkMixtureGradient<T: Scalar>(_: T.Type, tolerance: Double) {
        let rho = ring(dimension: 3)
        var rng = RandomSource(seed: 3)
        let n = 40
        var x: [Double] = rng.gaussians(3 * n)
        for i in 0..<x.count { x[i] *= 3 }
        let (_, grad) = logDensityAndGradient(rho, x, as: T.self)
        let h = 1e-5
        for j in 0..<n {
            for i in 0..<3 {
                var xp = Array(x[(3 * j)..<(3 * j + 3)]), xm = xp
                xp[i] += h
                xm[i] -= h
                let fd = (logDensity(rho, xp, as: Double.self)[0] - logDensity(rho, xm, as: Double.self)[0]) / (2 * h)
                #expect(abs(grad[3 * j + i] - fd) <= tolerance * max(1, abs(fd)))
            }
        }
    }

    /// Central differences with h = 1e-5 in Double: truncation h²/6·|∂³log ρ| ≲ 1e-9 and rounding
    /// ≈ 1e-16·|log ρ|/h ≲ 1e-10, so 1e-7 for the Double gradient. The Float gradient (x rounded
    /// to Float, result rounded to Float) differs by ≲ 1e-6 relative; tolerance 2e-5.
    @Test func mixtureGradientMatchesFiniteDifferences() {
        checkMixtureGradient(Double.self, tolerance: 1e-7)
        checkMixtureGradient(Float.self, tolerance: 2e-5)
    }

    /// Far from every component each Nₖ underflows, but log-sum-exp keeps log ρ finite: at
    /// x = (60, 60) the component at 4(cos π/4, sin π/4) dominates all others by a factor
    /// e^{−(≥ 900)}, so log ρ = log(1/8) + log N_nearest to rounding, and the score is that
    /// component's −(x − μ)/σ.
    @Test func mixtureIsStableFarAway() {
        let rho = ring(dimension: 2)
        let c = 4 * Double.cos(Double.pi / 4)
        let x = [60.0, 60.0]
        let (v, g) = logDensityAndGradient(rho, x, as: Double.self)
        let want = Double.log(0.125) + gaussianLog(x, [c, c], [0.3, 0.3])
        #expect(v[0].isFinite)
        #expect(abs(v[0] - want) <= 1e-12 * abs(want))
        #expect(abs(g[0] + (60 - c) / 0.3) <= 1e-10 * abs(g[0]))
        let (vf, gf) = logDensityAndGradient(rho, x, as: Float.self)
        #expect(vf[0].isFinite && gf[0].isFinite)
        #expect(abs(vf[0] - want) <= 1e-6 * abs(want))
    }

    /// n = 40 000 samples of N(μ, diag σ): the sample mean of coordinate i has standard error
    /// √(σᵢ/n) and the sample variance √(2/(n−1))·σᵢ; both are checked to 5 standard errors
    /// (a false alarm has probability < 1e-6 per check, and the seed is fixed).
    @Test func gaussianSamplesHaveRightMoments() {
        let g = Gaussian(mean: [1, -2, 0.5], variance: [0.3, 2, 0.05])
        var rng = RandomSource(seed: 11)
        let n = 40_000
        let x = Density.gaussian(g).sample(count: n, rng: &rng)
        checkMoments(x, d: 3, n: n, mean: g.mean, variance: g.variance, kurtosisExcess: [0, 0, 0])
    }

    /// The ring's marginal mean is 0 and variance 0.3 + 8 per coordinate; its standard errors
    /// use the mixture's fourth moment (computed exactly below), 5 standard errors again.
    @Test func mixtureSamplesHaveRightMoments() {
        let rho = ring(dimension: 2)
        var rng = RandomSource(seed: 12)
        let n = 40_000
        let x = rho.sample(count: n, rng: &rng)
        #expect(maxAbs(rho.mean, [0, 0]) < 1e-12)
        #expect(maxAbs(rho.marginalVariance, [8.3, 8.3]) < 1e-12)
        // E[X⁴] of a mixture: Σ w (μ⁴ + 6μ²σ + 3σ²) per coordinate (mean 0).
        var m4 = [0.0, 0.0]
        for (w, c) in rho.components {
            for i in 0..<2 {
                let mu = c.mean[i], s = c.variance[i]
                m4[i] += w * (mu * mu * mu * mu + 6 * mu * mu * s + 3 * s * s)
            }
        }
        let excess = (0..<2).map { m4[$0] / (8.3 * 8.3) - 3 }
        checkMoments(x, d: 2, n: n, mean: [0, 0], variance: [8.3, 8.3], kurtosisExcess: excess)
        // Each component is chosen with probability 1/8: count samples nearest each centre.
        var counts = [Int](repeating: 0, count: 8)
        for j in 0..<n {
            let angle = Double.atan2(y: x[2 * j + 1], x: x[2 * j])
            counts[(Int((angle / (2 * Double.pi / 8)).rounded()) + 8) % 8] += 1
        }
        let se = (0.125 * 0.875 / Double(n)).squareRoot()
        for c in counts { #expect(abs(Double(c) / Double(n) - 0.125) < 5 * se + 1e-3) }
    }

    func checkMoments(_ x: [Double], d: Int, n: Int, mean: [Double], variance: [Double], kurtosisExcess: [Double]) {
        for i in 0..<d {
            var s = 0.0
            for j in 0..<n { s += x[i + j * d] }
            let m = s / Double(n)
            var q = 0.0
            for j in 0..<n { q += (x[i + j * d] - m) * (x[i + j * d] - m) }
            let v = q / Double(n - 1)
            #expect(abs(m - mean[i]) < 5 * (variance[i] / Double(n)).squareRoot())
            let seVar = variance[i] * ((2 + kurtosisExcess[i]) / Double(n - 1)).squareRoot()
            #expect(abs(v - variance[i]) < 5 * seVar)
        }
    }

    /// Float and Double batches from the same seed agree up to Float rounding.
    @Test func sampleMatrixFloatMatchesDouble() {
        var a = RandomSource(seed: 5), b = RandomSource(seed: 5)
        let rho = ring(dimension: 4)
        let xd = rho.sampleMatrix(count: 100, rng: &a, as: Double.self)
        let xf = rho.sampleMatrix(count: 100, rng: &b, as: Float.self)
        #expect(xd.rows == 4 && xd.cols == 100)
        for i in 0..<xd.storage.count { #expect(abs(Double(xf.storage[i]) - xd.storage[i]) <= 1e-6 * max(1, abs(xd.storage[i]))) }
    }
}
