import Testing
import MFGProblem
@testable import MFGGrid

/// A problem file whose obstacle is a list (a 2-D bump plus a 1-D bump per coordinate) reaches
/// the grid as the sum, sampled at the cell centres (1e-14: the same numbers evaluated twice).
@Suite("Obstacle lists on the grid")
struct ObstacleSumGridTests {
    @Test func gridSamplesTheSumOfTheObstacles() throws {
        let p = try Problem.parse(yaml: """
            dimension: 2
            horizon: 1
            kinetic_weight: 1
            initial_density: {type: gaussian, mean: [0, 2], variance: 0.3}
            target_density: {type: gaussian, mean: [0, -2], variance: 0.3}
            running_cost:
              obstacle:
                - {weight: 2, amplitude: 5, coordinates: [1, 2], center: [0, 0], variance: [1, 0.5]}
                - {weight: 3, amplitude: 1, each: [1, 2], center: 0.5, variance: 0.2}
            terminal_cost: {type: kl, weight: 5}
            penalties: {hjb: 1, terminal_hjb: 1}
            """, file: "x.yaml")
        let grid = try GridProblem(problem: p, domain: [-5...5, -6...6], nx: 16, ny: 20)
        let q = try #require(grid.obstacle)
        let sum = try #require(p.activeObstacles)
        #expect(p.obstacleWeight == 1 && grid.lambdaQ == 1)
        let geo = GridGeometry(nx: 16, ny: 20, nt: 1, x1Lower: -5, x1Upper: 5, x2Lower: -6, x2Upper: 6, horizon: 1)
        for j in 0..<20 {
            for i in 0..<16 {
                let (a, b) = geo.centre(i, j)
                var v = [0.0]
                [a, b].withUnsafeBufferPointer { x in v.withUnsafeMutableBufferPointer { sum.value(x, count: 1, into: $0) } }
                let bump = 2 * 5 / (2 * Double.pi * 0.5.squareRoot()) * Double.exp(-0.5 * (a * a + b * b / 0.5))
                let each = [a, b].reduce(0.0) { $0 + 3 / (2 * Double.pi * 0.2).squareRoot() * Double.exp(-0.5 * ($1 - 0.5) * ($1 - 0.5) / 0.2) }
                #expect(abs(q[i + 16 * j] - v[0]) <= 1e-14 * max(1, v[0]))
                #expect(abs(v[0] - (bump + each)) <= 1e-13 * max(1, v[0]))
            }
        }
    }
}
