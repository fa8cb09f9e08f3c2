import Foundation
import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

/// The exact optimal flow of problems/quick.yaml (N(−e₁, 0.3I) → N(e₁, I), α_L = 2, λ_G = 5,
/// T = 1; `GaussianKLTransport`) as neural paths and as a grid reference: the known answer the
/// comparison estimators are tested on. No network is involved: the paths are the closed form's,
/// the carried log-density is log ρ₀(x₀) − d log r(t), the grid holds the exact density (and Φ)
/// at its cell centres.
struct ExactFlowFixture {
    let exact: GaussianKLTransport
    let d: Int

    init(d: Int = 2) {
        self.d = d
        var m0 = [Double](repeating: 0, count: d), m1 = m0
        m0[0] = -1; m1[0] = 1
        exact = GaussianKLTransport(d: d, m0: m0, v0: 0.3, m1: m1, v1: 1, alphaL: 2, lambdaG: 5, T: 1)
    }

    /// `n` agents from ρ₀ (seeded) along the exact paths, at `steps` + 1 equally spaced times.
    func paths(n: Int, steps: Int, seed: UInt64) -> SolverPaths {
        var rng = RandomSource(seed: seed)
        let g: [Double] = rng.gaussians(d * n)
        let x0 = (0..<(d * n)).map { exact.m0[$0 % d] + exact.v0.squareRoot() * g[$0] }
        let times = (0...steps).map { Double($0) / Double(steps) }
        let logRho0 = (0..<n).map { a in exact.logDensity(Array(x0[(a * d)..<((a + 1) * d)]), at: 0) }
        let z = times.map { t in (0..<n).flatMap { a in exact.path(from: Array(x0[(a * d)..<((a + 1) * d)]), at: t) } }
        let ell = times.map { t in
            [Double](repeating: exact.standardDeviations(at: t).reduce(0) { $0 + Foundation.log($1) }
                                - exact.standardDeviations(at: 0).reduce(0) { $0 + Foundation.log($1) }, count: n)
        }
        return SolverPaths(times: times, z: z, ell: ell, logRho0: logRho0)
    }

    /// A grid reference over `coordinates` of [−6, 6]^|C| with `cells` cells per axis and `steps`
    /// time steps, holding the exact marginal density shifted by `shift` along its first axis
    /// (0: the exact one) and the exact Φ (for d = 2; zero otherwise).
    func block(coordinates: [Int] = [0, 1], cells: Int, steps: Int, shift: Double = 0, copies: [[Int]]? = nil) -> ReferenceBlock {
        let grid = CellGrid(coordinates: coordinates, lower: coordinates.map { _ in -6 }, upper: coordinates.map { _ in 6 },
                            counts: coordinates.map { _ in cells })
        var density: [Double] = [], potential: [Double] = []
        for k in 0...steps {
            let t = Double(k) / Double(steps)
            let m = exact.mean(at: t), s = exact.standardDeviations(at: t)
            for c in 0..<grid.cellCount {
                let x = grid.centre(c)
                var logp = 0.0
                for (a, j) in coordinates.enumerated() {
                    let y = (x[a] - m[j] - (a == 0 ? shift : 0)) / s[j]
                    logp += -0.5 * y * y - Foundation.log(s[j]) - 0.5 * Foundation.log(2 * Double.pi)
                }
                density.append(Foundation.exp(logp))
                if k > 0 { potential.append(coordinates.count == d ? exact.value(x, at: t) : 0) }
            }
        }
        return ReferenceBlock(grid: grid, steps: steps, horizon: 1, density: density, potential: potential,
                              costs: ReferenceCosts(kinetic: exact.kineticCost, running: 0, terminal: exact.terminalCost),
                              copies: copies)
    }

    /// L1 distance of N(μ, σ²) and N(μ + δ, σ²) (in any dimension, the shift along one axis):
    /// 2(2Φ(δ/(2σ)) − 1), Φ the standard normal distribution function.
    static func shiftedL1(shift: Double, sigma: Double) -> Double {
        2 * (2 * normalCDF(abs(shift) / (2 * sigma)) - 1)
    }

    static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.squareRoot()) }
}

@Suite("Density comparison against a grid: estimators on known answers")
struct DensityComparisonTests {
    static let fixture = ExactFlowFixture()
    /// 65 536 samples: the carried estimator's standard error is then ≈ 2·10⁻⁴ for the exact
    /// flow and ≈ 3·10⁻³ for the shifted one; the histogram's sampling spread ≈ 0.6/√n = 0.0023.
    static let n = 65536
    static let paths = fixture.paths(n: n, steps: 4, seed: 7)

    /// The carried estimator's bias: bilinear interpolation of the grid density between cell
    /// centres h apart, for a density of standard deviation σ. Measured on this fixture
    /// (`noiseFloorStudy`): 0.127 (h/σ)² at every time and h (64², 128², 192² cells; the sampling
    /// noise is far below); the tests allow 0.14 (h/σ)².
    static func interpolationBias(h: Double, sigma: Double) -> Double { 0.14 * (h / sigma) * (h / sigma) }

    /// The exact flow against a 64² grid (h = 0.1875) of its own density at t = 0, ¼, ½, ¾, 1:
    /// the carried estimate is the interpolation bias alone (0.015 at t = 0, σ = 0.55, down to
    /// 0.005 at T, σ = 0.93), below `interpolationBias` plus 4 standard errors. The histogram
    /// estimate sits at its noise floor, within 5 sampling spreads (0.6/√n each: 0.012).
    @Test func exactFlowAgainstItsOwnDensityIsAtTheNoiseFloor() throws {
        let block = Self.fixture.block(cells: 64, steps: 4)
        let schedule = try ComparisonSchedule(referenceSteps: 4, runSteps: 4, allLevels: false)
        let c = TimeResolvedComparison(paths: Self.paths, schedule: schedule, block: block, obstacle: nil,
                                       neuralPotentials: nil)
        #expect(c.rows.map(\.level) == [0, 1, 2, 3, 4])
        for r in c.rows {
            let carried = try #require(r.carried)
            let bias = Self.interpolationBias(h: 12.0 / 64, sigma: Self.fixture.exact.standardDeviation(at: r.time))
            #expect(carried.value < bias + 4 * carried.standardError, "t = \(r.time): carried \(carried.value), bias \(bias)")
            #expect(abs(r.histogram.value - r.histogram.noiseFloor) < 0.012,
                    "t = \(r.time): histogram \(r.histogram.value), floor \(r.histogram.noiseFloor)")
            #expect(r.histogram.noiseFloor > 0.005 && r.histogram.noiseFloor < 0.05)
        }
    }

    /// With noise (`carriedDensity: false`) there is no carried estimate even though the grid
    /// covers both coordinates, and the distance the tolerances use is the histogram's; the
    /// histogram and the moments are those of the run with the carried estimate (they use the
    /// positions only), so nothing else changes.
    @Test func noisyRunsAreComparedByTheHistogramOnly() throws {
        let block = Self.fixture.block(cells: 64, steps: 4, shift: 0.5)
        let schedule = try ComparisonSchedule(referenceSteps: 4, runSteps: 4, allLevels: false)
        let with = TimeResolvedComparison(paths: Self.paths, schedule: schedule, block: block, obstacle: nil,
                                          neuralPotentials: nil)
        let without = TimeResolvedComparison(paths: Self.paths, schedule: schedule, block: block, obstacle: nil,
                                             neuralPotentials: nil, carriedDensity: false)
        for (a, b) in zip(with.rows, without.rows) {
            #expect(a.carried != nil && b.carried == nil)
            #expect(b.distance == b.histogram.value && b.histogram.value == a.histogram.value)
            #expect(b.neuralMean == a.neuralMean && b.neuralStandardDeviation == a.neuralStandardDeviation)
        }
        #expect(without.largestDistance.distance == without.rows.map(\.histogram.value).max())
        #expect(!without.nonFiniteQuantities.contains { $0.contains("carried") })
    }

    /// The grid density shifted by δ = 0.5 along x₁: ∫|ρ_N − ρ_G| = 2(2Φ(δ/2s(t)) − 1) exactly
    /// (0.70 at t = 0 down to 0.42 at T). The carried estimate must find it within 4 standard
    /// errors plus `interpolationBias`. The histogram estimate sees the L1 distance
    /// of the cell averages (computed exactly here from normal distribution functions), which is
    /// at most the true one: it must match that within 5 sampling spreads (0.012).
    @Test func shiftedDensityIsReportedWithTheRightDistance() throws {
        let delta = 0.5
        let block = Self.fixture.block(cells: 64, steps: 4, shift: delta)
        let schedule = try ComparisonSchedule(referenceSteps: 4, runSteps: 4, allLevels: false)
        let c = TimeResolvedComparison(paths: Self.paths, schedule: schedule, block: block, obstacle: nil,
                                       neuralPotentials: nil)
        for r in c.rows {
            let s = Self.fixture.exact.standardDeviation(at: r.time)
            let exactL1 = ExactFlowFixture.shiftedL1(shift: delta, sigma: s)
            let carried = try #require(r.carried)
            let bias = Self.interpolationBias(h: 12.0 / 64, sigma: s)
            #expect(abs(carried.value - exactL1) < bias + 4 * carried.standardError,
                    "t = \(r.time): carried \(carried.value) ± \(carried.standardError), exact \(exactL1)")
            let coarse = Self.coarseGrainedL1(shift: delta, time: r.time, grid: block.grid, coarsening: r.histogram.coarsening)
            #expect(coarse <= exactL1 + 1e-9)
            #expect(abs(r.histogram.value - coarse) < 0.012, "t = \(r.time): histogram \(r.histogram.value), cell averages \(coarse)")
        }
        // Tolerances see the same number: the largest distance is at t = 0, where s is smallest.
        #expect(c.largestDistance.level == 0)
    }

    /// Σ over histogram cells of |P(cell) − P_shifted(cell)| for the two Gaussians: products of
    /// normal distribution function differences along the two axes.
    static func coarseGrainedL1(shift: Double, time t: Double, grid: CellGrid, coarsening: [Int]) -> Double {
        let e = fixture.exact, m = e.mean(at: t), s = e.standardDeviation(at: t)
        let (coarse, _) = grid.coarsened(by: coarsening)
        func masses(_ axis: Int, _ mean: Double) -> [Double] {
            (0..<coarse.counts[axis]).map { i in
                let a = coarse.lower[axis] + Double(i) * coarse.spacing[axis], b = a + coarse.spacing[axis]
                return ExactFlowFixture.normalCDF((b - mean) / s) - ExactFlowFixture.normalCDF((a - mean) / s)
            }
        }
        let px = masses(0, m[0]), qx = masses(0, m[0] + shift), py = masses(1, m[1])
        var sum = 0.0
        for i in px.indices { for j in py.indices { sum += abs(px[i] - qx[i]) * py[j] } }
        return sum
    }

    /// Per-coordinate moments of both sides match the closed form's m(t), s(t) (grid: midpoint
    /// rule, 1e-6; samples: 5 standard errors, s/√n and s/√(2n)); Φ equal up to a constant gives
    /// 0 (at t = 0 it is taken at the grid's first Φ level, Δt); the core mass of a bump on both
    /// sides agrees within 5 binomial standard errors.
    @Test func momentsPotentialAndCoreMass() throws {
        let block = Self.fixture.block(cells: 64, steps: 4)
        let schedule = try ComparisonSchedule(referenceSteps: 4, runSteps: 4, allLevels: false)
        let e = Self.fixture.exact
        // Φ_N = Φ_exact + 3 on the cells at the level each row asks for.
        let potentials = schedule.levels.map { k in
            let (_, used) = block.potentialField(level: k)
            let t = block.time(level: used)
            let pts = block.grid.centrePoints(time: t, dimension: 2, fill: [0, 0])
            return (0..<block.grid.cellCount).map { c in e.value([pts[3 * c], pts[3 * c + 1]], at: pts[3 * c + 2]) + 3 }
        }
        let bump = Bump(amplitude: 50, coordinates: [0, 1], center: [0, 0], variance: [1, 0.5], dimension: 2)
        let c = TimeResolvedComparison(paths: Self.paths, schedule: schedule, block: block, obstacle: bump,
                                       neuralPotentials: potentials)
        let n = Double(Self.n)
        for r in c.rows {
            let m = e.mean(at: r.time), s = e.standardDeviation(at: r.time)
            for a in 0..<2 {
                #expect(abs(r.gridMean[a] - m[a]) < 1e-6 && abs(r.gridStandardDeviation[a] - s) < 1e-6)
                #expect(abs(r.neuralMean[a] - m[a]) < 5 * s / n.squareRoot(), "t = \(r.time) mean \(a)")
                #expect(abs(r.neuralStandardDeviation[a] - s) < 5 * s / (2 * n).squareRoot(), "t = \(r.time) std \(a)")
            }
            #expect(try #require(r.potentialDifference) < 1e-12)
            #expect(r.potentialLevel == max(r.level, 1))
            let core = try #require(r.coreMass)
            let se = (max(core.grid * (1 - core.grid), 1e-4) / n).squareRoot()
            #expect(abs(core.neural - core.grid) < 5 * se + 0.003, "t = \(r.time): core \(core)")
        }
        // The flow passes near the bump's centre at t = ½: the check is not vacuous.
        #expect(c.rows[2].coreMass!.grid > 0.2)
    }

    /// d = 3 against a 1-D block over coordinate 2 with a copy over coordinate 3 (a marginal of
    /// a block-separable reference): no carried estimate (the carried density is the joint one),
    /// the histogram at its floor for both copies, and the moments of the compared coordinate.
    @Test func marginalBlockInThreeDimensions() throws {
        let f = ExactFlowFixture(d: 3)
        let paths = f.paths(n: 16384, steps: 4, seed: 3)
        let block = f.block(coordinates: [1], cells: 96, steps: 4, copies: [[1], [2]])
        #expect(block.multiplicity == 2)
        let schedule = try ComparisonSchedule(referenceSteps: 4, runSteps: 4, allLevels: false)
        for copy in 0..<2 {
            let c = TimeResolvedComparison(paths: paths, schedule: schedule, block: block, copy: copy, obstacle: nil,
                                           neuralPotentials: nil)
            #expect(c.coordinates == [copy + 1])
            for r in c.rows {
                #expect(r.carried == nil)
                // 1-D: ≈ 24 histogram cells, spread 0.6/√n = 0.005.
                #expect(abs(r.histogram.value - r.histogram.noiseFloor) < 0.025, "copy \(copy) t = \(r.time): \(r.histogram)")
                #expect(abs(r.neuralMean[0]) < 5 * f.exact.standardDeviation(at: r.time) / 128)
                #expect(r.distance == r.histogram.value)
            }
        }
        let costs = ReferenceCosts.sum([block, f.block(coordinates: [0], cells: 8, steps: 4)])
        #expect(abs(costs.kinetic - 3 * f.exact.kineticCost) < 1e-12)
    }

    /// de Moivre's mean absolute deviation of a binomial against the direct sum over its
    /// probability mass function (1e-12), for small and moderate n and p at and off the lattice.
    @Test func binomialMeanAbsoluteDeviation() {
        for (n, p) in [(1, 0.3), (2, 0.5), (20, 0.3), (20, 0.05), (50, 0.5), (200, 0.013), (1000, 0.2)] {
            var direct = 0.0
            for k in 0...n {
                let logPmf = lgamma(Double(n + 1)) - lgamma(Double(k + 1)) - lgamma(Double(n - k + 1))
                    + Double(k) * log(p) + Double(n - k) * log1p(-p)
                direct += exp(logPmf) * abs(Double(k) - Double(n) * p)
            }
            let formula = DensityDistance.binomialMeanAbsoluteDeviation(n: n, p: p)
            #expect(abs(formula - direct) < 1e-12 * max(1, direct), "n = \(n), p = \(p): \(formula) vs \(direct)")
        }
        #expect(DensityDistance.binomialMeanAbsoluteDeviation(n: 10, p: 0) == 0)
        #expect(DensityDistance.binomialMeanAbsoluteDeviation(n: 10, p: 1) == 0)
    }

    /// Which grid levels are compared and with how many integrator steps.
    @Test func scheduleMatchesGridLevelsToStepTimes() throws {
        let quarters = try ComparisonSchedule(referenceSteps: 64, runSteps: 4, allLevels: false)
        #expect(quarters.levels == [0, 16, 32, 48, 64] && quarters.integratorSteps == 4 && !quarters.reintegrates)
        #expect(quarters.levels.map(quarters.pathStep) == [0, 1, 2, 3, 4])
        let eight = try ComparisonSchedule(referenceSteps: 64, runSteps: 8, allLevels: false)
        #expect(eight.integratorSteps == 8 && eight.levels.map(eight.pathStep) == [0, 2, 4, 6, 8])
        let all = try ComparisonSchedule(referenceSteps: 64, runSteps: 4, allLevels: true)
        #expect(all.levels == Array(0...64) && all.integratorSteps == 64 && all.reintegrates)
        // nt = 30: the quarters are levels 0, 8, 15, 23, 30 (7.5 and 22.5 round up); they are step
        // times for S a multiple of 4, 15, 2 and 30: S = 60.
        let odd = try ComparisonSchedule(referenceSteps: 30, runSteps: 4, allLevels: false)
        #expect(odd.levels == [0, 8, 15, 23, 30] && odd.integratorSteps == 60)
        #expect(odd.levels.map(odd.pathStep) == [0, 16, 30, 46, 60])
        #expect(throws: ComparisonError.tooManySteps(needed: 3988, limit: 1024, referenceSteps: 997, runSteps: 4)) {
            try ComparisonSchedule(referenceSteps: 997, runSteps: 4, allLevels: true)
        }
    }

    /// Interpolation reproduces a bilinear function between the centres, is constant over the
    /// outer half-cells and zero outside; 1-D likewise. Coarsening maps fine to coarse cells.
    @Test func cellFieldInterpolationAndCoarsening() {
        let grid = CellGrid(coordinates: [0, 1], lower: [-1, 0], upper: [1, 3], counts: [4, 6])
        let f = CellField(grid: grid, values: (0..<grid.cellCount).map { c in
            let x = grid.centre(c); return 2 * x[0] - x[1] + 0.5 * x[0] * x[1]
        })
        #expect(abs(f.interpolate(0.1, 1.3) - (0.2 - 1.3 + 0.5 * 0.13)) < 1e-12)
        #expect(abs(f.interpolate(-0.95, 0.25) - f.values[0]) < 1e-12)
        #expect(f.interpolate(1.01, 1) == 0 && f.interpolate(0, -0.01) == 0)
        let line = CellField(grid: CellGrid(coordinates: [2], lower: [0], upper: [1], counts: [10]),
                             values: (0..<10).map { 3 * (Double($0) + 0.5) / 10 })
        #expect(abs(line.interpolate(0.42) - 1.26) < 1e-12 && line.interpolate(1.5) == 0)
        let (coarse, map) = grid.coarsened(by: [3, 4])
        #expect(coarse.counts == [2, 2] && coarse.upper(0) == 2 && abs(coarse.upper(1) - 4) < 1e-12)
        #expect(map[grid.index(2, 3)] == coarse.index(0, 0) && map[grid.index(3, 4)] == coarse.index(1, 1))
    }
}

/// The noise floors of docs/validation.md ("Comparing densities at every time"): the exact flow
/// against grids of its own density, for several sample counts and cell sizes. Prints a table;
/// skipped unless MFG_COMPARE_STUDY=1 (release: `MFG_COMPARE_STUDY=1 swift test -c release
/// --filter noiseFloorStudy`).
@Suite("Density comparison: noise-floor study")
struct DensityNoiseFloorStudy {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["MFG_COMPARE_STUDY"] == "1"))
    func noiseFloorStudy() throws {
        let f = ExactFlowFixture()
        let schedule = try ComparisonSchedule(referenceSteps: 4, runSteps: 4, allLevels: false)
        print("cells h n | carried L1 at t = 0, 1/4, 1/2, 3/4, 1 | histogram (floor) at the same times")
        for cells in [64, 128, 192] {
            let block = f.block(cells: cells, steps: 4)
            for n in [4096, 16384, 65536, 262144] {
                let paths = f.paths(n: n, steps: 4, seed: 11)
                let c = TimeResolvedComparison(paths: paths, schedule: schedule, block: block, obstacle: nil, neuralPotentials: nil)
                let carried = c.rows.map { String(format: "%.4f±%.4f", $0.carried!.value, $0.carried!.standardError) }
                let hist = c.rows.map { String(format: "%.4f(%.4f)", $0.histogram.value, $0.histogram.noiseFloor) }
                print("\(cells)² \(String(format: "%.4f", 12 / Double(cells))) \(n) | " + carried.joined(separator: " ")
                      + " | " + hist.joined(separator: " ") + " coarsening \(c.rows[0].histogram.coarsening)")
            }
        }
    }
}
