import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

/// One conformance test for every cost term (`LocalCost`) the problems can build, the way one
/// test checks every integrator's order: the term's own partials, its variational derivative,
/// and the objective's parameter gradient with the term alone switched on, as a running and as
/// a terminal cost. A new term is one more case of `RegisteredTerm`.
@Suite("Cost terms: the conformance of every registered term")
struct CostTermConformanceTests {
    enum RegisteredTerm: String, CaseIterable, CustomTestStringConvertible {
        case obstacle, obstacleSum, preferenceQuadratic, logQuadratic, entropy, kl, congestion, congestionCubic
        /// Shaped obstacles (`FieldCost` over `ShapedObstacles`): one case per shape, and a list of all three.
        case shapedBox, shapedDisk, shapedCapsule, shapedList
        /// Test-only (`WeightedEntropy`): the one kind whose ∇ₓ(δC/δρ) differs from ∇ₓf, so the
        /// solver's path for such terms (`TrajectoryScratch.stateOffset`) is checked too.
        case weightedEntropy

        var testDescription: String { rawValue }

        /// The term in dimension d (its fields on the first min(d, 2) coordinates).
        func make(d: Int) -> any LocalCost {
            let c = Array([0, 1].prefix(min(d, 2)))
            switch self {
            case .obstacle:
                return FieldCost(name: "obstacle", weight: 1.3,
                                 field: .bump(Bump(amplitude: 4, coordinates: c, center: c.map { 0.2 - 0.3 * Double($0) },
                                                   variance: c.map { 0.8 + 0.4 * Double($0) }, dimension: d)))
            case .obstacleSum:
                let terms = (0..<d).map { i in
                    BumpSum.Term(coefficient: 0.5 + 0.1 * Double(i),
                                 bump: Bump(amplitude: 1.5, coordinates: [i], center: [0.3], variance: [0.4], dimension: d))
                }
                return FieldCost(name: "obstacle", weight: 0.9, field: .bumps(BumpSum(dimension: d, terms: terms)))
            case .preferenceQuadratic:
                return FieldCost(name: "preference", weight: 0.7,
                                 field: .quadratic(center: (0..<d).map { 0.5 - 0.2 * Double($0) }, scale: 1.4))
            case .logQuadratic:
                return LogQuadraticCost(weight: 1.1, field: LogQuadratic(center: (0..<d).map { 0.3 - 0.25 * Double($0) },
                                                                        offset: 0.7, divisor: 2))
            case .entropy:
                return EntropyCost(weight: 0.4)
            case .kl:
                return RelativeEntropyCost(weight: 2, target: .gaussian(Gaussian(mean: [Double](repeating: 0.5, count: d),
                                                                                 isotropicVariance: 1.2)))
            case .congestion:
                return CongestionCost(Congestion(weight: 0.8, exponent: 2))
            case .congestionCubic:
                return CongestionCost(Congestion(weight: 0.5, exponent: 3.5))
            case .shapedBox, .shapedDisk, .shapedCapsule:
                return FieldCost(shapes: ShapedObstacles(dimension: d, obstacles: [CostTermConformanceTests.shape(self, d: d)]))
            case .shapedList:
                return FieldCost(shapes: ShapedObstacles(dimension: d, obstacles: [RegisteredTerm.shapedBox, .shapedDisk, .shapedCapsule]
                                                            .map { CostTermConformanceTests.shape($0, d: d) }))
            case .weightedEntropy:
                return WeightedEntropy(weight: 0.6)
            }
        }
    }

    /// A shaped obstacle on the first min(d, 2) coordinates, placed and softened so that the
    /// test's points (standard normal) fall inside, on and outside its transition layer.
    static func shape(_ kind: RegisteredTerm, d: Int) -> ShapedObstacle {
        let k = min(d, 2), c = Array(0..<k)
        func v(_ a: Double, _ b: Double) -> [Double] { Array([a, b].prefix(k)) }
        let shape: ShapedObstacle.Shape
        let softness: Double
        switch kind {
        case .shapedBox: shape = .box(lower: v(-0.5, -0.3), upper: v(0.4, 0.6)); softness = 0.5
        case .shapedDisk: shape = .disk(center: v(0.1, -0.2), radius: 0.7); softness = 0.4
        default: shape = .capsule(from: v(-0.5, 0.2), to: v(0.6, -0.3), radius: 0.4); softness = 0.3
        }
        return ShapedObstacle(shape: shape, weight: 1.1, amplitude: 3, softness: softness, coordinates: c, dimension: d)
    }

    /// f, v = δC/δρ/λ and the four partials of `term` at n points x (d × n) with log ρ = ℓ.
    struct Evaluation {
        var f: [Double], v: [Double], gf: [Double], gv: [Double], sf: [Double], sv: [Double]
    }

    static func evaluate(_ term: any LocalCost, x: [Double], logRho: [Double], d: Int) -> Evaluation {
        let n = logRho.count
        var e = Evaluation(f: .init(repeating: 0, count: n), v: .init(repeating: 0, count: n),
                           gf: .init(repeating: 0, count: d * n), gv: .init(repeating: 0, count: d * n),
                           sf: .init(repeating: 0, count: n), sv: .init(repeating: 0, count: n))
        x.withUnsafeBufferPointer { px in logRho.withUnsafeBufferPointer { pl in
            term.evaluate(LocalCostInput(points: px.baseAddress!, logDensity: pl.baseAddress!, dimension: d, count: n),
                          LocalCostOutput(value: &e.f, derivative: &e.v, valueGradient: &e.gf, derivativeGradient: &e.gv,
                                          valueSlope: &e.sf, derivativeSlope: &e.sv))
        } }
        if !term.dependsOnState { e.gf = .init(repeating: 0, count: d * n); e.gv = e.gf }
        else if term.stateGradientsAgree { e.gv = e.gf }
        if !term.dependsOnDensity { e.sf = .init(repeating: 0, count: n); e.sv = e.sf }
        return e
    }

    /// Taylor test of the local partials in (x, log ρ) jointly, for f and for v: along a random
    /// direction, the remainder of the first-order model must fall with slope 2 at every step of
    /// the sequence (`taylorRatiosInAsymptoticRange`), or, for a term affine along it (entropy),
    /// vanish to rounding at the probe (a wrong slope leaves a first-order term there and fails).
    @Test(arguments: RegisteredTerm.allCases)
    func localPartialsPassStrictTaylorTests(_ registered: RegisteredTerm) {
        let d = 3, n = 5
        let term = registered.make(d: d)
        var rng = RandomSource(seed: 7)
        let x: [Double] = rng.gaussians(d * n), logRho: [Double] = rng.gaussians(n).map { $0 - 1 }
        let dx: [Double] = rng.gaussians(d * n), dl: [Double] = rng.gaussians(n), c: [Double] = rng.gaussians(n)
        let base = Self.evaluate(term, x: x, logRho: logRho, d: d)
        for (label, value, grad, slope) in [("f", \Evaluation.f, \Evaluation.gf, \Evaluation.sf),
                                            ("δC/δρ", \Evaluation.v, \Evaluation.gv, \Evaluation.sv)] {
            func loss(_ e: Evaluation) -> Double { zip(c, e[keyPath: value]).reduce(0) { $0 + $1.0 * $1.1 } }
            var directional = 0.0
            for i in 0..<n {
                directional += c[i] * base[keyPath: slope][i] * dl[i]
                for j in 0..<d { directional += c[i] * base[keyPath: grad][i * d + j] * dx[i * d + j] }
            }
            let l0 = loss(base)
            let remainder = { (eps: Double) -> Double in
                let moved = Self.evaluate(term, x: zip(x, dx).map { $0 + eps * $1 },
                                          logRho: zip(logRho, dl).map { $0 + eps * $1 }, d: d)
                return loss(moved) - l0 - eps * directional
            }
            let probe = 1e-2
            if abs(remainder(probe)) <= 1e-12 * max(1, abs(l0)) {
                continue   // affine along the direction, and the slope is right
            }
            let ratios = taylorRatiosInAsymptoticRange(probe: probe, steps: 6, scale: l0, remainder)
            #expect(showsSecondOrderAtEveryStep(ratios), "\(registered) \(label): ratios \(ratios)")
        }
    }

    /// δC/δρ against a central difference of C(ρ + εη) = λ∫f(x, log(ρ + εη))(ρ + εη) in d = 1,
    /// both on the same trapezoid grid (so the quadrature error cancels and only the difference's
    /// O(ε²) ≈ 1e-10 and rounding ≈ 1e-16/ε remain; asked: relative 1e-7).
    @Test(arguments: RegisteredTerm.allCases)
    func variationalDerivativeMatchesFiniteDifference(_ registered: RegisteredTerm) {
        let term = registered.make(d: 1)
        let m = 2001, lo = -8.0, hi = 8.0, h = (hi - lo) / Double(m - 1)
        let x = (0..<m).map { lo + Double($0) * h }
        let rho = x.map { Double.exp(-0.5 * ($0 - 0.2) * ($0 - 0.2) / 0.6) / (2 * Double.pi * 0.6).squareRoot() }
        let eta = zip(x, rho).map { $1 * Double.sin(1.7 * $0 + 0.3) }
        let w = (0..<m).map { $0 == 0 || $0 == m - 1 ? h / 2 : h }
        func cost(_ eps: Double) -> Double {
            let r = zip(rho, eta).map { $0 + eps * $1 }
            let e = Self.evaluate(term, x: x, logRho: r.map { Double.log($0) }, d: 1)
            return term.weight * (0..<m).reduce(0) { $0 + w[$1] * e.f[$1] * r[$1] }
        }
        let eps = 1e-5
        let difference = (cost(eps) - cost(-eps)) / (2 * eps)
        let e = Self.evaluate(term, x: x, logRho: rho.map { Double.log($0) }, d: 1)
        let exact = term.weight * (0..<m).reduce(0) { $0 + w[$1] * e.v[$1] * eta[$1] }
        #expect(abs(difference - exact) <= 1e-7 * max(abs(exact), 1e-3 * term.weight),
                "\(registered): finite difference \(difference), ∫(δC/δρ)η \(exact)")
    }

    /// The objective's parameter gradient with this term alone (as the running cost, then as the
    /// terminal cost; the HJB penalties on), by the strict Taylor test in every parameter block.
    @Test(arguments: RegisteredTerm.allCases, [true, false])
    func objectiveGradientWithTheTermAlone(_ registered: RegisteredTerm, running: Bool) throws {
        _ = blasSingleThreaded
        let d = 3, n = 6
        let term = registered.make(d: d)
        let net = randomNetwork(Double.self, d: d, m: 5, layers: 2, seed: 41)
        let costs = CostModel<Double>(dimension: d, horizon: 1, kineticWeight: 1.5,
                                      running: running ? [term] : [], terminal: running ? [] : [term],
                                      hjbWeight: 0.7, terminalHJBWeight: 0.4)
        let obj = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 3, shape: net.shape, blockSize: 4)
        var rng = RandomSource(seed: 42)
        let x0: [Double] = rng.gaussians(d * n), logRho0: [Double] = rng.gaussians(n)
        let base = try obj.evaluate(net, x0: x0, logRho0: logRho0, gradient: true)
        #expect((running ? base.terms.runningByTerm : base.terms.terminalByTerm).count == 1)
        expectSecondOrderInEveryBlock(net, gradient: base.gradient!, eps0: 0.02, rng: &rng,
                                      label: "\(registered) (\(running ? "running" : "terminal")) ", everyStep: true) {
            try! obj.evaluate($0, x0: x0, logRho0: logRho0, gradient: false).terms.total
        }
    }

    /// The problem file builds its terms in the documented order, and the objective reports them
    /// by term: F and G are the sums of their terms.
    @Test func problemTermsAreNamedAndSummed() throws {
        let p = try Problem.parse(yaml: """
            dimension: 2
            horizon: 1
            kinetic_weight: 1
            initial_density: {type: gaussian, mean: [0, 1], variance: 0.3}
            target_density: {type: gaussian, mean: [0, -1], variance: 0.3}
            running_cost:
              obstacle: {weight: 2, amplitude: 5, coordinates: [1, 2], center: [0, 0], variance: [1, 0.5]}
              entropy: {weight: 0.1}
            terminal_cost: {type: kl, weight: 5}
            penalties: {hjb: 1, terminal_hjb: 1}
            """, file: "x.yaml")
        #expect(p.runningCosts.map(\.name) == ["obstacle", "entropy"])
        #expect(p.terminalCosts.map(\.name) == ["kl"])
        let net = randomNetwork(Double.self, d: 2, m: 4, layers: 1, seed: 3)
        let obj = try CharacteristicsObjective(costs: CostModel<Double>(problem: p), stepper: .rk4, steps: 2,
                                               shape: net.shape, blockSize: 8)
        var rng = RandomSource(seed: 4)
        let x0: [Double] = rng.gaussians(2 * 19), logRho0: [Double] = rng.gaussians(19)
        let t = try obj.evaluate(net, x0: x0, logRho0: logRho0, gradient: false).terms
        #expect(t.runningByTerm.map(\.name) == ["obstacle", "entropy"] && t.terminalByTerm.map(\.name) == ["kl"])
        #expect(abs(t.runningByTerm.reduce(0) { $0 + $1.value } - t.interaction) <= 1e-12 * abs(t.interaction))
        #expect(abs(t.terminalByTerm[0].value - t.terminal) <= 1e-12 * abs(t.terminal))
    }
}

/// λ ∫ c(x) ρ log ρ with c(x) = 1 + 0.3 sin(x₁): f = cℓ, v = c(ℓ + 1), ∇f = ℓ∇c, ∇v = (ℓ + 1)∇c.
/// Not a cost any problem builds; it exists so the conformance test covers terms whose two
/// state gradients differ.
struct WeightedEntropy: LocalCost {
    let weight: Double
    var name: String { "weighted_entropy" }
    var dependsOnState: Bool { true }
    var dependsOnDensity: Bool { true }
    var stateGradientsAgree: Bool { false }
    var gridForm: GridCellForm? { nil }

    func evaluate(_ input: LocalCostInput<Double>, _ output: LocalCostOutput<Double>) { compute(input, output) }
    func evaluate(_ input: LocalCostInput<Float>, _ output: LocalCostOutput<Float>) { compute(input, output) }

    private func compute<T: Scalar>(_ input: LocalCostInput<T>, _ output: LocalCostOutput<T>) {
        let d = input.dimension
        for i in 0..<input.count {
            let x1 = Double(input.points[i * d]), l = Double(input.logDensity[i])
            let c = 1 + 0.3 * Double.sin(x1), dc = 0.3 * Double.cos(x1)
            output.value[i] = T(c * l)
            output.derivative[i] = T(c * (l + 1))
            output.valueSlope[i] = T(c)
            output.derivativeSlope[i] = T(c)
            for j in 0..<d {
                output.valueGradient[i * d + j] = j == 0 ? T(l * dc) : 0
                output.derivativeGradient[i * d + j] = j == 0 ? T((l + 1) * dc) : 0
            }
        }
    }
}

/// The congestion's sample estimate against a closed form: with Φ ≡ 0 the crowd stays put, so
/// F = λ/p · T · ∫ρ₀^p, and for ρ₀ = N(m, σ²I_d), ∫ρ₀^p = p^(−d/2) (2πσ²)^(−(p−1)d/2). The
/// objective estimates it by λ/p · T · mean ρ₀(x₀)^(p−1) over x₀ ~ ρ₀; asked: within four of the
/// estimate's own standard errors (n = 20 000).
@Suite("Congestion of a crowd that stays put")
struct CongestionClosedFormTests {
    @Test(arguments: [2.0, 3.0])
    func stillCrowdMatchesTheClosedForm(_ p: Double) throws {
        _ = blasSingleThreaded
        let d = 2, n = 20000, sigma2 = 0.3, lambda = 0.7, horizon = 1.5
        var net = randomNetwork(Double.self, d: d, m: 4, layers: 1, seed: 5)
        net.parameters = [Double](repeating: 0, count: net.layout.count)
        let term = CongestionCost(Congestion(weight: lambda, exponent: p))
        let costs = CostModel<Double>(dimension: d, horizon: horizon, kineticWeight: 1, running: [term], terminal: [],
                                      hjbWeight: 0, terminalHJBWeight: 0)
        let obj = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 2, shape: net.shape, blockSize: 64)
        let rho0 = Density.gaussian(Gaussian(mean: [0.4, -0.2], isotropicVariance: sigma2))
        var rng = RandomSource(seed: 9)
        let x0 = rho0.sampleMatrix(count: n, rng: &rng, as: Double.self)
        let logRho0 = rho0.logDensity(x0)
        let t = try obj.evaluate(net, x0: x0.storage, logRho0: logRho0, gradient: false).terms
        let exact = lambda / p * horizon * Double.pow(p, -Double(d) / 2)
            * Double.pow(2 * Double.pi * sigma2, -(p - 1) * Double(d) / 2)
        let perSample = logRho0.map { lambda / p * horizon * Double.exp((p - 1) * $0) }
        let mean = perSample.reduce(0, +) / Double(n)
        let se = (perSample.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(n - 1) / Double(n)).squareRoot()
        #expect(t.runningByTerm.map(\.name) == ["congestion"])
        #expect(abs(t.runningByTerm[0].value - mean) <= 1e-12 * mean, "the objective's estimate is the sample mean")
        #expect(abs(mean - exact) <= 4 * se, "estimate \(mean) ± \(se), exact \(exact)")
    }
}
