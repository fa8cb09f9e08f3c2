import Testing
import MFGMath
@testable import MFGNeural

@Suite("Characteristics integrator and objective")
struct CharacteristicsObjectiveTests {
    /// With w = 0 and A acting on x only, Φ = ½ Σⱼ aⱼxⱼ² + cᵀx, so ż = −(a ⊙ z + c)/α has the
    /// exact flow zⱼ(t) = (z₀ⱼ + cⱼ/aⱼ)e^{−aⱼt/α} − cⱼ/aⱼ. The error at T must fall like hᵖ.
    func observedOrder(_ stepper: TimeStepper) throws -> Double {
        _ = blasSingleThreaded
        let d = 2
        let shape = try NetworkShape(dimension: d, width: 3, residualLayers: 1, rank: 3)
        var net = randomNetwork(Double.self, d: d, m: 3, layers: 1, seed: 3)
        net.parameters = [Double](repeating: 0, count: net.layout.count)
        let aDiag = [1.7, 0.6], c = [0.3, -0.4]
        let A = net.layout.block("A")!, cb = net.layout.block("c")!
        net.parameters[A.offset + 0] = aDiag[0].squareRoot()          // A[0,0]
        net.parameters[A.offset + 3 + 1] = aDiag[1].squareRoot()      // A[1,1] (r = 3 rows)
        net.parameters[cb.offset] = c[0]; net.parameters[cb.offset + 1] = c[1]
        let costs = testCosts(Double.self, d: d, obstacle: false, entropy: 0, kl: true)
        let x0 = [0.8, -1.1]
        var errors: [Double] = []
        for steps in [2, 4, 8, 16] {
            let obj = try CharacteristicsObjective(costs: costs, stepper: stepper, steps: steps, shape: shape)
            let z = try obj.paths(net, x0: x0, logRho0: [0]).z[steps]
            var err = 0.0
            for j in 0..<d {
                let exact = (x0[j] + c[j] / aDiag[j]) * Double.exp(-aDiag[j] / 1.5) - c[j] / aDiag[j]
                err = max(err, abs(z[j] - exact))
            }
            errors.append(err)
        }
        return Double.log2(errors[2] / errors[3])
    }

    @Test func rk4IsFourthOrder() throws {
        let p = try observedOrder(.rk4)
        #expect(abs(p - 4) < 0.3, "observed order \(p)")
    }
    @Test func eulerIsFirstOrder() throws {
        let p = try observedOrder(.euler)
        #expect(abs(p - 1) < 0.15, "observed order \(p)")
    }

    /// The objective's parameter gradient passes a Taylor test in every parameter block, for
    /// both terminal costs and with every running term on (obstacle, entropy, HJB penalties).
    @Test(arguments: [(true, true), (false, false)])
    func objectiveGradientTaylor(obstacle: Bool, kl: Bool) throws {
        let d = 3, n = 6
        let net = randomNetwork(Double.self, d: d, m: 5, layers: 2, seed: 41)
        let costs = testCosts(Double.self, d: d, obstacle: obstacle, entropy: 0.3, kl: kl)
        let obj = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 3, shape: net.shape, blockSize: 4)
        var rng = RandomSource(seed: 42)
        let x0: [Double] = rng.gaussians(d * n)
        let logRho0: [Double] = rng.gaussians(n)
        let base = try obj.evaluate(net, x0: x0, logRho0: logRho0, gradient: true)
        expectSecondOrderInEveryBlock(net, gradient: base.gradient!, eps0: 0.02, rng: &rng) {
            try! obj.evaluate($0, x0: x0, logRho0: logRho0, gradient: false).terms.total
        }
    }

    /// Same blocks and threads give bit-identical results; another partition changes only the
    /// summation order (relative 1e-12).
    @Test func deterministicAcrossRunsAndPartitions() throws {
        let d = 4, n = 37
        let net = randomNetwork(Double.self, d: d, m: 6, layers: 1, seed: 51)
        let costs = testCosts(Double.self, d: d, obstacle: true, entropy: 0.1, kl: true)
        var rng = RandomSource(seed: 52)
        let x0: [Double] = rng.gaussians(d * n), lr: [Double] = rng.gaussians(n)
        let a = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 2, shape: net.shape, blockSize: 8, threads: 2)
        let r1 = try a.evaluate(net, x0: x0, logRho0: lr, gradient: true)
        let r2 = try a.evaluate(net, x0: x0, logRho0: lr, gradient: true)
        #expect(r1.gradient! == r2.gradient!)
        #expect(r1.terms == r2.terms)
        let b = try CharacteristicsObjective(costs: costs, stepper: .rk4, steps: 2, shape: net.shape, blockSize: 37, threads: 1)
        let r3 = try b.evaluate(net, x0: x0, logRho0: lr, gradient: true)
        #expect(abs(r3.terms.total - r1.terms.total) <= 1e-12 * abs(r1.terms.total))
        for (u, v) in zip(r1.gradient!, r3.gradient!) { #expect(abs(u - v) <= 1e-12 * max(1, abs(u))) }
    }
}
