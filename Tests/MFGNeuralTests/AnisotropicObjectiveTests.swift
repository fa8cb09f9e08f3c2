import Foundation
import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

/// The objective with a kinetic weight per coordinate (H(p) = Σᵢpᵢ²/(2αᵢ), vᵢ = −∂ᵢΦ/αᵢ,
/// ℓ̇ = −Σᵢ∂ᵢᵢΦ/αᵢ) and with noise per coordinate (σᵢ): exact gradients, the √α change of
/// variables, the paths' moments, and equal entries reproducing the scalar objective bit for bit.
@Suite("Anisotropic kinetic cost and per-coordinate noise in the objective")
struct AnisotropicObjectiveTests {
    static let alphas = [0.6, 2.5, 1.3]

    /// Strict Taylor tests (slope 2 at every step) of the objective's parameter gradient in every
    /// block, with an obstacle, entropy, a KL terminal cost, both penalties and αᵢ ≠ αⱼ; plain
    /// ResNet, Gram factor (d > m) and the optional parts.
    @Test(arguments: [(3, 5, OptionalParts.none), (3, 2, OptionalParts.none),
                      (3, 4, OptionalParts(quadratic: .full, timeDegree: 2, separableWidth: 2))])
    func objectiveGradientTaylor(d: Int, m: Int, parts: OptionalParts) throws {
        let n = 6
        let net = randomNetwork(Double.self, d: d, m: m, layers: 2, seed: 501, parts: parts)
        var costs = testCosts(Double.self, d: d, obstacle: true, entropy: 0.3, kl: true)
        costs.kineticWeights = Self.alphas
        let obj = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 3, shape: net.shape, blockSize: 4)
        var rng = RandomSource(seed: 502)
        let x0: [Double] = rng.gaussians(d * n), logRho0: [Double] = rng.gaussians(n)
        let base = try obj.evaluate(net, x0: x0, logRho0: logRho0, gradient: true)
        expectSecondOrderInEveryBlock(net, gradient: base.gradient!, eps0: 0.02, rng: &rng, everyStep: true,
                                      blocks: { $0 != "c_time" }) {
            try! obj.evaluate($0, x0: x0, logRho0: logRho0, gradient: false).terms.total
        }
    }

    /// The same with noise per coordinate (σ = (0.7, 0, 0.3): the residual's −Σᵢ(σᵢ²/2)∂ᵢᵢΦ,
    /// Euler–Maruyama with fixed increments) and αᵢ ≠ αⱼ.
    @Test func noisyObjectiveGradientTaylor() throws {
        let d = 3, n = 6
        let net = randomNetwork(Double.self, d: d, m: 5, layers: 2, seed: 511)
        var costs = testCosts(Double.self, d: d, obstacle: true, entropy: 0, kl: false)
        costs.kineticWeights = Self.alphas
        costs.sigmas = [0.7, 0, 0.3]; costs.sigma = 0.7
        let obj = try CharacteristicsObjective(costs: costs, stepper: .euler, steps: 4, shape: net.shape, blockSize: 4)
        var rng = RandomSource(seed: 512)
        let x0: [Double] = rng.gaussians(d * n), logRho0 = [Double](repeating: 0, count: n)
        let base = try obj.evaluate(net, x0: x0, logRho0: logRho0, noiseKey: 17, gradient: true)
        expectSecondOrderInEveryBlock(net, gradient: base.gradient!, eps0: 0.02, rng: &rng, everyStep: true) {
            try! obj.evaluate($0, x0: x0, logRho0: logRho0, noiseKey: 17, gradient: false).terms.total
        }
    }

    /// Lists of equal entries are the scalar objective bit for bit (terms and gradient).
    @Test func equalEntriesAreTheScalarObjective() throws {
        let d = 3, n = 5
        let net = randomNetwork(Double.self, d: d, m: 4, layers: 2, seed: 521)
        var rng = RandomSource(seed: 522)
        let x0: [Double] = rng.gaussians(d * n), logRho0: [Double] = rng.gaussians(n)
        for noisy in [false, true] {
            var costs = testCosts(Double.self, d: d, obstacle: true, entropy: noisy ? 0 : 0.3, kl: !noisy)
            if noisy { costs.sigma = 0.4 }
            let stepper: TimeStepper = noisy ? .euler : .rk4
            let plain = try CharacteristicsObjective(costs: costs, stepper: stepper, steps: 3, shape: net.shape, blockSize: 4)
                .evaluate(net, x0: x0, logRho0: logRho0, noiseKey: 5, gradient: true)
            costs.kineticWeights = [Double](repeating: costs.kineticWeight, count: d)
            if noisy { costs.sigmas = [0.4, 0.4, 0.4] }
            let lists = try CharacteristicsObjective(costs: costs, stepper: stepper, steps: 3, shape: net.shape, blockSize: 4)
                .evaluate(net, x0: x0, logRho0: logRho0, noiseKey: 5, gradient: true)
            #expect(plain.terms == lists.terms)
            #expect(plain.gradient! == lists.gradient!)
        }
    }

    /// The √α change of variables: with yᵢ = √αᵢ xᵢ the anisotropic game in x is the game with
    /// α = 1 in y, Φ̃(y, t) = Φ(D⁻¹y, t) (D = diag √α). Φ̃ is the same network with the x-columns
    /// of K₀ and A and the entries of c divided by √αⱼ; the obstacle bump and the KL target are
    /// the transformed Gaussians, and log ρ̃₀ = log ρ₀ − log det D. Every term of the objective
    /// (L, F, G, both penalties) must agree to rounding (1e-10 relative): this checks the velocity −∂ᵢΦ/αᵢ, the
    /// kinetic Σ(∂ᵢΦ)²/(2αᵢ), the weighted trace in ℓ̇ and the HJB residual together.
    @Test func squareRootChangeOfVariables() throws {
        let d = 3, n = 7
        let alphas = Self.alphas, roots = alphas.map { $0.squareRoot() }
        let logDet = roots.reduce(0) { $0 + Double.log($1) }
        let net = randomNetwork(Double.self, d: d, m: 4, layers: 2, seed: 531)
        var tilde = net
        let m = net.shape.width, r = net.shape.rank
        let k0 = net.layout.block("K0")!, a = net.layout.block("A")!, c = net.layout.block("c")!
        for j in 0..<d {
            for i in 0..<m { tilde.parameters[k0.offset + i + j * m] /= roots[j] }
            for i in 0..<r { tilde.parameters[a.offset + i + j * r] /= roots[j] }
            tilde.parameters[c.offset + j] /= roots[j]
        }
        func costs(scale: [Double]) -> CostModel<Double> {
            // Obstacle A·N(x; c, diag v) = A det D · N(y; Dc, D v D) in y (a Bump is an amplitude
            // times a normalised density).
            let det = scale.reduce(1, *)
            let bump = Bump(amplitude: 3 * det, coordinates: [0, 1, 2], center: zip([0.2, -0.1, 0.3], scale).map { $0 * $1 },
                            variance: zip([0.8, 0.5, 1.1], scale).map { $0 * $1 * $1 }, dimension: d)
            // (No entropy: ∫ρ log ρ drops by T log det D in y and its δF/δρ by log det D, which
            // would need Φ̃ shifted by a term in t for the residual to stay invariant.)
            let running: [any LocalCost] = [FieldCost(name: "obstacle", weight: 1.3, field: .bump(bump))]
            let target = Density.gaussian(Gaussian(mean: zip([0.5, 0.4, -0.3], scale).map { $0 * $1 },
                                                   variance: zip([1.2, 0.9, 1.5], scale).map { $0 * $1 * $1 }))
            return CostModel<Double>(dimension: d, horizon: 1, kineticWeight: 1, running: running,
                                     terminal: [RelativeEntropyCost(weight: 2, target: target)],
                                     hjbWeight: 0.7, terminalHJBWeight: 0.4)
        }
        var anisotropic = costs(scale: [1, 1, 1])
        anisotropic.kineticWeights = alphas
        let isotropic = costs(scale: roots)
        var rng = RandomSource(seed: 532)
        let x0: [Double] = rng.gaussians(d * n), logRho0: [Double] = rng.gaussians(n)
        var y0 = x0
        for col in 0..<n { for j in 0..<d { y0[col * d + j] *= roots[j] } }
        let inX = try CharacteristicsObjective(costs: anisotropic, stepper: .rk4, steps: 4, shape: net.shape, blockSize: 4)
            .evaluate(net, x0: x0, logRho0: logRho0, gradient: false).terms
        let inY = try CharacteristicsObjective(costs: isotropic, stepper: .rk4, steps: 4, shape: net.shape, blockSize: 4)
            .evaluate(tilde, x0: y0, logRho0: logRho0.map { $0 - logDet }, gradient: false).terms
        let pairs: [(String, Double, Double)] = [
            ("kinetic", inX.kinetic, inY.kinetic), ("interaction", inX.interaction, inY.interaction),
            ("terminal", inX.terminal, inY.terminal), ("hjb", inX.hjb, inY.hjb), ("terminalHJB", inX.terminalHJB, inY.terminalHJB)]
        for (name, x, y) in pairs {
            #expect(abs(x - y) <= 1e-10 * max(1, abs(x)), "\(name): in x \(x), in y \(y)")
        }
    }

    /// Per-coordinate noise and kinetic weight on the Ornstein–Uhlenbeck paths of Φ = ½Σ a xⱼ²:
    /// z_{k+1} = (1 − hλᵢ)z_k + σᵢ√h ξ, λᵢ = a/αᵢ, so the scheme's exact moments are
    /// E z_N = (1 − hλᵢ)ᴺz₀ and m_{k+1} = (1 − hλᵢ)²m_k + σᵢ²h. 20 000 paths: each sample
    /// mean within 4.5 standard errors of them, per coordinate (σ₃ = 0: a deterministic coordinate).
    @Test func perCoordinateNoiseMovesEachCoordinateByItsOwnSigma() throws {
        let d = 3, n = 20_000, steps = 16, a = 3.0, z0 = 1.5
        let sigmas = [0.9, 0.3, 0], alphas = [1.5, 3, 2]
        var net = randomNetwork(Double.self, d: d, m: 3, layers: 1, seed: 3)
        net.parameters = [Double](repeating: 0, count: net.layout.count)
        let A = net.layout.block("A")!, r = net.shape.rank
        for j in 0..<d { net.parameters[A.offset + j + j * r] = a.squareRoot() }
        var costs = testCosts(Double.self, d: d, obstacle: false, entropy: 0, kl: false)
        costs.kineticWeights = alphas
        costs.sigmas = sigmas; costs.sigma = 0.9
        let obj = try CharacteristicsObjective(costs: costs, stepper: .euler, steps: steps, shape: net.shape, blockSize: 128)
        let z = try obj.paths(net, x0: [Double](repeating: z0, count: d * n), logRho0: [Double](repeating: 0, count: n),
                              noiseKey: 7).z[steps]
        let h = 1.0 / Double(steps)
        for j in 0..<d {
            let g = 1 - h * a / alphas[j]
            var mean = z0, second = z0 * z0
            for _ in 0..<steps { mean *= g; second = g * g * second + sigmas[j] * sigmas[j] * h }
            let values = (0..<n).map { z[$0 * d + j] }
            let m1 = values.reduce(0, +) / Double(n), m2 = values.reduce(0) { $0 + $1 * $1 } / Double(n)
            let variance = second - mean * mean
            if sigmas[j] == 0 {
                #expect(abs(m1 - mean) <= 1e-12 && variance.magnitude <= 1e-12, "coordinate \(j + 1)")
                continue
            }
            let se1 = (variance / Double(n)).squareRoot()
            let se2 = ((2 * variance * variance + 4 * mean * mean * variance) / Double(n)).squareRoot()
            #expect(abs(m1 - mean) <= 4.5 * se1, "coordinate \(j + 1): E z \(m1) vs \(mean)")
            #expect(abs(m2 - second) <= 4.5 * se2, "coordinate \(j + 1): E z² \(m2) vs \(second)")
        }
    }
}
