import Testing
import MFGMath
@testable import MFGProblem

@Suite("Product densities")
struct ProductDensityTests {
    /// d = 5: a correlated 2-D Gaussian on (x₁, x₂), a bimodal 1-D mixture on each of x₃, x₄, a 1-D
    /// Gaussian on x₅, written as a problem file would.
    static let yaml = """
    dimension: 5
    horizon: 1
    kinetic_weight: 1
    initial_density:
      type: product
      blocks:
        - coordinates: [1, 2]
          density: {type: gaussian, mean: [0, 3], covariance: [[0.5, 0.2], [0.2, 0.3]]}
        - each: {from: 3, to: 4}
          density:
            type: mixture
            components: [{weight: 1, mean: -1, variance: 0.1}, {weight: 3, mean: 1, variance: 0.2}]
        - coordinates: [5]
          density: {type: gaussian, mean: 2, variance: 0.4}
    target_density: {type: gaussian, mean: 0, variance: 1}
    terminal_cost: {type: kl, weight: 1}
    penalties: {hjb: 1, terminal_hjb: 1}
    """

    static let density: Density = try! Problem.parse(yaml: yaml, file: "x.yaml").initialDensity

    static let pair = try! Gaussian(mean: [0, 3], covariance: Matrix(rows: 2, cols: 2) { $0 == $1 ? [0.5, 0.3][$0] : 0.2 })
    static let bimodal = Density.mixture([(0.25, Gaussian(mean: [-1], variance: [0.1])), (0.75, Gaussian(mean: [1], variance: [0.2]))])
    static let last = Density.gaussian(Gaussian(mean: [2], variance: [0.4]))

    /// The file gives four factors on (1, 2), (3), (4), (5), and log ρ is the sum of the
    /// factors' log-densities (evaluated separately here), to rounding (1e-13 relative).
    @Test func logDensityIsTheSumOfTheFactors() {
        guard case .product(let p) = Self.density else { Issue.record("not a product"); return }
        #expect(p.factors.map(\.coordinates) == [[0, 1], [2], [3], [4]])
        var rng = RandomSource(seed: 1)
        let x: [Double] = rng.gaussians(5 * 30)
        let got = logDensity(Self.density, x, as: Double.self)
        for j in 0..<30 {
            let p = Array(x[(5 * j)..<(5 * j + 5)])
            let want = logDensity(.gaussian(Self.pair), [p[0], p[1]], as: Double.self)[0]
                + logDensity(Self.bimodal, [p[2]], as: Double.self)[0] + logDensity(Self.bimodal, [p[3]], as: Double.self)[0]
                + logDensity(Self.last, [p[4]], as: Double.self)[0]
            #expect(abs(got[j] - want) < 1e-13 * max(1, abs(want)))
        }
        let gotF = logDensity(Self.density, x, as: Float.self)
        for j in 0..<30 { #expect(abs(gotF[j] - got[j]) < 2e-5 * max(1, abs(got[j]))) }
    }

    /// The score against central differences (h = 1e-5; mixture truncation ≲ 1e-9): 1e-7.
    @Test func scoreMatchesFiniteDifferences() {
        var rng = RandomSource(seed: 2)
        let x: [Double] = rng.gaussians(5 * 20)
        let (value, grad) = logDensityAndGradient(Self.density, x, as: Double.self)
        #expect(value == logDensity(Self.density, x, as: Double.self))
        for j in 0..<20 {
            for i in 0..<5 {
                var xp = Array(x[(5 * j)..<(5 * j + 5)]), xm = xp
                xp[i] += 1e-5; xm[i] -= 1e-5
                let fd = (logDensity(Self.density, xp, as: Double.self)[0] - logDensity(Self.density, xm, as: Double.self)[0]) / 2e-5
                #expect(abs(grad[5 * j + i] - fd) < 1e-7 * max(1, abs(fd)))
            }
        }
    }

    /// n = 40 000 samples: per coordinate mean and variance within 5 standard errors (the
    /// mixture's fourth moment for its variance's error), the (x₁, x₂) covariance within 5
    /// standard errors, and the correlation between different factors (x₂, x₃), (x₃, x₄) within
    /// 5/√n of zero; `mean` and `marginalVariance` are the factors'.
    @Test func samplesHaveTheFactorsMoments() {
        let n = 40_000
        var rng = RandomSource(seed: 3)
        let x = Self.density.sample(count: n, rng: &rng)
        // Bimodal: mean 0.25·(−1) + 0.75·1 = 0.5, E x² = 0.25(1.1) + 0.75(1.2) = 1.175, variance 0.925.
        let mean: [Double] = [0, 3, 0.5, 0.5, 2], variance: [Double] = [0.5, 0.3, 0.925, 0.925, 0.4]
        #expect(maxAbs(Self.density.mean, mean) < 1e-15)
        #expect(maxAbs(Self.density.marginalVariance, variance) < 1e-15)
        // Fourth central moment about 0.5: Σ w ((μ − 0.5)⁴ + 6(μ − 0.5)²s + 3s²).
        let left: Double = 5.0625 + 6 * 2.25 * 0.1 + 3 * 0.01
        let right: Double = 0.0625 + 6 * 0.25 * 0.2 + 3 * 0.04
        let bimodalExcess: Double = (0.25 * left + 0.75 * right) / (0.925 * 0.925) - 3
        let excess: [Double] = [0, 0, bimodalExcess, bimodalExcess, 0]
        var m = [Double](repeating: 0, count: 5)
        for j in 0..<n { for i in 0..<5 { m[i] += x[i + 5 * j] / Double(n) } }
        func cov(_ a: Int, _ b: Int) -> Double {
            var c = 0.0
            for j in 0..<n { c += (x[a + 5 * j] - m[a]) * (x[b + 5 * j] - m[b]) }
            return c / Double(n - 1)
        }
        for i in 0..<5 {
            #expect(abs(m[i] - mean[i]) < 5 * (variance[i] / Double(n)).squareRoot())
            let se: Double = variance[i] * ((2 + excess[i]) / Double(n)).squareRoot()
            #expect(abs(cov(i, i) - variance[i]) < 5 * se)
        }
        #expect(abs(cov(0, 1) - 0.2) < 5 * ((0.5 * 0.3 + 0.04) / Double(n)).squareRoot())
        for (a, b) in [(1, 2), (2, 3), (3, 4)] {
            #expect(abs(cov(a, b) / (variance[a] * variance[b]).squareRoot()) < 5 / Double(n).squareRoot())
        }
    }

    /// Moment-matched batches: each factor's mean and covariance exact (1e-12).
    @Test func momentMatchingIsExactPerFactor() {
        let n = 400
        var rng = RandomSource(seed: 4)
        let x = Self.density.sampleMomentMatched(count: n, rng: &rng)
        var m = [Double](repeating: 0, count: 5)
        for j in 0..<n { for i in 0..<5 { m[i] += x[i + 5 * j] / Double(n) } }
        #expect(abs(m[0]) < 1e-12 && abs(m[1] - 3) < 1e-12 && abs(m[4] - 2) < 1e-12)
        var c01 = 0.0, c00 = 0.0
        for j in 0..<n { c01 += (x[5 * j] - m[0]) * (x[5 * j + 1] - m[1]); c00 += (x[5 * j] - m[0]) * (x[5 * j] - m[0]) }
        #expect(abs(c01 / Double(n) - 0.2) < 1e-12 && abs(c00 / Double(n) - 0.5) < 1e-12)
    }

    /// Marginals: inside one factor, that factor's; across 1-D factors, the expanded mixture
    /// (2 × 1 components); the ordering of the requested coordinates is kept.
    @Test func marginals() {
        #expect(Self.density.marginal(on: [1, 0]).isSame(as: .gaussian(Self.pair.marginal(on: [1, 0]))))
        #expect(Self.density.marginal(on: [2]).isSame(as: Self.bimodal))
        let cross = Self.density.marginal(on: [4, 2])
        guard case .mixture(let parts) = cross else { Issue.record("not expanded"); return }
        #expect(parts.count == 2)
        #expect(parts[0].weight == 0.25 && parts[0].component == Gaussian(mean: [2, -1], variance: [0.4, 0.1]))
        #expect(parts[1].weight == 0.75 && parts[1].component == Gaussian(mean: [2, 1], variance: [0.4, 0.2]))
    }
}
