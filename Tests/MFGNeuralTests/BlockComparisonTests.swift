import Foundation
import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

/// A known product density in d = 4 as neural paths, and grid blocks of its factors: what the
/// per-block comparison must find at its noise floor. Coordinate j is N(m_j(t), s_j(t)²),
/// independent of the others, with m_j(t) = a_j + b_j t and s_j(t) = c_j(1 + t/2); x₃ and x₄
/// have the same law (two copies of one 1-D block), (x₁, x₂) is one 2-D block. The samples are
/// drawn exactly from that law at every path time (fresh Gaussians per time: exact marginals are
/// all the comparison reads). ℓ and log ρ₀ are zero: no block is the whole problem, so nothing
/// reads them.
struct ProductGaussianFixture {
    static let d = 4
    static let a = [0.0, 1.5, 0.5, 0.5], b = [0.5, -3.0, -1.0, -1.0], c = [0.55, 0.7, 0.6, 0.6]

    static func mean(_ j: Int, _ t: Double) -> Double { a[j] + b[j] * t }
    static func sigma(_ j: Int, _ t: Double) -> Double { c[j] * (1 + t / 2) }

    /// `n` samples at each of the `steps` + 1 times k/steps (horizon 1).
    static func paths(n: Int, steps: Int, seed: UInt64) -> SolverPaths {
        var rng = RandomSource(seed: seed)
        let times = (0...steps).map { Double($0) / Double(steps) }
        let z = times.map { t in
            let g: [Double] = rng.gaussians(d * n)
            return (0..<(d * n)).map { i in mean(i % d, t) + sigma(i % d, t) * g[i] }
        }
        return SolverPaths(times: times, z: z, ell: times.map { _ in [Double](repeating: 0, count: n) },
                           logRho0: [Double](repeating: 0, count: n))
    }

    /// Φ of the block on `coordinates` (the laws of the first copy): q_j(t)·x_j² summed over the
    /// block's axes, q_j(t) = 1 + j + t.
    static func potential(_ x: [Double], coordinates: [Int], _ t: Double) -> Double {
        zip(x, coordinates).reduce(0) { $0 + (1 + Double($1.1) + t) * $1.0 * $1.0 }
    }

    /// The grid block of the product of the laws of `coordinates` on [−6, 6]^|C| with `cells`
    /// per axis and `steps` time steps, its density shifted by `shift` along the first axis.
    static func block(coordinates: [Int], copies: [[Int]]? = nil, cells: Int, steps: Int, shift: Double = 0) -> ReferenceBlock {
        let grid = CellGrid(coordinates: coordinates, lower: coordinates.map { _ in -6 }, upper: coordinates.map { _ in 6 },
                            counts: coordinates.map { _ in cells })
        var density: [Double] = [], potential: [Double] = []
        for k in 0...steps {
            let t = Double(k) / Double(steps)
            for cell in 0..<grid.cellCount {
                let x = grid.centre(cell)
                var logp = 0.0
                for (axis, j) in coordinates.enumerated() {
                    let y = (x[axis] - mean(j, t) - (axis == 0 ? shift : 0)) / sigma(j, t)
                    logp += -0.5 * y * y - Foundation.log(sigma(j, t)) - 0.5 * Foundation.log(2 * Double.pi)
                }
                density.append(Foundation.exp(logp))
                if k > 0 { potential.append(Self.potential(x, coordinates: coordinates, t)) }
            }
        }
        return ReferenceBlock(grid: grid, steps: steps, horizon: 1, density: density, potential: potential,
                              costs: ReferenceCosts(kinetic: 1, running: 2, terminal: 3), copies: copies)
    }
}

@Suite("Per-block comparison with a block-separable reference")
struct BlockComparisonTests {
    /// 16 384 samples: the histogram estimate fluctuates about its expectation by about 0.6/√n =
    /// 0.0047 (docs/validation.md); the tests allow 5 of those, 0.024.
    static let n = 16384
    static let spread = 5 * 0.6 / Double(n).squareRoot()

    /// The (x₁, x₂) block with nt = 8 and the x₃, x₄ block with nt = 6: the quarter levels of nt = 6
    /// are 0, 2, 3, 5, 6, step times only for S a multiple of 12, so both blocks read paths of 12
    /// steps (`ComparisonSchedule.shared`).
    static let schedules = try! ComparisonSchedule.shared(referenceSteps: [8, 6], runSteps: 4, allLevels: false)
    static let paths = ProductGaussianFixture.paths(n: n, steps: 12, seed: 21)

    /// Blocks built from the samples' own laws on fine grids (96² cells, h = 0.125, for the 2-D
    /// block; 240 cells, h = 0.05, for the 1-D one) give, on every copy and at every compared
    /// time, a histogram L1 within 5 sampling spreads of its noise floor (the grid side's
    /// midpoint-rule cell masses differ from cell integrals by O(h²) ≈ 10⁻³ relative: far below);
    /// the worst copy and the mean of the copies likewise. Moments: 5 standard errors
    /// (s/√n for the mean, s/√(2n) for the standard deviation); grid moments to 2·10⁻³
    /// (midpoint rule, h²/12 in the variance). No carried estimate anywhere.
    @Test func exactProductIsAtTheNoiseFloorOnEveryCopy() throws {
        let f = ProductGaussianFixture.self
        let pair = f.block(coordinates: [0, 1], cells: 96, steps: 8)
        let line = f.block(coordinates: [2], copies: [[2], [3]], cells: 240, steps: 6)
        #expect(Self.schedules.map(\.integratorSteps) == [12, 12] && Self.schedules[1].levels == [0, 2, 3, 5, 6])
        let compared = [BlockComparison(paths: Self.paths, schedule: Self.schedules[0], block: pair, obstacle: nil,
                                        neuralPotentials: nil),
                        BlockComparison(paths: Self.paths, schedule: Self.schedules[1], block: line, obstacle: nil,
                                        neuralPotentials: nil)]
        for b in compared {
            #expect(b.copies.count == b.block.multiplicity && b.rows.count == 5)
            for (i, r) in b.rows.enumerated() {
                for copy in b.copies {
                    let row = copy.rows[i]
                    #expect(row.carried == nil)
                    #expect(abs(row.histogram.value - row.histogram.noiseFloor) < Self.spread,
                            "\(copy.coordinates) t = \(row.time): \(row.histogram.value) vs floor \(row.histogram.noiseFloor)")
                    for (axis, j) in copy.coordinates.enumerated() {
                        let s = f.sigma(j, row.time)
                        #expect(abs(row.neuralMean[axis] - f.mean(j, row.time)) < 5 * s / Double(Self.n).squareRoot())
                        #expect(abs(row.neuralStandardDeviation[axis] - s) < 5 * s / Double(2 * Self.n).squareRoot())
                        #expect(abs(row.gridMean[axis] - f.mean(j, row.time)) < 2e-3 && abs(row.gridStandardDeviation[axis] - s) < 2e-3)
                    }
                }
                #expect(r.worst <= r.noiseFloor + Self.spread && r.meanDistance <= r.worst)
                #expect(abs(r.meanDistance - r.noiseFloor) < Self.spread)
                // The moment ranges span the copies' sample moments.
                let means = b.copies.map { $0.rows[i].neuralMean[0] }
                #expect(r.neuralMean[0].min == means.min()! && r.neuralMean[0].max == means.max()!)
            }
        }
        // The floor is small enough for the check to mean something: below 0.1 (1-D, 24
        // histogram cells) and 0.3 (2-D, 24² cells) at every time.
        #expect(compared[1].rows.allSatisfy { $0.noiseFloor < 0.1 } && compared[0].rows.allSatisfy { $0.noiseFloor < 0.3 })
    }

    /// The 1-D block's density shifted by δ = 1 (σ = 0.6 at t = 0 to 0.9 at T): every copy's
    /// histogram L1 is the L1 distance of the cell masses of the two normal laws, computed here
    /// from distribution functions (1.19 at t = 0 down to 0.84 at T; at most the exact 2(2Φ(δ/2σ) − 1)), within
    /// 5 spreads below and the noise floor plus 5 spreads above (|f − M| ≤ |p − M| + |f − p|);
    /// the largest distance over both blocks is on that block, far above the right block's.
    @Test func shiftedBlockGivesALargeDistance() throws {
        let f = ProductGaussianFixture.self
        let pair = f.block(coordinates: [0, 1], cells: 96, steps: 8)
        let wrong = f.block(coordinates: [2], copies: [[2], [3]], cells: 240, steps: 6, shift: 1)
        let compared = [BlockComparison(paths: Self.paths, schedule: Self.schedules[0], block: pair, obstacle: nil,
                                        neuralPotentials: nil),
                        BlockComparison(paths: Self.paths, schedule: Self.schedules[1], block: wrong, obstacle: nil,
                                        neuralPotentials: nil)]
        for (i, r) in compared[1].rows.enumerated() {
            let coarse = Self.cellMassL1(shift: 1, time: r.time, grid: wrong.grid,
                                         coarsening: compared[1].copies[0].rows[i].histogram.coarsening[0])
            #expect(coarse > 0.8 && coarse <= ExactFlowFixture.shiftedL1(shift: 1, sigma: f.sigma(2, r.time)) + 1e-9)
            for copy in compared[1].copies {
                let h = copy.rows[i].histogram
                #expect(h.value > coarse - Self.spread && h.value < coarse + h.noiseFloor + Self.spread,
                        "\(copy.coordinates) t = \(r.time): \(h.value) vs cell masses \(coarse)")
            }
        }
        let worst = compared.largestDistance
        #expect(worst.block == 1 && worst.level == 0 && worst.distance > 0.9)
        #expect(compared[0].largestDistance.distance < 0.3)
    }

    /// Σ over histogram cells (`coarsening` grid cells each) of |P(cell) − P_shifted(cell)| for
    /// the law of x₃ and its shift by δ.
    static func cellMassL1(shift: Double, time t: Double, grid: CellGrid, coarsening: Int) -> Double {
        let m = ProductGaussianFixture.mean(2, t), s = ProductGaussianFixture.sigma(2, t)
        let (coarse, _) = grid.coarsened(by: [coarsening])
        var sum = 0.0
        for i in 0..<coarse.counts[0] {
            let lo = coarse.lower[0] + Double(i) * coarse.spacing[0], hi = lo + coarse.spacing[0]
            func p(_ mu: Double) -> Double { ExactFlowFixture.normalCDF((hi - mu) / s) - ExactFlowFixture.normalCDF((lo - mu) / s) }
            sum += abs(p(m) - p(m + shift))
        }
        return sum
    }

    /// Φ up to a constant on every copy: the neural Φ of a separable problem is the sum of the
    /// blocks' Φ plus a function of t. Evaluated at `potentialPoints` (the copy's coordinates at
    /// the cell centres, the others 0) with the other block's Φ and 7t + 3 added, it matches the
    /// block's Φ to rounding (1e-12); scaled by 1.5 it is off by exactly 0.5 in relative RMS
    /// (1e-12). At t = 0 the grid's first Φ level is used.
    @Test func potentialUpToAConstantOnEveryCopy() throws {
        let f = ProductGaussianFixture.self, d = f.d
        let line = f.block(coordinates: [2], copies: [[2], [3]], cells: 240, steps: 6)
        let schedule = Self.schedules[1]
        func neural(scale: Double) -> [[[Double]]] {
            (0..<line.multiplicity).map { copy in
                schedule.levels.map { k in
                    let pts = line.potentialPoints(level: k, copy: copy, dimension: d)
                    return (0..<line.grid.cellCount).map { c in
                        let x = Array(pts[(c * (d + 1))..<(c * (d + 1) + d)]), t = pts[c * (d + 1) + d]
                        // The copy's coordinate is the only one off zero.
                        precondition(x.enumerated().allSatisfy { $0.offset == line.copies[copy][0] || $0.element == 0 })
                        let own = f.potential([x[line.copies[copy][0]]], coordinates: [2], t)
                        return scale * own + f.potential([x[0], x[1]], coordinates: [0, 1], t) + 7 * t + 3
                    }
                }
            }
        }
        let right = BlockComparison(paths: Self.paths, schedule: schedule, block: line, obstacle: nil,
                                    neuralPotentials: neural(scale: 1))
        let scaled = BlockComparison(paths: Self.paths, schedule: schedule, block: line, obstacle: nil,
                                     neuralPotentials: neural(scale: 1.5))
        for (r, s) in zip(right.rows, scaled.rows) {
            #expect(try #require(r.potentialDifference) < 1e-12)
            #expect(abs(try #require(s.potentialDifference) - 0.5) < 1e-12)
            #expect(r.potentialLevel == max(r.level, 1))
        }
    }

    /// Blocks with different nt share one integrator step count: the least common multiple of
    /// their own; too many steps are refused as for one block.
    @Test func sharedScheduleServesEveryBlock() throws {
        let s = try ComparisonSchedule.shared(referenceSteps: [8, 6], runSteps: 4, allLevels: false)
        #expect(s[0].levels == [0, 2, 4, 6, 8] && s[0].levels.map(s[0].pathStep) == [0, 3, 6, 9, 12])
        #expect(s[1].levels.map(s[1].pathStep) == [0, 4, 6, 10, 12] && s.allSatisfy { $0.reintegrates && $0.runSteps == 4 })
        let one = try ComparisonSchedule.shared(referenceSteps: [64], runSteps: 4, allLevels: false)
        #expect(one == [try ComparisonSchedule(referenceSteps: 64, runSteps: 4, allLevels: false)])
        #expect(throws: ComparisonError.tooManySteps(needed: 1496, limit: 1024, referenceSteps: 17, runSteps: 4)) {
            try ComparisonSchedule.shared(referenceSteps: [88, 17], runSteps: 4, allLevels: true)
        }
    }
}
