import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

/// What the tests of the sample-coupled terms (`NonlocalCost`) share: evaluating a term and its
/// pullback on plain arrays, the strict Taylor test of the pullback, and the finite-difference
/// check of δF/δρ on a grid of weighted samples.
enum NonlocalTermCheck {
    /// f and v of `term` at x (d × n) with weights w (nil: 1).
    static func evaluate(_ term: any NonlocalCost, x: [Double], w: [Double]?, d: Int, threads: Int = 1)
        -> (f: [Double], v: [Double]) {
        let n = x.count / d
        var f = [Double](repeating: 0, count: n), v = f
        x.withUnsafeBufferPointer { xp in
            w.withOptionalBuffer { wp in
                term.evaluate(NonlocalCostInput(points: xp.baseAddress!, weights: wp, dimension: d, count: n),
                              value: &f, derivative: &v, threads: threads)
            }
        }
        return (f, v)
    }

    /// x̄ = ∂/∂x Σᵢ(aᵢfᵢ + bᵢvᵢ) from `pullback`.
    static func pullback(_ term: any NonlocalCost, x: [Double], w: [Double]?, d: Int, a: [Double], b: [Double]) -> [Double] {
        var bar = [Double](repeating: 0, count: x.count)
        x.withUnsafeBufferPointer { xp in
            w.withOptionalBuffer { wp in
                term.pullback(NonlocalCostInput(points: xp.baseAddress!, weights: wp, dimension: d, count: x.count / d),
                              valueSeed: a, derivativeSeed: b, pointsBar: &bar, threads: 1)
            }
        }
        return bar
    }

    /// The Taylor ratios of L(x) = Σᵢ(aᵢfᵢ + bᵢvᵢ) along a random direction in all points at once,
    /// with the slope from `pullback`, and that gradient (random seeds a, b from `rng`).
    static func pullbackRatios(_ term: any NonlocalCost, x: [Double], w: [Double]?, d: Int, rng: inout RandomSource)
        -> (ratios: [Double], gradient: [Double]) {
        let n = x.count / d
        let a: [Double] = rng.gaussians(n), b: [Double] = rng.gaussians(n), dir: [Double] = rng.gaussians(d * n)
        func loss(_ x: [Double]) -> Double {
            let e = evaluate(term, x: x, w: w, d: d)
            return (0..<n).reduce(0) { $0 + a[$1] * e.f[$1] + b[$1] * e.v[$1] }
        }
        let bar = pullback(term, x: x, w: w, d: d, a: a, b: b)
        let l0 = loss(x), slope = zip(bar, dir).reduce(0) { $0 + $1.0 * $1.1 }
        let ratios = taylorRatiosInAsymptoticRange(probe: 0.05, steps: 6, scale: l0) { eps in
            loss(zip(x, dir).map { $0 + eps * $1 }) - l0 - eps * slope
        }
        return (ratios, bar)
    }

    /// δF/δρ against a central difference of the estimate F(ρ + εη): the samples are the centres of
    /// an m × m grid's cells on [lo, hi]², with weights Wᵢ = nΔAρᵢ (so
    /// (1/n)ΣWᵢg(xᵢ) = ∫gρ by the midpoint rule), ρ a Gaussian of variances 1 and 0.7 centred at
    /// (0.3, −0.2) and η = ρ sin(1.3x₁ − 0.7x₂ + 0.2); F = λ(1/n)ΣWᵢfᵢ, so moving ρ moves the
    /// weights. Returns the difference and λΣΔA vᵢηᵢ, which it must equal.
    static func variationalDerivative(_ term: any NonlocalCost, cells m: Int, lo: Double, hi: Double)
        -> (difference: Double, exact: Double) {
        let d = 2, h = (hi - lo) / Double(m)
        var x = [Double](), rho = [Double](), eta = [Double]()
        for j in 0..<m {
            for i in 0..<m {
                let x1 = lo + (Double(i) + 0.5) * h, x2 = lo + (Double(j) + 0.5) * h
                x += [x1, x2]
                let r = Double.exp(-0.5 * ((x1 - 0.3) * (x1 - 0.3) + (x2 + 0.2) * (x2 + 0.2) / 0.7)) / (2 * Double.pi * 0.7.squareRoot())
                rho.append(r); eta.append(r * Double.sin(1.3 * x1 - 0.7 * x2 + 0.2))
            }
        }
        let n = m * m, area = h * h
        func cost(_ eps: Double) -> Double {
            let w = (0..<n).map { Double(n) * area * (rho[$0] + eps * eta[$0]) }
            let e = evaluate(term, x: x, w: w, d: d)
            return term.weight * (0..<n).reduce(0) { $0 + w[$1] * e.f[$1] } / Double(n)
        }
        let eps = 1e-4
        let difference = (cost(eps) - cost(-eps)) / (2 * eps)
        let e = evaluate(term, x: x, w: rho.map { Double(n) * area * $0 }, d: d)
        return (difference, term.weight * (0..<n).reduce(0) { $0 + area * e.v[$1] * eta[$1] })
    }

    /// The objective with `term` beside an entropy, evaluated with gradient on 1 and 2 threads for
    /// n random points in d dimensions: the same numbers, bit for bit (the global sums run row by row
    /// in a fixed order; the blocks are summed in block order), and `sampleCosts` agrees with `evaluate`.
    static func expectDeterministicAcrossThreadCounts(_ term: any NonlocalCost, d: Int, n: Int, seed: UInt64) throws {
        _ = blasSingleThreaded
        let net = randomNetwork(Double.self, d: d, m: 5, layers: 2, seed: seed)
        let costs = CostModel<Double>(dimension: d, horizon: 1, kineticWeight: 1, running: [EntropyCost(weight: 0.2)], terminal: [],
                                      hjbWeight: 1, terminalHJBWeight: 0, nonlocal: [term])
        var rng = RandomSource(seed: seed + 1)
        let x0: [Double] = rng.gaussians(d * n), logRho0: [Double] = rng.gaussians(n)
        var results: [(ObjectiveTerms, [Double])] = []
        for threads in [1, 2] {
            let obj = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 2, shape: net.shape, blockSize: 32, threads: threads)
            let r = try obj.evaluate(net, x0: x0, logRho0: logRho0, gradient: true)
            results.append((r.terms, r.gradient!))
            let s = try obj.sampleCosts(net, x0: x0, logRho0: logRho0)
            #expect(s.terms == r.terms)
        }
        #expect(results[0].0 == results[1].0)
        #expect(results[0].1 == results[1].1)
    }
}
