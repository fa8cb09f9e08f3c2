import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

/// The spline form of the separable part against an independent evaluation (the truncated-power
/// formula of the cardinal quintic B-spline); OptionalPartTests runs its Taylor, dense-Hessian,
/// Float and kept-coefficient tests with the other parts.
@Suite("Separable part: quintic splines per coordinate")
struct SplineSeparableTests {
    /// N₆ and its first three derivatives at v: N₆(v) = (1/120) Σ_{k=0}^{6} (−1)ᵏ C(6, k) (v − k)₊⁵.
    static func cardinal(_ v: Double) -> (Double, Double, Double, Double) {
        let binomial: [Double] = [1, 6, 15, 20, 15, 6, 1]
        var n = 0.0, n1 = 0.0, n2 = 0.0, n3 = 0.0
        for k in 0...6 {
            let y = v - Double(k)
            guard y > 0 else { continue }
            let s = (k % 2 == 0 ? 1.0 : -1.0) * binomial[k] / 120
            n += s * y * y * y * y * y; n1 += s * 5 * y * y * y * y
            n2 += s * 20 * y * y * y; n3 += s * 60 * y * y
        }
        return (n, n1, n2, n3)
    }

    /// Φ, ∇ₓΦ, ∂ₜΦ and ΔΦ of the spline part alone at random points (some past the knots' ends)
    /// and times, against the sum Σᵢₘₖ φₖ(τ)θᵢₘₖ N₆((xᵢ − lo)/h + 5 − m) evaluated term by term
    /// with the truncated powers (cancellation there costs a few digits: relative 1e-10).
    @Test func matchesTheTruncatedPowerFormula() throws {
        let d = 3, q = 4, p = 2, horizon = 1.6
        let net = randomNetwork(Double.self, d: d, m: 5, layers: 1, seed: 3,
                                parts: OptionalParts(timeDegree: p, separableWidth: q, timeScale: horizon, alone: true,
                                                     separableForm: .spline, splineRange: -1...1.4))
        let pts = randomPoints(Double.self, d: d, n: 7, seed: 4)
        let out = try net.evaluate(pts)
        let theta = net.parameters[net.layout.block("sep_spline")!.range].map { $0 }
        let nq = q + 5, h = 2.4 / Double(q)
        for s in 0..<7 {
            let t = pts[d, s], tau = t / horizon
            let basis = TimeBasis(degree: p, at: tau)
            var phi = 0.0, dt = 0.0, lap = 0.0, grad = [Double](repeating: 0, count: d)
            for i in 0..<d {
                for m in 0..<nq {
                    let (b, b1, b2, _) = Self.cardinal((pts[i, s] + 1) / h + 5 - Double(m))
                    for k in 0...p {
                        let c = theta[i + d * (m + nq * k)]
                        phi += basis.value[k] * c * b
                        grad[i] += basis.value[k] * c * b1 / h
                        lap += basis.value[k] * c * b2 / (h * h)
                        dt += basis.first[k] / horizon * c * b
                    }
                }
            }
            let scale = max(1, abs(phi), abs(dt), abs(lap), grad.map(abs).max()!)
            #expect(abs(out.phi[s] - phi) <= 1e-10 * scale)
            #expect(abs(out.laplacian[s] - lap) <= 1e-10 * scale)
            #expect(abs(out.gradient[d, s] - dt) <= 1e-10 * scale)
            for i in 0..<d { #expect(abs(out.gradient[i, s] - grad[i]) <= 1e-10 * scale) }
        }
    }

    /// The characteristics objective (RK4: every block one run of equal t, so the tables' path)
    /// differentiates through the spline exactly: every block, sep_spline included, slope 2 at
    /// every step.
    @Test func objectiveGradientTaylor() throws {
        try expectObjectiveGradientTaylor(parts: OptionalParts(quadratic: .diagonal, timeDegree: 2, separableWidth: 5,
                                                               timeScale: 1.5, separableForm: .spline), seed: 95)
    }

    /// The tables a workspace keeps (c, c′, c″ at one τ) follow τ and θ: one workspace evaluating
    /// blocks at alternating times and after a change of θ gives a fresh workspace's values bit for bit.
    @Test func keptTablesFollowTimeAndParameters() throws {
        var net = randomNetwork(Double.self, d: 4, m: 6, layers: 2, seed: 93,
                                parts: OptionalParts(timeDegree: 2, separableWidth: 5, timeScale: 1.5, separableForm: .spline))
        // Coordinate 2's coefficient of B₅ (which covers x in [−1.5, 1.7]).
        try expectKeptValuesFollowTimeAndParameters(&net, changing: net.layout.block("sep_spline")!.offset + 1 + 4 * 5)
    }

    /// The B-splines sum to 1 on the knots' interval: with every coefficient of φ₀ equal to 1
    /// (and all others 0) the part is d there, with zero gradient and Laplacian (to rounding).
    @Test func basisIsAPartitionOfUnity() throws {
        let d = 2, q = 6
        let shape = try NetworkShape(dimension: d, width: 3, residualLayers: 1, timeDegree: 1, separableWidth: q,
                                     separableForm: .spline, splineRange: -2...3)
        var rng = RandomSource(seed: 1)
        var net = PotentialNetwork<Double>.initialized(shape: shape, rng: &rng)
        var theta = [Double](repeating: 0, count: net.layout.count)
        let block = net.layout.block("sep_spline")!
        for j in 0..<(q + 5) { for i in 0..<d { theta[block.offset + i + d * j] = 1 } }
        net.parameters = theta
        var points: [Double] = []
        for k in 0..<11 { let x = -2 + 0.5 * Double(k); points += [x, 1 - x, 0.3 * Double(k)] }
        let out = try net.evaluate(try Matrix(rows: d + 1, cols: 11, storage: points))
        for s in 0..<11 {
            #expect(abs(out.phi[s] - Double(d)) <= 1e-13)
            #expect(abs(out.laplacian[s]) <= 1e-11)
            for r in 0...d { #expect(abs(out.gradient[r, s]) <= 1e-12) }
        }
    }

    /// The layout: sep_spline is d × (q + 5)(p + 1) after the other blocks, zero at the start
    /// (Φ starts as the network without it); the time degree is kept without a quadratic part.
    @Test func layoutAndInitialisation() throws {
        let shape = try NetworkShape(dimension: 4, width: 6, residualLayers: 2, timeDegree: 3, separableWidth: 7,
                                     timeScale: 2, separableForm: .spline)
        #expect(shape.timeDegree == 3 && shape.splineBasisCount == 12)
        var rng = RandomSource(seed: 7)
        let net = PotentialNetwork<Double>.initialized(shape: shape, rng: &rng)
        let b = net.layout.block("sep_spline")!
        #expect(b.rows == 4 && b.cols == 48 && b.range.upperBound == net.layout.count)
        #expect(net.parameters[b.range].allSatisfy { $0 == 0 })
        #expect(throws: NetworkError.self) {
            try NetworkShape(dimension: 2, width: 3, residualLayers: 1, separableWidth: 2, separableForm: .spline,
                             splineRange: 1...1)
        }
    }
}
