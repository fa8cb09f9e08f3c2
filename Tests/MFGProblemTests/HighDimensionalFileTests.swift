import Foundation
import Testing
import MFGMath
@testable import MFGProblem

/// The problem-file forms for problems in which every coordinate matters: full covariances
/// (inline, from files, rotated), bump lists and bumps per coordinate.
@Suite("High-dimensional problem files")
struct HighDimensionalFileTests {
    static func problem(d: Int, initial: String, target: String, extra: String = "") throws -> Problem {
        try Problem.parse(yaml: """
            dimension: \(d)
            horizon: 1
            kinetic_weight: 2
            initial_density: \(initial)
            target_density: \(target)
            terminal_cost: {type: kl, weight: 5}
            penalties: {hjb: 1, terminal_hjb: 1}
            \(extra)
            """, file: "x.yaml")
    }

    /// `variance` + `rotation: {seed}` is Q diag(v) Qᵀ with Q = RandomSource(seed).orthogonalMatrix
    /// (to rounding, 1e-15); loading twice gives the same bits; the same seed in ρ₀ and ρ₁ makes
    /// covariances that commute to rounding (relative commutator < 1e-14), another seed not.
    @Test func seededRotations() throws {
        let d = 10
        let v0 = (1...d).map { 0.1 * Double($0) }, v1 = (1...d).map { 2 - 0.1 * Double($0) }
        func list(_ v: [Double]) -> String { "[" + v.map { String($0) }.joined(separator: ", ") + "]" }
        let p = try Self.problem(d: d, initial: "{type: gaussian, mean: 0, variance: \(list(v0)), rotation: {seed: 11}}",
                                 target: "{type: gaussian, mean: 1, variance: \(list(v1)), rotation: {seed: 11}}")
        guard case .gaussian(let g0) = p.initialDensity, case .gaussian(let g1)? = p.targetDensity else {
            Issue.record("not Gaussians"); return
        }
        var rng = RandomSource(seed: 11)
        let q = rng.orthogonalMatrix(dimension: d)
        for i in 0..<d {
            for j in 0..<d {
                let want = (0..<d).reduce(0.0) { $0 + q[i, $1] * v0[$1] * q[j, $1] }
                #expect(abs(g0.covariance[i, j] - want) < 1e-15)
            }
        }
        let again = try Self.problem(d: d, initial: "{type: gaussian, mean: 0, variance: \(list(v0)), rotation: {seed: 11}}",
                                     target: "{type: gaussian, mean: 1, variance: \(list(v1)), rotation: {seed: 11}}")
        guard case .gaussian(let h0) = again.initialDensity else { Issue.record("not Gaussian"); return }
        #expect(h0 == g0)
        #expect(CommonEigenbasis.relativeCommutator(g0.covariance, g1.covariance) < 1e-14)
        let other = try Self.problem(d: d, initial: "{type: gaussian, mean: 0, variance: \(list(v0)), rotation: {seed: 11}}",
                                     target: "{type: gaussian, mean: 1, variance: \(list(v1)), rotation: {seed: 12}}")
        guard case .gaussian(let k1)? = other.targetDensity else { Issue.record("not Gaussian"); return }
        #expect(CommonEigenbasis.relativeCommutator(g0.covariance, k1.covariance) > 0.01)
    }

    /// A problem next to its covariance files: .npy and .csv give the same Gaussian.
    @Test func covarianceFilesNextToTheProblem() throws {
        let p = try Problem.load(path: covarianceFixtures + "/full-covariance-d3.yaml")
        guard case .gaussian(let g0) = p.initialDensity, case .gaussian(let g1)? = p.targetDensity else {
            Issue.record("not Gaussians"); return
        }
        #expect(g0.full != nil && g0.covariance == g1.covariance)
        #expect(g0.covariance[0, 2] == -0.3 && g0.mean == [0, 1, 0])
    }

    /// Several obstacles with one weight share it as λ_Q; different weights move into the
    /// coefficients (λ_Q = 1); `each` gives one 1-D bump per coordinate; Q is the sum (checked at
    /// points, 1e-14) and its gradient matches central differences (1e-7).
    @Test func obstacleLists() throws {
        let base = "{type: gaussian, mean: 0, variance: 1}"
        let same = try Self.problem(d: 4, initial: base, target: base, extra: """
            running_cost:
              obstacle:
                - {weight: 2, amplitude: 50, coordinates: [1, 2], center: [0, 0], variance: [1, 0.5]}
                - {weight: 2, amplitude: 3, each: {from: 3, to: 4}, center: 0.5, variance: 0.2}
            """)
        #expect(same.obstacleWeight == 2 && same.obstacle == nil)
        let q = try #require(same.activeObstacles)
        #expect(q.terms.count == 3 && q.terms.allSatisfy { $0.coefficient == 1 })
        #expect(q.terms.map(\.bump.coordinates) == [[0, 1], [2], [3]])
        #expect(q.terms.map(\.source) == ["running_cost.obstacle[1]", "running_cost.obstacle[2]", "running_cost.obstacle[2]"])
        let mixed = try Self.problem(d: 4, initial: base, target: base, extra: """
            running_cost:
              obstacle:
                - {weight: 2, amplitude: 50, coordinates: [1, 2], center: [0, 0], variance: [1, 0.5]}
                - {weight: 3, amplitude: 3, each: {from: 3, to: 4}, center: 0.5, variance: 0.2}
            """)
        #expect(mixed.obstacleWeight == 1 && mixed.activeObstacles!.terms.map(\.coefficient) == [2, 3, 3])
        var rng = RandomSource(seed: 1)
        let x: [Double] = rng.gaussians(4 * 10)
        var v = [Double](repeating: 0, count: 10), g = [Double](repeating: 0, count: 40)
        x.withUnsafeBufferPointer { px in v.withUnsafeMutableBufferPointer { pv in g.withUnsafeMutableBufferPointer { pg in
            q.valueAndGradient(px, count: 10, value: pv, gradient: pg) } } }
        func direct(_ p: [Double]) -> Double {
            let peak: Double = 50 / (2 * Double.pi * 0.5.squareRoot())
            let r2: Double = p[0] * p[0] + p[1] * p[1] / 0.5
            var q: Double = peak * Double.exp(-0.5 * r2)
            let scale: Double = 3 / (2 * Double.pi * 0.2).squareRoot()
            for i in 2...3 {
                let y: Double = p[i] - 0.5
                q += scale * Double.exp(-0.5 * y * y / 0.2)
            }
            return q
        }
        for j in 0..<10 {
            let p = Array(x[(4 * j)..<(4 * j + 4)])
            #expect(abs(v[j] - direct(p)) < 1e-14 * max(1, direct(p)))
            for i in 0..<4 {
                var pp = p, pm = p
                pp[i] += 1e-6; pm[i] -= 1e-6
                let fd = (direct(pp) - direct(pm)) / 2e-6
                #expect(abs(g[4 * j + i] - fd) < 1e-7 * max(1, abs(fd)))
            }
        }
    }

    /// Today's single-mapping obstacle stays one bump with its weight as λ_Q, evaluated by the bump
    /// itself (the same numbers as before).
    @Test func singleObstacleIsUnchanged() throws {
        let p = try Problem.load(path: problemsDirectory + "/crowd-motion-d10.yaml")
        #expect(p.obstacle == Bump(amplitude: 50, coordinates: [0, 1], center: [0, 0], variance: [1, 0.5], dimension: 10))
        #expect(p.obstacleWeight == 1 && p.activeObstacles?.single == p.obstacle)
    }

    /// A preference bump with `each` is a sum of 1-D bumps; a list of bumps is their sum.
    @Test func preferencePerCoordinate() throws {
        let p = try Problem.parse(yaml: """
            dimension: 3
            horizon: 1
            kinetic_weight: 1
            initial_density: {type: gaussian, mean: 0, variance: 1}
            terminal_cost:
              type: preference
              weight: 1
              g: {type: bump, amplitude: -2, each: [1, 3], center: 1, variance: 0.5}
            penalties: {hjb: 1, terminal_hjb: 1}
            """, file: "x.yaml")
        guard case .preference(_, .bumps(let s)) = p.terminal else { Issue.record("not a bump sum"); return }
        #expect(s.terms.map(\.bump.coordinates) == [[0], [2]])
        #expect(s.terms.allSatisfy { $0.bump.amplitude == -2 && $0.bump.center == [1] && $0.bump.variance == [0.5] })
    }
}
