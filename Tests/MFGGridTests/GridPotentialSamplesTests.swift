import Foundation
import Testing
@testable import MFGGrid

/// The points a start from a grid is fitted to: cells drawn ∝ ρ, Φ and its centred-difference
/// gradient there, blocks put together coordinate by coordinate.
@Suite("Grid potential samples")
struct GridPotentialSamplesTests {
    /// A synthetic solution on [-2, 2]² (or [-2, 2] when 1-D): Φ(x, t) = `phi`, and at level k a
    /// density concentrated round x₁ = `centre(k)` (a Gaussian of standard deviation 0.4 on the
    /// cells, zero on the boundary cells, where the one-sided gradient would not be exact).
    static func solution(nx: Int, ny: Int, nt: Int, centre: (Int) -> Double,
                         phi: (Double, Double, Double) -> Double) -> GridSolution {
        let g = GridGeometry(nx: nx, ny: ny, nt: nt, x1Lower: -2, x1Upper: 2,
                             x2Lower: ny == 1 ? -0.5 : -2, x2Upper: ny == 1 ? 0.5 : 2, horizon: 1)
        var density: [Double] = []
        for k in 0...nt {
            let level = g.sample { x, y in
                if abs(x) > 2 - g.dx || (ny > 1 && abs(y) > 2 - g.dy) { return 0 }
                let r = ((x - centre(k)) * (x - centre(k)) + (ny == 1 ? 0 : y * y)) / (2 * 0.16)
                return exp(-r)
            }
            let mass = g.integral(level)
            density += level.map { $0 / mass }
        }
        var potential: [Double] = []
        for k in 1...nt { potential += g.sample { x, y in phi(x, y, Double(k) * g.dt) } }
        return GridSolution(geometry: g, density: density, momentum1: [], momentum2: [], potential: potential,
                            primal: GridPrimal(zeroFor: g), costs: .init(kinetic: 0, obstacle: 0, entropy: 0, terminal: 0),
                            iterations: 0, residuals: .init(constraint: 0, optimality: 0, constraintHminus1: 0),
                            converged: true, primalStep: 0, dualStep: 0)
    }

    static func phi2(_ x: Double, _ y: Double, _ t: Double) -> Double { 0.7 * x * x - 0.3 * x * y + 1.1 * y + 2 * t * x }

    @Test func gradientsValuesAndTimesOfOneTwoDimensionalBlock() {
        let s = Self.solution(nx: 32, ny: 32, nt: 4, centre: { 0.25 * Double($0) - 0.5 }, phi: Self.phi2)
        let n = 4000
        let samples = GridPotentialSamples(blocks: [.init(solution: s, occurrences: [[0, 1]])], dimension: 2,
                                           count: n, seed: 5)
        #expect(samples.count == n && samples.points.count == 3 * n && samples.gradients.count == 2 * n)
        var meanX = [Double](repeating: 0, count: 5), counts = [Int](repeating: 0, count: 5)
        for i in 0..<n {
            let x = samples.points[3 * i], y = samples.points[3 * i + 1], t = samples.points[3 * i + 2]
            // Time cycles over the levels 1…nt: each gets n/nt points.
            #expect(abs(t - Double(1 + i % 4) * 0.25) < 1e-15)
            // Centred differences are exact for a quadratic (no draw lands on the boundary).
            #expect(abs(samples.gradients[2 * i] - (1.4 * x - 0.3 * y + 2 * t)) < 1e-12)
            #expect(abs(samples.gradients[2 * i + 1] - (-0.3 * x + 1.1)) < 1e-12)
            #expect(abs(samples.values[i] - Self.phi2(x, y, t)) < 1e-12)
            let k = 1 + i % 4
            meanX[k] += x; counts[k] += 1
        }
        // Drawn ∝ ρ: the mean of x₁ at level k is the density's centre, within 5 standard errors
        // (0.4/√1000 = 0.013; the cell-centre lattice adds no bias for a symmetric density).
        for k in 1...4 {
            #expect(abs(meanX[k] / Double(counts[k]) - (0.25 * Double(k) - 0.5)) < 5 * 0.4 / Double(counts[k]).squareRoot())
        }
    }

    @Test func blocksAreConcatenatedAndTheirPotentialsAdded() {
        // d = 4: a 2-D block on (x1, x4) and a 1-D block occurring at x2 and x3.
        let two = Self.solution(nx: 32, ny: 32, nt: 4, centre: { _ in 0 }, phi: Self.phi2)
        let one = Self.solution(nx: 40, ny: 1, nt: 8, centre: { _ in 0.5 }, phi: { x, _, t in -0.5 * x * x + t })
        let n = 200
        let s = GridPotentialSamples(blocks: [.init(solution: two, occurrences: [[0, 3]]),
                                              .init(solution: one, occurrences: [[1], [2]])],
                                     dimension: 4, count: n, seed: 9)
        var differentDraws = 0
        for i in 0..<n {
            let p = Array(s.points[(5 * i)..<(5 * i + 5)]), g = Array(s.gradients[(4 * i)..<(4 * i + 4)])
            // The sample's time is one of the 8 levels of the finer block; the 4-step block is
            // read at its nearest level.
            let t = p[4]
            #expect(abs(t - Double(1 + i % 8) / 8) < 1e-15)
            let t2 = min(4, max(1, (t * 4).rounded())) / 4
            #expect(abs(g[0] - (1.4 * p[0] - 0.3 * p[3] + 2 * t2)) < 1e-12)
            #expect(abs(g[3] - (-0.3 * p[0] + 1.1)) < 1e-12)
            #expect(abs(g[1] + p[1]) < 1e-12 && abs(g[2] + p[2]) < 1e-12)
            let expected = Self.phi2(p[0], p[3], t2) + (-0.5 * p[1] * p[1] + t) + (-0.5 * p[2] * p[2] + t)
            #expect(abs(s.values[i] - expected) < 1e-12)
            if p[1] != p[2] { differentDraws += 1 }
        }
        // Each occurrence draws its own cell.
        #expect(differentDraws > n / 2)
    }

    /// Φ(x, y, t) = 0.2x³ − 0.1y³ + 0.7x² − 0.3xy + 1.1y + 2tx: second differences are exact for
    /// cubics, so ΔₓΦ = 1.2x + 1.4 − 0.6y at every drawn point; a product of a 2-D and a 1-D block
    /// (the 1-D block's Φ = 0.3x³ − ½tx² + t: Δ = 1.8x − t) sums the blocks' Laplacians.
    static func cubic2(_ x: Double, _ y: Double, _ t: Double) -> Double {
        0.2 * x * x * x - 0.1 * y * y * y + 0.7 * x * x - 0.3 * x * y + 1.1 * y + 2 * t * x
    }

    /// Each coordinate's ∂²Φ/∂xᵢ² is its own block's second difference along that axis (exact
    /// for a cubic: the centred second difference of x³ is 6x), and ΔₓΦ their sum.
    @Test func laplaciansAreTheSecondDifferencesSummedOverBlocks() {
        let two = Self.solution(nx: 32, ny: 24, nt: 4, centre: { 0.2 * Double($0) - 0.4 }, phi: Self.cubic2)
        let one = Self.solution(nx: 40, ny: 1, nt: 4, centre: { _ in 0.5 },
                                phi: { x, _, t in 0.3 * x * x * x - 0.5 * t * x * x + t })
        let n = 1000
        let single = GridPotentialSamples(blocks: [.init(solution: two, occurrences: [[0, 1]])], dimension: 2,
                                          count: n, seed: 3)
        #expect(single.laplacians.count == n)
        for i in 0..<n {
            let x = single.points[3 * i], y = single.points[3 * i + 1]
            #expect(abs(single.laplacians[i] - (1.2 * x + 1.4 - 0.6 * y)) < 1e-9)
            #expect(abs(single.hessianDiagonals[2 * i] - (1.2 * x + 1.4)) < 1e-9)
            #expect(abs(single.hessianDiagonals[2 * i + 1] + 0.6 * y) < 1e-9)
        }
        // d = 4: the 2-D block on (x1, x3), the 1-D block at x2 and x4.
        let s = GridPotentialSamples(blocks: [.init(solution: two, occurrences: [[0, 2]]),
                                              .init(solution: one, occurrences: [[1], [3]])],
                                     dimension: 4, count: n, seed: 4)
        for i in 0..<n {
            let p = Array(s.points[(5 * i)..<(5 * i + 5)]), t = p[4]
            let expected = (1.2 * p[0] + 1.4 - 0.6 * p[2]) + (1.8 * p[1] - t) + (1.8 * p[3] - t)
            #expect(abs(s.laplacians[i] - expected) < 1e-9)
            let diagonal = [1.2 * p[0] + 1.4, 1.8 * p[1] - t, -0.6 * p[2], 1.8 * p[3] - t]
            for a in 0..<4 { #expect(abs(s.hessianDiagonals[4 * i + a] - diagonal[a]) < 1e-9) }
        }
    }

    /// In a boundary cell the second difference is the nearest interior cell's (exact for a
    /// quadratic, whose second difference is the same everywhere); an axis of fewer than 3
    /// cells adds 0.
    @Test func laplacianAtTheBoundary() {
        let s = Self.solution(nx: 8, ny: 8, nt: 2, centre: { _ in 0 }, phi: { x, y, _ in 0.7 * x * x - 0.4 * y * y + x * y })
        for (i, j) in [(0, 0), (7, 3), (2, 7), (7, 7)] {
            let (_, _, _, h1, h2) = GridPotentialSamples.potential(s, level: 2, i: i, j: j)
            #expect(abs(h1 - 1.4) < 1e-12 && abs(h2 + 0.8) < 1e-12)
        }
        let narrow = Self.solution(nx: 8, ny: 2, nt: 2, centre: { _ in 0 }, phi: { x, y, _ in 0.7 * x * x + 5 * y * y })
        let (_, _, _, h1, h2) = GridPotentialSamples.potential(narrow, level: 1, i: 3, j: 1)
        #expect(abs(h1 - 1.4) < 1e-12 && h2 == 0)
    }

    @Test func seededAndDeterministic() {
        let s = Self.solution(nx: 16, ny: 16, nt: 4, centre: { _ in 0 }, phi: Self.phi2)
        let a = GridPotentialSamples(blocks: [.init(solution: s, occurrences: [[0, 1]])], dimension: 2, count: 100, seed: 1)
        let b = GridPotentialSamples(blocks: [.init(solution: s, occurrences: [[0, 1]])], dimension: 2, count: 100, seed: 1)
        let c = GridPotentialSamples(blocks: [.init(solution: s, occurrences: [[0, 1]])], dimension: 2, count: 100, seed: 2)
        #expect(a.points == b.points && a.values == b.values)
        #expect(a.points != c.points)
    }
}
