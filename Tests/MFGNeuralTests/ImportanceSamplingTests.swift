import Foundation
import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

/// Importance sampling of ρ₀ in training (`sampling: importance`): the defensive proposal, the
/// weighted objective and its exact gradient, and training with it.
@Suite("Importance sampling")
struct ImportanceSamplingTests {
    /// Every coordinate a bimodal mixture ½N(−1.5, 0.2) + ½N(1.5, 0.2) (bimodal-d10's ρ₀).
    static func bimodal(d: Int) -> Density {
        let mix = Density.mixture([(0.5, Gaussian(mean: [-1.5], variance: [0.2])), (0.5, Gaussian(mean: [1.5], variance: [0.2]))])
        return .product(ProductDensity(dimension: d, factors: (0..<d).map { .init(coordinates: [$0], density: mix) }))
    }

    /// Weights ρ₀/q of n draws from the proposal of `rho`.
    static func proposalDraws(_ rho: Density, mix: Double, widen: Double, n: Int, seed: UInt64) -> (x: [Double], w: [Double]) {
        let q = rho.defensiveProposal(mix: mix, widen: widen)
        var rng = RandomSource(seed: seed)
        let x = q.sample(count: n, rng: &rng)
        var lr = [Double](repeating: 0, count: n), lq = [Double](repeating: 0, count: n)
        x.withUnsafeBufferPointer { xp in
            lr.withUnsafeMutableBufferPointer { rho.logDensity(xp, count: n, into: $0) }
            lq.withUnsafeMutableBufferPointer { q.logDensity(xp, count: n, into: $0) }
        }
        return (x, zip(lr, lq).map { Double.exp($0 - $1) })
    }

    /// Mean and standard error of the values.
    static func meanAndError(_ v: [Double]) -> (mean: Double, error: Double) {
        let n = Double(v.count), m = v.reduce(0, +) / n
        let s2 = v.reduce(0) { $0 + ($1 - m) * ($1 - m) } / (n - 1)
        return (m, (s2 / n).squareRoot())
    }

    /// The weighted estimate (1/n)Σ wᵢ g(xᵢ), xᵢ ~ q, is unbiased for E_ρ₀[g]: for g = 1 (E = 1),
    /// g = x₁² (E = 0.2 + 1.5² = 2.45) and g = 1{|x₁| < 0.5} (the gap between the modes, E the
    /// mass of N(1.5, 0.2) on (−0.5, 0.5), 0.0127, by the normal CDF), each within
    /// 4 standard errors of the weighted sample (a false alarm once in 16 000 runs; the seed is
    /// fixed, so the test is deterministic). The weights are bounded by (1 − ε)^−d, and the gap
    /// gets more samples under q than under ρ₀ (what the proposal is for).
    @Test func weightedEstimateIsUnbiased() {
        let d = 2, n = 200_000, eps = 0.2
        let rho = Self.bimodal(d: d)
        let (x, w) = Self.proposalDraws(rho, mix: eps, widen: 1, n: n, seed: 11)
        let bound = Double.pow(1 - eps, -Double(d))
        #expect(w.allSatisfy { $0.isFinite && $0 > 0 && $0 <= bound * (1 + 1e-12) }, "weights out of (0, \(bound)]")
        func phi(_ z: Double) -> Double { 0.5 * erfc(-z / 2.0.squareRoot()) }
        let s = 0.2.squareRoot()
        let gapMass = phi((0.5 - 1.5) / s) - phi((-0.5 - 1.5) / s)   // the same for both modes by symmetry
        let cases: [(String, (Int) -> Double, Double)] = [
            ("1", { _ in 1 }, 1),
            ("x₁²", { x[$0 * d] * x[$0 * d] }, 2.45),
            ("1{|x₁| < 0.5}", { abs(x[$0 * d]) < 0.5 ? 1 : 0 }, gapMass),
        ]
        for (name, g, exact) in cases {
            let (m, se) = Self.meanAndError((0..<n).map { w[$0] * g($0) })
            #expect(abs(m - exact) <= 4 * se, "E[\(name)]: \(m) ± \(se) against \(exact)")
        }
        let inGap = (0..<n).filter { abs(x[$0 * d]) < 0.5 }.count
        // q's share there: 0.8 × gapMass + 0.2 × P(|N(0, 2.45)| < 0.5) ≈ 0.060, 4.8 × ρ₀'s 0.0127.
        #expect(Double(inGap) / Double(n) > 4 * gapMass, "share of q's samples in the gap \(Double(inGap) / Double(n)), ρ₀'s \(gapMass)")
    }

    /// The objective with weights on q's samples against the unweighted objective on ρ₀'s, for a
    /// fixed network (penalties off, so J = L + F + G is a ρ₀-expectation): the two estimates of
    /// the same number agree within 4 combined standard errors (per-sample costs from
    /// `sampleCosts`); and the weighted `evaluate` equals (1/n)Σ wᵢ(cost)ᵢ of those per-sample
    /// costs to 1e-12 relative (the same sums in another order).
    @Test func weightedObjectiveEstimatesTheSameExpectation() throws {
        _ = blasSingleThreaded
        let d = 2, n = 4000
        let net = randomNetwork(Double.self, d: d, m: 5, layers: 2, seed: 61)
        var costs = testCosts(Double.self, d: d, obstacle: true, entropy: 0.3, kl: true)
        costs.hjbWeight = 0; costs.terminalHJBWeight = 0
        let obj = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 4, shape: net.shape, blockSize: 64)
        let rho = Self.bimodal(d: d)
        func perSample(_ x: [Double]) throws -> [Double] {
            var lr = [Double](repeating: 0, count: n)
            x.withUnsafeBufferPointer { xp in lr.withUnsafeMutableBufferPointer { rho.logDensity(xp, count: n, into: $0) } }
            let c = try obj.sampleCosts(net, x0: x, logRho0: lr)
            return (0..<n).map { c.kinetic[$0] + c.interaction[$0] + c.terminal[$0] }
        }
        var rng = RandomSource(seed: 62)
        let plain = Self.meanAndError(try perSample(rho.sample(count: n, rng: &rng)))
        let (xq, w) = Self.proposalDraws(rho, mix: 0.2, widen: 1.5, n: n, seed: 63)
        let costsQ = try perSample(xq)
        let weighted = Self.meanAndError((0..<n).map { w[$0] * costsQ[$0] })
        #expect(abs(plain.mean - weighted.mean) <= 4 * (plain.error * plain.error + weighted.error * weighted.error).squareRoot(),
                "ρ₀: \(plain.mean) ± \(plain.error), q weighted: \(weighted.mean) ± \(weighted.error)")
        var lq = [Double](repeating: 0, count: n)
        xq.withUnsafeBufferPointer { xp in lq.withUnsafeMutableBufferPointer { rho.logDensity(xp, count: n, into: $0) } }
        let terms = try obj.evaluate(net, x0: xq, logRho0: lq, weights: w, gradient: false).terms
        #expect(abs(terms.total - weighted.mean) <= 1e-12 * abs(weighted.mean), "\(terms.total) against \(weighted.mean)")
    }

    /// Integer weights are duplicated samples: weights (2, 0, 1, 3, 1, 1) over 6 samples give the
    /// objective and gradient of the unweighted batch in which sample 1 appears twice, sample 2
    /// not at all and sample 4 three times (8 samples, so the weighted sums are × 8/6), to 1e-12
    /// (the same products summed in another order) — with the penalties weighted. With unweighted
    /// penalties the HJB terms are those of the original 6 samples. Weights of 1 reproduce the
    /// unweighted objective and gradient bit for bit.
    @Test(arguments: [true, false])
    func integerWeightsAreRepeatedSamples(kl: Bool) throws {
        let d = 3, n = 6
        let net = randomNetwork(Double.self, d: d, m: 5, layers: 2, seed: 71)
        let costs = testCosts(Double.self, d: d, obstacle: true, entropy: 0.3, kl: kl)
        let obj = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 3, shape: net.shape, blockSize: 4)
        var rng = RandomSource(seed: 72)
        let x0: [Double] = rng.gaussians(d * n), lr: [Double] = rng.gaussians(n)
        let weights: [Double] = [2, 0, 1, 3, 1, 1]
        var xr: [Double] = [], lrr: [Double] = []
        for (i, k) in weights.enumerated() {
            for _ in 0..<Int(k) { xr += x0[(i * d)..<((i + 1) * d)]; lrr.append(lr[i]) }
        }
        let scale = Double(lrr.count) / Double(n)
        let a = try obj.evaluate(net, x0: x0, logRho0: lr, weights: weights, gradient: true)
        let b = try obj.evaluate(net, x0: xr, logRho0: lrr, gradient: true)
        #expect(abs(a.terms.total - scale * b.terms.total) <= 1e-12 * abs(b.terms.total))
        for (name, u) in a.terms.named {
            let v = b.terms.named.first { $0.0 == name }!.1
            #expect(abs(u - scale * v) <= 1e-12 * max(1, abs(v)), "\(name): \(u) against \(scale * v)")
        }
        for (u, v) in zip(a.gradient!, b.gradient!) { #expect(abs(u - scale * v) <= 1e-12 * max(1, abs(v))) }

        // Penalties unweighted: the costs as above, the penalties those of the 6 samples themselves.
        let c = try obj.evaluate(net, x0: x0, logRho0: lr, weights: weights, weightPenalties: false, gradient: true)
        let plain = try obj.evaluate(net, x0: x0, logRho0: lr, gradient: true)
        #expect(abs(c.terms.kinetic - a.terms.kinetic) <= 1e-12 * abs(a.terms.kinetic))
        #expect(abs(c.terms.terminal - a.terms.terminal) <= 1e-12 * max(1, abs(a.terms.terminal)))
        #expect(abs(c.terms.hjb - plain.terms.hjb) <= 1e-12 * abs(plain.terms.hjb))
        #expect(abs(c.terms.terminalHJB - plain.terms.terminalHJB) <= 1e-12 * abs(plain.terms.terminalHJB))

        let ones = try obj.evaluate(net, x0: x0, logRho0: lr, weights: [Double](repeating: 1, count: n), gradient: true)
        #expect(ones.terms == plain.terms)
        #expect(ones.gradient! == plain.gradient!)
    }

    /// The weighted objective's parameter gradient passes the Taylor test (remainder falling like
    /// ε², checked at every step of the sequence) in every parameter block, with the penalties
    /// weighted and unweighted (where the reverse pass seeds costs and penalties apart), every
    /// running term on, for both terminal costs.
    @Test(arguments: [(true, true), (true, false), (false, true), (false, false)])
    func weightedGradientTaylor(kl: Bool, weightPenalties: Bool) throws {
        let d = 3, n = 6
        let net = randomNetwork(Double.self, d: d, m: 5, layers: 2, seed: 81)
        let costs = testCosts(Double.self, d: d, obstacle: true, entropy: 0.3, kl: kl)
        let obj = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 3, shape: net.shape, blockSize: 4)
        var rng = RandomSource(seed: 82)
        let x0: [Double] = rng.gaussians(d * n), lr: [Double] = rng.gaussians(n)
        let weights: [Double] = (0..<n).map { _ in 0.2 + 2 * rng.uniformOpen() }
        let base = try obj.evaluate(net, x0: x0, logRho0: lr, weights: weights, weightPenalties: weightPenalties, gradient: true)
        expectSecondOrderInEveryBlock(net, gradient: base.gradient!, eps0: 0.02, rng: &rng, everyStep: true) {
            try! obj.evaluate($0, x0: x0, logRho0: lr, weights: weights, weightPenalties: weightPenalties, gradient: false).terms.total
        }
    }

    /// Weights that are negative, not finite or of the wrong count are refused.
    @Test func badWeightsAreRefused() throws {
        let d = 2, n = 3
        let net = randomNetwork(Double.self, d: d, m: 4, layers: 1, seed: 91)
        let obj = try CharacteristicsObjective(costs: testCosts(Double.self, d: d, obstacle: false, entropy: 0, kl: true),
                                               stepper: .rk4, steps: 2, shape: net.shape)
        let x0 = [Double](repeating: 0.1, count: d * n), lr = [Double](repeating: 0, count: n)
        #expect(throws: NetworkError.invalidWeight(index: 1, value: -1)) {
            try obj.evaluate(net, x0: x0, logRho0: lr, weights: [1, -1, 1], gradient: false)
        }
        #expect(throws: NetworkError.self) { try obj.evaluate(net, x0: x0, logRho0: lr, weights: [1, .nan, 1], gradient: false) }
        #expect(throws: NetworkError.self) { try obj.evaluate(net, x0: x0, logRho0: lr, weights: [1, 1], gradient: false) }
    }

    /// A small bimodal problem trained with `sampling: importance`.
    static func problem(sampling: String) throws -> Problem {
        try Problem.parse(yaml: """
            name: tiny-bimodal
            dimension: 2
            horizon: 1
            kinetic_weight: 1
            initial_density:
              type: product
              blocks:
                - each: {from: 1, to: 2}
                  density:
                    type: mixture
                    components:
                      - {weight: 1, mean: -1.5, variance: 0.2}
                      - {weight: 1, mean: 1.5, variance: 0.2}
            target_density: {type: gaussian, mean: 0, variance: 0.6}
            running_cost:
              entropy: {weight: 0.05}
            terminal_cost: {type: kl, weight: 5}
            penalties: {hjb: 1, terminal_hjb: 1}
            network: {width: 8, residual_layers: 2}
            integrator: {scheme: rk4, steps: 2}
            training:
              optimizer: lbfgs
              iterations: 12
              batch_size: 64
              resample_every: 3
              learning_rate: 0.1
              validation_size: 128
              seed: 7
              sampling: \(sampling)
              log_every: 5
            """, file: "tiny-bimodal.yaml")
    }

    /// Training batches come from the proposal with their weights, the validation set from ρ₀
    /// without; a run stopped at iteration 5 and resumed ends bit for bit where the straight one
    /// does (the proposal's batches are keyed by the same seeds as ρ₀'s).
    @Test(arguments: ["importance", "{from: importance, mix: 0.3, widen: 2, penalties: unweighted}"])
    func trainingUsesWeightedBatchesAndResumesExactly(sampling: String) throws {
        _ = blasSingleThreaded
        let problem = try Self.problem(sampling: sampling)
        let trainer = try Trainer<Double>(problem: problem, threads: 1, blockSize: 32, resume: nil)
        let batch = try trainer.trainingBatch(at: 0).samples
        let w = try #require(batch.weights)
        #expect(w.count == 64 && w.allSatisfy { $0.isFinite && $0 > 0 })
        #expect(try trainer.validation().weights == nil)
        try stoppedAtFiveAndResumed(problem, iterations: 12)
    }
}
