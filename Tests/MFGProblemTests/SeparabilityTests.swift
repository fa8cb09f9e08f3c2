import Testing
@testable import MFGProblem

@Suite("Separable blocks")
struct SeparabilityTests {
    func load(_ name: String) throws -> Problem { try Problem.load(path: problemsDirectory + "/" + name + ".yaml") }

    /// crowd-motion-d{10,50,100}: the obstacle couples (x₁, x₂); every other coordinate is a
    /// 1-D block with ρ₀ = ρ₁ = N(0, 0.3), entropy and KL, all identical (one distinct block).
    @Test(arguments: [10, 50, 100])
    func crowdMotion(_ d: Int) throws {
        let p = try load("crowd-motion-d\(d)")
        let blocks = try p.separableBlocks()
        #expect(blocks.count == 2)
        let plane = blocks[0], idle = blocks[1]
        #expect(plane.occurrences == [[0, 1]])
        #expect(plane.problem.dimension == 2)
        #expect(plane.problem.obstacle == Bump(amplitude: 50, coordinates: [0, 1], center: [0, 0], variance: [1, 0.5], dimension: 2))
        #expect(plane.problem.obstacleWeight == 1 && plane.problem.entropyWeight == 0.01)
        guard case .gaussian(let g0) = plane.problem.initialDensity, case .gaussian(let g1)? = plane.problem.targetDensity else {
            Issue.record("block densities are not Gaussians"); return
        }
        #expect(g0 == Gaussian(mean: [0, 3], isotropicVariance: 0.3) && g1 == Gaussian(mean: [0, -3], isotropicVariance: 0.3))
        #expect(idle.occurrences == (2..<d).map { [$0] })
        #expect(idle.multiplicity == d - 2)
        #expect(idle.problem.dimension == 1 && idle.problem.obstacle == nil && idle.problem.obstacleWeight == 0)
        #expect(idle.problem.entropyWeight == 0.01 && idle.problem.terminal == .kl(weight: 5))
        guard case .gaussian(let h0) = idle.problem.initialDensity else { Issue.record("not Gaussian"); return }
        #expect(h0 == Gaussian(mean: [0], variance: [0.3]))
        #expect(idle.problem.horizon == 1 && idle.problem.kineticWeight == 1)
        #expect(idle.problem.network == .defaults(dimension: 1))
    }

    /// The d = 2 crowd motion is one block, the whole problem, reference grid included.
    @Test func crowdMotionD2IsOneBlock() throws {
        let p = try load("crowd-motion-d2")
        let blocks = try p.separableBlocks()
        #expect(blocks.count == 1 && blocks[0].occurrences == [[0, 1]])
        #expect(blocks[0].problem.reference == p.reference)
        #expect(blocks[0].problem.describesSameGame(as: p))
    }

    /// The OT ring varies only in (x₁, x₂): in the other coordinates all eight components carry
    /// N(0, 0.3), which factors out. The (x₁, x₂) block keeps the eight-component mixture.
    @Test func otRingFactorsOutTheIdleCoordinates() throws {
        let p = try load("ot-d10")
        let blocks = try p.separableBlocks()
        #expect(blocks.map(\.occurrences) == [[[0, 1]], (2..<10).map { [$0] }])
        guard case .mixture(let parts) = blocks[0].problem.initialDensity else { Issue.record("not a mixture"); return }
        #expect(parts.count == 8 && parts.allSatisfy { $0.weight == 0.125 && $0.component.variance == [0.3, 0.3] })
        guard case .gaussian(let g) = blocks[1].problem.initialDensity else { Issue.record("not merged"); return }
        #expect(g == Gaussian(mean: [0], variance: [0.3]))
    }

    /// Diagonal Gaussians split into 1-D blocks; gaussian-transport-d10 has three distinct ones
    /// (x₁ moves, x₂ spreads, x₃…x₁₀ stay) and keeps its closed-form declaration per block.
    @Test func gaussianTransport() throws {
        let p = try load("gaussian-transport-d10")
        let blocks = try p.separableBlocks()
        #expect(blocks.map(\.occurrences) == [[[0]], [[1]], (2..<10).map { [$0] }])
        #expect(blocks.allSatisfy { $0.problem.closedForm == .gaussianKLTransport })
        // The blocks' closed-form costs add up to the whole problem's.
        let whole = try #require(GaussianKLTransport(problem: p))
        var total = 0.0
        for b in blocks { total += Double(b.multiplicity) * (try #require(GaussianKLTransport(problem: b.problem))).totalCost }
        #expect(abs(total - whole.totalCost) < 1e-12 * whole.totalCost)
    }

    /// A mixture that varies in every coordinate couples them all: one line naming the field.
    @Test func mixtureInAllCoordinatesIsRefused() throws {
        let yaml = """
        dimension: 10
        horizon: 1
        kinetic_weight: 1
        initial_density:
          type: mixture
          components: [{weight: 1, mean: 1, variance: 0.3}, {weight: 1, mean: -1, variance: 0.3}]
        target_density: {type: gaussian, mean: 0, variance: 1}
        terminal_cost: {type: kl, weight: 1}
        penalties: {hjb: 1, terminal_hjb: 1}
        """
        let p = try Problem.parse(yaml: yaml, file: "x.yaml")
        #expect(throws: SeparabilityError(file: "x.yaml", field: "initial_density", coordinates: Array(0..<10),
                                          reason: "the mixture couples coordinates 1–10 (blocks have at most 2)")) {
            try p.separableBlocks()
        }
        do { _ = try p.separableBlocks() } catch {
            #expect(error.description == "x.yaml: initial_density: the mixture couples coordinates 1–10 (blocks have at most 2)")
        }
    }

    /// Two terms that are fine alone but chain three coordinates: the second one is named,
    /// with what the first coupled.
    @Test func chainedCouplingsAreRefused() throws {
        let yaml = """
        dimension: 3
        horizon: 1
        kinetic_weight: 1
        initial_density:
          type: mixture
          components: [{weight: 1, mean: [1, 1, 0], variance: 0.3}, {weight: 1, mean: [-1, 0, 0], variance: 0.3}]
        target_density: {type: gaussian, mean: 0, variance: 1}
        running_cost:
          obstacle: {weight: 1, amplitude: 5, coordinates: [2, 3], center: [0, 0], variance: 1}
        terminal_cost: {type: kl, weight: 1}
        penalties: {hjb: 1, terminal_hjb: 1}
        """
        let p = try Problem.parse(yaml: yaml, file: "x.yaml")
        do {
            _ = try p.separableBlocks()
            Issue.record("no error")
        } catch {
            #expect(error.description == "x.yaml: running_cost.obstacle: the obstacle couples coordinates 2, 3, which are "
                    + "coupled by initial_density with 1: a block of 3 coordinates (1–3); blocks have at most 2")
            #expect(error.coordinates == [0, 1, 2])
        }
    }

    @Test func coordinateLists() {
        #expect(coordinateList([0, 1, 2, 3, 7]) == "1–4, 8")
        #expect(coordinateList([4, 0]) == "1, 5")
        #expect(coordinateList([0, 1, 3, 4, 5]) == "1, 2, 4–6")
    }
}
