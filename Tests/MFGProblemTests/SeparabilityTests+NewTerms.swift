import Testing
import MFGMath
@testable import MFGProblem

/// Separability of full covariances, products and bump lists.
extension SeparabilityTests {
    func parse(_ d: Int, _ body: String) throws -> Problem {
        try Problem.parse(yaml: "dimension: \(d)\nhorizon: 1\nkinetic_weight: 1\npenalties: {hjb: 1, terminal_hjb: 1}\n" + body,
                          file: "x.yaml")
    }

    /// A covariance splits by its exact block-diagonal structure: (x₁, x₃) coupled, x₂ and x₄ alone;
    /// the (x₁, x₃) block keeps the 2 × 2 sub-covariance.
    @Test func blockDiagonalCovariance() throws {
        let p = try parse(4, """
            initial_density:
              type: gaussian
              mean: [1, 2, 3, 4]
              covariance: [[1, 0, 0.3, 0], [0, 1, 0, 0], [0.3, 0, 2, 0], [0, 0, 0, 1]]
            target_density: {type: gaussian, mean: 0, variance: 1}
            terminal_cost: {type: kl, weight: 1}
            """)
        let blocks = try p.separableBlocks()
        #expect(blocks.map(\.occurrences) == [[[0, 2]], [[1]], [[3]]])   // x₂, x₄ have different means
        guard case .gaussian(let g) = blocks[0].problem.initialDensity else { Issue.record("not Gaussian"); return }
        #expect(g.mean == [1, 3] && g.full?.matrix == Matrix(rows: 2, cols: 2) { i, j in [[1, 0.3], [0.3, 2]][i][j] })
    }

    /// A rotated covariance couples every coordinate it mixes.
    @Test func rotatedCovarianceIsRefused() throws {
        let p = try parse(10, """
            initial_density: {type: gaussian, mean: 0, variance: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], rotation: {seed: 1}}
            target_density: {type: gaussian, mean: 0, variance: 1}
            terminal_cost: {type: kl, weight: 1}
            """)
        #expect(refusal(p)?.description == "x.yaml: initial_density: the covariance couples coordinates 1–10 (blocks have at most 2)")
    }

    /// d = 100: a correlated pair, a bimodal mixture on each of x₃…x₁₀₀, a 1-D obstacle per
    /// coordinate on x₃…x₁₀₀ and entropy. Blocks: (x₁, x₂) once, and one 1-D sub-problem (mixture,
    /// its bump, entropy, KL) 98 times.
    @Test func productWithObstaclePerCoordinate() throws {
        let p = try parse(100, """
            initial_density:
              type: product
              blocks:
                - {coordinates: [1, 2], density: {type: gaussian, mean: [0, 3], covariance: [[0.5, 0.2], [0.2, 0.3]]}}
                - each: {from: 3, to: 100}
                  density: {type: mixture, components: [{weight: 1, mean: -1, variance: 0.1}, {weight: 1, mean: 1, variance: 0.1}]}
            target_density: {type: gaussian, mean: 0, variance: 0.5}
            running_cost:
              obstacle: {weight: 1, amplitude: 2, each: {from: 3, to: 100}, center: 0, variance: 0.2}
              entropy: {weight: 0.01}
            terminal_cost: {type: kl, weight: 3}
            """)
        let blocks = try p.separableBlocks()
        #expect(blocks.count == 2)
        #expect(blocks[0].occurrences == [[0, 1]] && blocks[0].problem.obstacles == nil)
        #expect(blocks[1].occurrences == (2..<100).map { [$0] } && blocks[1].multiplicity == 98)
        let one = blocks[1].problem
        #expect(one.dimension == 1 && one.entropyWeight == 0.01 && one.terminal == .kl(weight: 3))
        #expect(one.obstacles == BumpSum(Bump(amplitude: 2, coordinates: [0], center: [0], variance: [0.2], dimension: 1)))
        guard case .mixture(let parts) = one.initialDensity else { Issue.record("not a mixture"); return }
        #expect(parts.map(\.component.mean) == [[-1], [1]])
    }

    /// An obstacle on two coordinates of different 1-D factors makes one block whose density is
    /// the product of the two, expanded into a mixture (2 × 2 components).
    @Test func obstacleAcrossFactors() throws {
        let p = try parse(3, """
            initial_density:
              type: product
              blocks:
                - each: [1, 2, 3]
                  density: {type: mixture, components: [{weight: 1, mean: -1, variance: 0.1}, {weight: 1, mean: 1, variance: 0.1}]}
            target_density: {type: gaussian, mean: 0, variance: 0.5}
            running_cost:
              obstacle: {weight: 1, amplitude: 2, coordinates: [1, 3], center: [0, 0], variance: 1}
            terminal_cost: {type: kl, weight: 3}
            """)
        let blocks = try p.separableBlocks()
        #expect(blocks.map(\.occurrences) == [[[0, 2]], [[1]]])
        guard case .mixture(let parts) = blocks[0].problem.initialDensity else { Issue.record("not expanded"); return }
        #expect(parts.count == 4 && parts.allSatisfy { $0.weight == 0.25 })
        #expect(blocks[0].problem.obstacle == Bump(amplitude: 2, coordinates: [0, 1], center: [0, 0], variance: [1, 1], dimension: 2))
    }

    /// A bump on three coordinates is refused, naming the obstacle of the list.
    @Test func wideObstacleIsRefused() throws {
        let p = try parse(4, """
            initial_density: {type: gaussian, mean: 0, variance: 1}
            target_density: {type: gaussian, mean: 0, variance: 1}
            running_cost:
              obstacle:
                - {weight: 1, amplitude: 2, each: [4], center: 0, variance: 1}
                - {weight: 1, amplitude: 2, coordinates: [1, 2, 3], center: 0, variance: 1}
            terminal_cost: {type: kl, weight: 3}
            """)
        #expect(refusal(p)?.description == "x.yaml: running_cost.obstacle[2]: the obstacle couples coordinates 1–3 (blocks have at most 2)")
    }

    /// A terminal preference per coordinate restricts to each block's own bump.
    @Test func preferencePerCoordinate() throws {
        let p = try parse(3, """
            initial_density: {type: gaussian, mean: 0, variance: [1, 1, 2]}
            terminal_cost:
              type: preference
              weight: 1
              g: {type: bump, amplitude: -2, each: [1, 2], center: 1, variance: 0.5}
            """)
        let blocks = try p.separableBlocks()
        #expect(blocks.map(\.occurrences) == [[[0], [1]], [[2]]])
        #expect(blocks[0].problem.terminal == .preference(weight: 1, g: .bump(Bump(amplitude: -2, coordinates: [0], center: [1],
                                                                                   variance: [0.5], dimension: 1))))
        #expect(blocks[1].problem.terminal == .preference(weight: 1, g: .quadratic(center: [0], scale: 0)))
    }
}
