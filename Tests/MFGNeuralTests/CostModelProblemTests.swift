import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

/// The costs of problem files with the new forms reach the objective: an obstacle list as the
/// summed field with λ_Q, and a full-covariance target as its log-density with score.
@Suite("Cost model from problem files")
struct CostModelProblemTests {
    @Test func obstacleListsAndFullCovarianceTargets() throws {
        let p = try Problem.parse(yaml: """
            dimension: 3
            horizon: 1
            kinetic_weight: 1
            initial_density: {type: gaussian, mean: 0, variance: 0.3}
            target_density: {type: gaussian, mean: 1, variance: [1, 0.5, 2], rotation: {seed: 2}}
            running_cost:
              obstacle:
                - {weight: 2, amplitude: 5, coordinates: [1, 2], center: [0, 0], variance: [1, 0.5]}
                - {weight: 2, amplitude: 1, each: {from: 2, to: 3}, center: 0.5, variance: 0.2}
            terminal_cost: {type: kl, weight: 5}
            penalties: {hjb: 1, terminal_hjb: 1}
            """, file: "x.yaml")
        let costs = CostModel<Double>(problem: p)
        #expect(costs.obstacleWeight == 2)
        let field = try #require(costs.obstacle)
        guard case .kl(_, let logTarget) = costs.terminal else { Issue.record("not KL"); return }
        var rng = RandomSource(seed: 1)
        let n = 7
        let x: [Double] = rng.gaussians(3 * n)
        var v = [Double](repeating: 0, count: n), g = [Double](repeating: 0, count: 3 * n)
        var want = v, wantGrad = g
        let q = try #require(p.activeObstacles)
        x.withUnsafeBufferPointer { px in
            v.withUnsafeMutableBufferPointer { pv in g.withUnsafeMutableBufferPointer { pg in
                field(px.baseAddress!, n, pv.baseAddress!, pg.baseAddress!) } }
            want.withUnsafeMutableBufferPointer { pv in wantGrad.withUnsafeMutableBufferPointer { pg in
                q.valueAndGradient(px, count: n, value: pv, gradient: pg) } }
        }
        #expect(v == want && g == wantGrad)
        x.withUnsafeBufferPointer { px in
            v.withUnsafeMutableBufferPointer { pv in g.withUnsafeMutableBufferPointer { pg in
                logTarget(px.baseAddress!, n, pv.baseAddress!, pg.baseAddress!) } }
            want.withUnsafeMutableBufferPointer { pv in wantGrad.withUnsafeMutableBufferPointer { pg in
                p.targetDensity!.logDensityAndGradient(px, count: n, value: pv, gradient: pg) } }
        }
        #expect(v == want && g == wantGrad)
    }
}
