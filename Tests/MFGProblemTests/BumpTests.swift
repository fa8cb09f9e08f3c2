import Testing
import MFGMath
@testable import MFGProblem

@Suite("Bump and preference")
struct BumpTests {
    let obstacle = Bump(amplitude: 50, coordinates: [0, 1], center: [0, 0], variance: [1, 0.5], dimension: 3)

    func values<T: Scalar>(_ b: Bump, _ x: [Double], as: T.Type) -> ([Double], [Double]) {
        let n = x.count / b.dimension
        let xt = x.map { T($0) }
        var v = [T](repeating: 0, count: n), g = [T](repeating: 0, count: x.count)
        xt.withUnsafeBufferPointer { px in
            v.withUnsafeMutableBufferPointer { pv in
                g.withUnsafeMutableBufferPointer { pg in b.valueAndGradient(px, count: n, value: pv, gradient: pg) }
            }
        }
        return (v.map { Double($0) }, g.map { Double($0) })
    }

    /// Q(0) = 50/(2π√0.5) exactly; at (1, 1, 7) it is 50 e^{−½(1 + 2)}/(2π√0.5), whatever x₃ is.
    @Test func obstacleMatchesPaperFormula() {
        let peak = 50 / (2 * Double.pi * 0.5.squareRoot())
        let (v, _) = values(obstacle, [0, 0, 0, 1, 1, 7], as: Double.self)
        #expect(abs(v[0] - peak) < 1e-12 * peak)
        #expect(abs(v[1] - peak * Double.exp(-1.5)) < 1e-12 * peak)
        let (vf, _) = values(obstacle, [0, 0, 0, 1, 1, 7], as: Float.self)
        #expect(abs(vf[1] - peak * Double.exp(-1.5)) < 1e-6 * peak)
    }

    /// Central differences (h = 1e-6): truncation ≈ h²|∂³Q| ≲ 1e-10, rounding ≈ 1e-16·Q/h ≲ 1e-9;
    /// tolerance 1e-7. The third coordinate is not in C, so its derivative is exactly zero.
    @Test func obstacleGradientMatchesFiniteDifferences() {
        var rng = RandomSource(seed: 2)
        let x: [Double] = rng.gaussians(3 * 20)
        let (_, g) = values(obstacle, x, as: Double.self)
        for j in 0..<20 {
            for i in 0..<3 {
                var xp = Array(x[(3 * j)..<(3 * j + 3)]), xm = xp
                xp[i] += 1e-6
                xm[i] -= 1e-6
                let fd = (values(obstacle, xp, as: Double.self).0[0] - values(obstacle, xm, as: Double.self).0[0]) / 2e-6
                #expect(abs(g[3 * j + i] - fd) < 1e-7 * max(1, abs(fd)))
                if i == 2 { #expect(g[3 * j + i] == 0) }
            }
        }
    }

    /// ΔQ against the 5-point finite-difference Laplacian (h = 1e-3, error O(h²) ≈ 1e-6·|∂⁴Q|).
    @Test func obstacleLaplacian() {
        let x = [0.3, -0.4, 2.0]
        var lap = [0.0]
        x.withUnsafeBufferPointer { px in lap.withUnsafeMutableBufferPointer { obstacle.laplacian(px, count: 1, into: $0) } }
        let h = 1e-3
        var fd = 0.0
        let q0 = values(obstacle, x, as: Double.self).0[0]
        for i in 0..<3 {
            var xp = x, xm = x
            xp[i] += h
            xm[i] -= h
            fd += (values(obstacle, xp, as: Double.self).0[0] - 2 * q0 + values(obstacle, xm, as: Double.self).0[0]) / (h * h)
        }
        #expect(abs(lap[0] - fd) < 1e-4 * max(1, abs(fd)))
    }

    /// ½·scale·|x − c|² and its gradient scale·(x − c), exactly (up to rounding).
    @Test func quadraticPreference() {
        let g = Preference.quadratic(center: [1, 2], scale: 3)
        let x = [2.0, 0.0, 1.0, 2.0]
        var v = [0.0, 0.0], grad = [0.0, 0.0, 0.0, 0.0]
        x.withUnsafeBufferPointer { px in
            v.withUnsafeMutableBufferPointer { pv in
                grad.withUnsafeMutableBufferPointer { pg in g.valueAndGradient(px, count: 2, value: pv, gradient: pg) }
            }
        }
        #expect(v == [7.5, 0])
        #expect(grad == [3, -6, 0, 0])
        var v2 = [0.0, 0.0]
        x.withUnsafeBufferPointer { px in v2.withUnsafeMutableBufferPointer { g.value(px, count: 2, into: $0) } }
        #expect(v2 == v)
    }
}

@Suite("Hamiltonian")
struct HamiltonianTests {
    /// H(p) = |p|²/(2α_L) and v = −p/α_L, exact in binary for these values.
    @Test func valueAndVelocity() {
        let h = Hamiltonian(kineticWeight: 2)
        let p: [Float] = [1, 2, -2, 0]
        var v = [Float](repeating: 0, count: 2), vel = [Float](repeating: 0, count: 4)
        p.withUnsafeBufferPointer { pp in
            v.withUnsafeMutableBufferPointer { h.value(pp, dimension: 2, count: 2, into: $0) }
            vel.withUnsafeMutableBufferPointer { h.velocity(pp, dimension: 2, count: 2, into: $0) }
        }
        #expect(v == [1.25, 1])
        #expect(vel == [-0.5, -1, 1, 0])
    }
}

extension BumpTests {
    /// A sum of bumps read through the `PointField` requirements (as the obstacle term calls it),
    /// in both precisions, against its terms evaluated one by one: a 2-D term with coefficient
    /// 0.7, a 1-D term with coefficient −2 and one 1-D bump per coordinate of a range. The value
    /// sums cₖQₖ in term order from the same per-term arithmetic, so it agrees bit for bit in
    /// Double; the gradient forms (cₖQₖ)·y/σ rather than cₖ(Qₖ·y/σ), so it agrees to a few ulp
    /// (tolerance 1e-14 relative to the largest |∇Q|). Float: the same sums rounded to Float at
    /// the end (tolerance 1e-6 relative).
    @Test func bumpSumThroughThePointFieldMatchesItsTerms() {
        let d = 4
        var terms = [BumpSum.Term(coefficient: 0.7, bump: Bump(amplitude: 3, coordinates: [2, 0], center: [0.5, -1],
                                                               variance: [0.4, 1.5], dimension: d)),
                     BumpSum.Term(coefficient: -2, bump: Bump(amplitude: 1, coordinates: [3], center: [0.2],
                                                              variance: [0.3], dimension: d))]
        for i in 0..<d {
            terms.append(BumpSum.Term(coefficient: 1, bump: Bump(amplitude: 1, coordinates: [i], center: [0.3],
                                                                 variance: [0.1], dimension: d)))
        }
        let field: any PointField = Preference.bumps(BumpSum(dimension: d, terms: terms))
        var rng = RandomSource(seed: 5)
        let n = 17
        let x: [Double] = rng.gaussians(d * n)
        var expectedValue = [Double](repeating: 0, count: n), expectedGradient = [Double](repeating: 0, count: d * n)
        for t in terms {
            let (v, g) = values(t.bump, x, as: Double.self)
            for j in 0..<n { expectedValue[j] += t.coefficient * v[j] }
            for k in 0..<(d * n) { expectedGradient[k] += t.coefficient * g[k] }
        }
        let scale = expectedGradient.map(abs).max()!

        var value = [Double](repeating: .nan, count: n), gradient = [Double](repeating: .nan, count: d * n)
        x.withUnsafeBufferPointer { px in value.withUnsafeMutableBufferPointer { pv in
            gradient.withUnsafeMutableBufferPointer { field.valueAndGradient(px, count: n, value: pv, gradient: $0) } } }
        #expect(value == expectedValue)
        #expect(zip(gradient, expectedGradient).allSatisfy { abs($0 - $1) <= 1e-14 * scale })
        var valueOnly = [Double](repeating: .nan, count: n)
        x.withUnsafeBufferPointer { px in valueOnly.withUnsafeMutableBufferPointer { field.value(px, count: n, into: $0) } }
        #expect(valueOnly == expectedValue)

        let xf = x.map { Float($0) }
        var vf = [Float](repeating: .nan, count: n), gf = [Float](repeating: .nan, count: d * n)
        xf.withUnsafeBufferPointer { px in vf.withUnsafeMutableBufferPointer { pv in
            gf.withUnsafeMutableBufferPointer { field.valueAndGradient(px, count: n, value: pv, gradient: $0) } } }
        let vscale = expectedValue.map(abs).max()!
        #expect(zip(vf, expectedValue).allSatisfy { abs(Double($0) - $1) <= 1e-6 * vscale })
        #expect(zip(gf, expectedGradient).allSatisfy { abs(Double($0) - $1) <= 1e-6 * scale })
    }
}
