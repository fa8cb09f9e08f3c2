import Testing
import MFGMath
@testable import MFGProblem

/// Moment-matched batches: exact first and second moments, per mixture component.
/// Tolerances are rounding-level (1e-10): the whitening is exact algebra, so anything larger is
/// a bug, while independent draws miss by O(1/√n) ≈ 1e-2 (checked too, so the test can fail).
@Suite("Moment-matched sampling")
struct MomentMatchingTests {
    /// Mean (d) and covariance (d × d, row-major, 1/n normalisation) of the columns of x.
    func moments(_ x: [Double], d: Int, columns: [Int]) -> (mean: [Double], cov: [Double]) {
        let n = Double(columns.count)
        var m = [Double](repeating: 0, count: d)
        for j in columns { for i in 0..<d { m[i] += x[i + j * d] / n } }
        var c = [Double](repeating: 0, count: d * d)
        for j in columns {
            for a in 0..<d { for b in 0..<d { c[a * d + b] += (x[a + j * d] - m[a]) * (x[b + j * d] - m[b]) / n } }
        }
        return (m, c)
    }

    func diagonal(_ v: [Double]) -> [Double] {
        var c = [Double](repeating: 0, count: v.count * v.count)
        for i in 0..<v.count { c[i * v.count + i] = v[i] }
        return c
    }

    @Test func gaussianBatchHasExactMeanAndCovariance() {
        let g = Gaussian(mean: [1, -2, 0.5, 0, 3], variance: [0.3, 1, 2, 0.3, 0.05])
        var rng = RandomSource(seed: 3)
        let x = Density.gaussian(g).sampleMomentMatched(count: 200, rng: &rng)
        let (m, c) = moments(x, d: 5, columns: Array(0..<200))
        #expect(maxAbs(m, g.mean) < 1e-10)
        #expect(maxAbs(c, diagonal(g.variance)) < 1e-10)
        // Independent draws of the same size are off by ~√(2/200)·σ: the check above is not vacuous.
        var rng2 = RandomSource(seed: 3)
        let y = Density.gaussian(g).sample(count: 200, rng: &rng2)
        let (_, cy) = moments(y, d: 5, columns: Array(0..<200))
        #expect(maxAbs(cy, diagonal(g.variance)) > 1e-3)
    }

    /// Each component of a mixture (weights ½, ¼, ¼; centres 40 apart so that membership is
    /// read off the nearest centre without error) gets its share of the points, with exact
    /// moments; the points are shuffled (not in component order).
    @Test func mixtureComponentsAreMatchedSeparately() {
        let parts: [(weight: Double, component: Gaussian)] = [
            (0.5, Gaussian(mean: [0, 0, 0], variance: [0.3, 1, 0.5])),
            (0.25, Gaussian(mean: [40, 0, 0], isotropicVariance: 2)),
            (0.25, Gaussian(mean: [0, 40, -40], isotropicVariance: 0.1)),
        ]
        let rho = Density.mixture(parts)
        var rng = RandomSource(seed: 5)
        let n = 160
        let x = rho.sampleMomentMatched(count: n, rng: &rng)
        var members = [[Int]](repeating: [], count: 3)
        for j in 0..<n {
            let k = (0..<3).min { a, b in
                let ca = parts[a].component.mean, cb = parts[b].component.mean
                let da = (0..<3).reduce(0.0) { $0 + (x[$1 + j * 3] - ca[$1]) * (x[$1 + j * 3] - ca[$1]) }
                let db = (0..<3).reduce(0.0) { $0 + (x[$1 + j * 3] - cb[$1]) * (x[$1 + j * 3] - cb[$1]) }
                return da < db
            }!
            members[k].append(j)
        }
        #expect(members.map(\.count) == [80, 40, 40])
        for (k, cols) in members.enumerated() {
            let (m, c) = moments(x, d: 3, columns: cols)
            let comp = parts[k].component
            #expect(maxAbs(m, comp.mean) < 1e-10)
            #expect(maxAbs(c, diagonal(comp.variance)) < 1e-10)
        }
        #expect(members[0] != Array(0..<80))
    }

    /// With n ≤ 2d a block is standardised per coordinate: exact means and variances.
    @Test func smallBlocksAreStandardisedPerCoordinate() {
        let g = Gaussian(mean: [0, 1, 2, 3, 4, 5], isotropicVariance: 0.3)
        var rng = RandomSource(seed: 9)
        let x = Density.gaussian(g).sampleMomentMatched(count: 10, rng: &rng)
        let (m, c) = moments(x, d: 6, columns: Array(0..<10))
        #expect(maxAbs(m, g.mean) < 1e-10)
        for i in 0..<6 { #expect(abs(c[i * 6 + i] - 0.3) < 1e-10) }
    }

    @Test func sameSeedSameBatch() {
        let rho = ring(dimension: 2)
        var a = RandomSource(seed: 11), b = RandomSource(seed: 11)
        #expect(rho.sampleMomentMatched(count: 100, rng: &a) == rho.sampleMomentMatched(count: 100, rng: &b))
    }

    @Test func apportionSumsToN() {
        #expect(Density.apportion(10, weights: [0.5, 0.25, 0.25]) == [5, 3, 2])
        #expect(Density.apportion(7, weights: [1.0 / 3, 1.0 / 3, 1.0 / 3]) == [3, 2, 2])
        #expect(Density.apportion(0, weights: [1]) == [0])
    }
}
