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
        #expect(costs.running.map(\.name) == ["obstacle"] && costs.running[0].weight == 2)
        #expect(costs.terminal.map(\.name) == ["kl"] && costs.terminal[0].weight == 5)
        var rng = RandomSource(seed: 1)
        let n = 7
        let x: [Double] = rng.gaussians(3 * n), logRho: [Double] = rng.gaussians(n)
        /// (f, δ/δρ, ∇f) of a term at the points.
        func evaluate(_ term: any LocalCost) -> ([Double], [Double], [Double]) {
            var f = [Double](repeating: 0, count: n), v = f, sf = f, sv = f
            var gf = [Double](repeating: 0, count: 3 * n), gv = gf
            x.withUnsafeBufferPointer { px in logRho.withUnsafeBufferPointer { pl in
                term.evaluate(LocalCostInput(points: px.baseAddress!, logDensity: pl.baseAddress!, dimension: 3, count: n),
                              LocalCostOutput(value: &f, derivative: &v, valueGradient: &gf, derivativeGradient: &gv,
                                              valueSlope: &sf, derivativeSlope: &sv))
            } }
            return (f, v, gf)
        }
        var want = [Double](repeating: 0, count: n), wantGrad = [Double](repeating: 0, count: 3 * n)
        let q = try #require(p.activeObstacles)
        x.withUnsafeBufferPointer { px in
            want.withUnsafeMutableBufferPointer { pv in wantGrad.withUnsafeMutableBufferPointer { pg in
                q.valueAndGradient(px, count: n, value: pv, gradient: pg) } }
        }
        let (f, v, g) = evaluate(costs.running[0])
        #expect(f == want && v == want && g == wantGrad)
        x.withUnsafeBufferPointer { px in
            want.withUnsafeMutableBufferPointer { pv in wantGrad.withUnsafeMutableBufferPointer { pg in
                p.targetDensity!.logDensityAndGradient(px, count: n, value: pv, gradient: pg) } }
        }
        let (fT, vT, gT) = evaluate(costs.terminal[0])
        #expect(fT == zip(logRho, want).map { $0 - $1 } && vT == fT.map { $0 + 1 } && gT == wantGrad.map { -$0 })
    }
}
