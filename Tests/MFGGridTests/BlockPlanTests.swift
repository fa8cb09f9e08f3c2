import Foundation
import Testing
import MFGGrid
import MFGMath
import MFGProblem

private let problems = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("problems").path

/// A block-separable problem in d = 4: a 2-D block (x1, x2) with an obstacle, and two identical
/// 1-D blocks x3, x4 (spreading with entropy and KL), with `reference` appended as given.
private func fourDimensional(reference: String = "") throws -> Problem {
    try Problem.parse(yaml: """
        name: blocks-d4
        dimension: 4
        horizon: 1
        kinetic_weight: 1
        initial_density: {type: gaussian, mean: {head: [0, 1.5], rest: 0}, variance: 0.3}
        target_density: {type: gaussian, mean: {head: [0, -1.5], rest: 0}, variance: 0.5}
        running_cost:
          obstacle: {weight: 1, amplitude: 5, coordinates: [1, 2], center: [0, 0], variance: [0.5, 0.5]}
          entropy: {weight: 0.05}
        terminal_cost: {type: kl, weight: 2}
        penalties: {hjb: 1, terminal_hjb: 1}
        """ + reference, file: "blocks-d4.yaml")
}

@Suite("Block-separable references: plans")
struct BlockPlanTests {
    /// The shipped crowd-motion files: (x1, x2) on crowd-motion-d2's domain and grid (from
    /// `reference.blocks`), every other coordinate one automatic 1-D block.
    @Test(arguments: [10, 100])
    func crowdMotionPlan(d: Int) throws {
        let p = try Problem.load(path: problems + "/crowd-motion-d\(d).yaml")
        let plan = try BlockGridPlan(blocks: try p.separableBlocks(), file: p.file, settings: p.reference, overrides: .init())
        #expect(plan.entries.count == 2 && !plan.isWholeProblem)
        let head = plan.entries[0], rest = plan.entries[1]
        #expect(head.occurrences == [[0, 1]] && head.domain == [-4...4, -5...5])
        #expect(head.size == GridSize(nx: 96, ny: 120, nt: 64) && head.gridSource == "reference.blocks[1]")
        #expect(rest.occurrences == (2..<d).map { [$0] } && rest.multiplicity == d - 2)
        // Automatic: N(0, 0.3) on ± 5σ, σ/12 per cell rounded up to a multiple of 16, nt = nx/2.
        let s = 0.3.squareRoot()
        #expect(abs(rest.domain[0].lowerBound + 5 * s) < 1e-12 && abs(rest.domain[0].upperBound - 5 * s) < 1e-12)
        #expect(rest.size == GridSize(nx: 128, ny: 1, nt: 64) && rest.domainSource == "automatic")
        // The 2-D block is crowd-motion-d2 itself: the same sampled grid problem.
        let d2 = try Problem.load(path: problems + "/crowd-motion-d2.yaml")
        #expect(try GridProblem(problem: head.problem, domain: head.domain, nx: 96, ny: 120)
                == GridProblem(problem: d2, domain: [-4...4, -5...5], nx: 96, ny: 120))
    }

    /// Where each block's settings come from: command line, then the entry with its
    /// coordinates, then the entry with its size, then automatic; occurrences of one
    /// sub-problem with different settings are separate entries.
    @Test func settingsPrecedence() throws {
        let p = try fourDimensional(reference: """

            reference:
              blocks:
                - {coordinates: [4], grid: {nx: 32, nt: 16}}
                - {size: 1, domain: [[-4, 4]], grid: {nx: 48, nt: 16}}
                - {coordinates: [1, 2], domain: [[-3, 3], [-4, 4]]}
            """)
        let plan = try BlockGridPlan(blocks: try p.separableBlocks(), file: p.file, settings: p.reference, overrides: .init())
        #expect(plan.entries.map(\.occurrences) == [[[0, 1]], [[2]], [[3]]])
        let (head, x3, x4) = (plan.entries[0], plan.entries[1], plan.entries[2])
        #expect(head.domain == [-3...3, -4...4] && head.domainSource == "reference.blocks[3]")
        #expect(head.gridSource == "automatic" && head.size.ny > 1 && head.size.nt == 64)
        #expect(x3.domain == [-4...4] && x3.size == GridSize(nx: 48, ny: 1, nt: 16) && x3.gridSource == "reference.blocks[2]")
        #expect(x4.domain == [-4...4] && x4.domainSource == "reference.blocks[2]")
        #expect(x4.size == GridSize(nx: 32, ny: 1, nt: 16) && x4.gridSource == "reference.blocks[1]")
        // The command line wins for every block of its size.
        let flags = BlockGridPlan.Overrides(domain: [1: [-5...5]], grid: [2: GridSize(nx: 16, ny: 24, nt: 8)])
        let over = try BlockGridPlan(blocks: try p.separableBlocks(), file: p.file, settings: p.reference, overrides: flags)
        #expect(over.entries[0].size == GridSize(nx: 16, ny: 24, nt: 8) && over.entries[0].gridSource == "command line")
        #expect(over.entries[0].domain == [-3...3, -4...4])
        #expect(over.entries.dropFirst().allSatisfy { $0.domain == [-5...5] && $0.domainSource == "command line" })
        // Without settings the two 1-D blocks are one entry solved once.
        let auto = try BlockGridPlan(blocks: try fourDimensional().separableBlocks(), file: "blocks-d4.yaml",
                                     settings: nil, overrides: .init())
        #expect(auto.entries.map(\.occurrences) == [[[0, 1]], [[2], [3]]])
    }

    /// The automatic box covers each component ± 5σ and the obstacle ± 3σ.
    @Test func automaticDomainCoversDensitiesAndObstacle() throws {
        let block = try fourDimensional().separableBlocks()[0].problem
        let box = GridDefaults.domain(for: block)
        let s0 = 0.3.squareRoot(), s1 = 0.5.squareRoot(), sq = 0.5.squareRoot()
        // x1: densities centred at 0 (± 5·√0.5 is the widest); x2: from −1.5 − 5√0.5 to 1.5 + 5√0.3.
        #expect(abs(box[0].lowerBound + 5 * s1) < 1e-12 && abs(box[0].upperBound - 5 * s1) < 1e-12)
        #expect(abs(box[1].lowerBound - (-1.5 - 5 * s1)) < 1e-12 && abs(box[1].upperBound - (1.5 + 5 * s0)) < 1e-12)
        #expect(3 * sq < 5 * s1)   // the obstacle's box lies inside here
        let size = GridDefaults.size(for: block, domain: box)
        #expect(size.nx % 16 == 0 && size.ny % 16 == 0 && (32...128).contains(size.nx) && size.nt == 64)
    }

    /// Refusals, with their exact text: coordinates that are not a block, a command-line
    /// setting for a size the problem does not have, a domain that leaves mass outside.
    @Test func refusals() throws {
        let p = try fourDimensional(reference: "\nreference:\n  blocks:\n    - {coordinates: [2, 3], grid: {nx: 16, ny: 16, nt: 8}}\n")
        #expect(throws: ReferenceSetupError.self) {
            try BlockGridPlan(blocks: try p.separableBlocks(), file: p.file, settings: p.reference, overrides: .init())
        }
        do {
            _ = try BlockGridPlan(blocks: try p.separableBlocks(), file: p.file, settings: p.reference, overrides: .init())
        } catch {
            #expect("\(error)" == "blocks-d4.yaml: reference.blocks[1].coordinates: [2, 3] is not a block of this problem "
                    + "(its blocks: (x1, x2), x3, x4)")
        }
        let q = try fourDimensional()
        let grid2 = BlockGridPlan.Overrides(grid: [1: GridSize(nx: 16, ny: 1, nt: 8)], spelling: [1: "--grid 16x8"])
        let pairs = try Problem.parse(yaml: """
            name: two-d-blocks
            dimension: 4
            horizon: 1
            kinetic_weight: 1
            initial_density: {type: mixture, components: [{weight: 1, mean: [1, 1, 1, 1], variance: 0.3}, {weight: 1, mean: [-1, -1, 1, 1], variance: 0.3}]}
            target_density: {type: mixture, components: [{weight: 1, mean: [0, 0, 1, 1], variance: 0.5}, {weight: 1, mean: [0, 0, -1, -1], variance: 0.5}]}
            terminal_cost: {type: kl, weight: 2}
            penalties: {hjb: 1, terminal_hjb: 1}
            """, file: "pairs.yaml")
        do {
            _ = try BlockGridPlan(blocks: try pairs.separableBlocks(), file: pairs.file, settings: nil, overrides: grid2)
            Issue.record("accepted a 1-D grid for a problem without 1-D blocks")
        } catch {
            #expect("\(error)" == "pairs.yaml: --grid 16x8 is for blocks of 1 coordinate; this problem has none "
                    + "(its blocks: (x1, x2), (x3, x4))")
        }
        let narrow = BlockGridPlan.Overrides(domain: [1: [0...4]], spelling: [1: "--domain=0:4"])
        do {
            _ = try BlockGridPlan(blocks: try q.separableBlocks(), file: q.file, settings: nil, overrides: narrow)
            Issue.record("accepted a domain that misses half the mass")
        } catch {
            #expect(String(describing: error).hasPrefix("blocks-d4.yaml: block x3: 5.00e-01 of the mass of initial_density lies outside the domain"),
                    "\(error)")
        }
    }
}

@Suite("Block-separable references: solves")
struct BlockSolveTests {
    /// A d = 4 problem solved by blocks on small grids: two distinct blocks, the 1-D one
    /// counted twice; the 2-D block's solve is exactly that of the d = 2 problem with the same
    /// data (same sampled grid problem, same iteration: bit-identical J), which is how the
    /// crowd-motion blocks reproduce crowd-motion-d2.
    @Test func blocksSumAndTheTwoDimensionalBlockIsTheTwoDimensionalProblem() throws {
        let p = try fourDimensional()
        let flags = BlockGridPlan.Overrides(grid: [2: GridSize(nx: 16, ny: 16, nt: 8), 1: GridSize(nx: 32, ny: 1, nt: 16)])
        let plan = try BlockGridPlan(blocks: try p.separableBlocks(), file: p.file, settings: nil, overrides: flags)
        let settings = GridSettings(nx: 8, ny: 8, nt: 4, maxIterations: 4000, tolerance: 1e-4, checkEvery: 20)
        var levels: [(Int, GridSize)] = []
        let solved = try plan.solve(settings: settings, coarseLevels: 1, finished: { b, level, _ in levels.append((b, level.size)) })
        #expect(solved.count == 2 && solved.allSatisfy(\.solution.converged))
        // The 8×8×4 warm start of the 2-D block is dropped before any work: on 8 cells over the
        // automatic box (≈ 7.8 wide, Δx ≈ 1.6σ) the midpoint mass of ρ₀ is 1.5 % off, which the
        // solver refuses; the 1-D block keeps its 16×8 level.
        #expect(levels.map(\.0) == [0, 1, 1])
        #expect(levels.map(\.1) == [GridSize(nx: 16, ny: 16, nt: 8), GridSize(nx: 16, ny: 1, nt: 8),
                                    GridSize(nx: 32, ny: 1, nt: 16)])
        let total = GridCostBreakdown.sum(solved.map { ($0.solution.costs, $0.entry.multiplicity) })
        let twoD = solved[0].solution.costs, oneD = solved[1].solution.costs
        #expect(abs(total.total - (twoD.total + 2 * oneD.total)) <= 1e-12 * abs(total.total))
        #expect(abs(total.entropy - (twoD.entropy + 2 * oneD.entropy)) <= 1e-12 * abs(total.entropy))

        let d2 = try Problem.parse(yaml: """
            name: head
            dimension: 2
            horizon: 1
            kinetic_weight: 1
            initial_density: {type: gaussian, mean: [0, 1.5], variance: 0.3}
            target_density: {type: gaussian, mean: [0, -1.5], variance: 0.5}
            running_cost:
              obstacle: {weight: 1, amplitude: 5, coordinates: [1, 2], center: [0, 0], variance: [0.5, 0.5]}
              entropy: {weight: 0.05}
            terminal_cost: {type: kl, weight: 2}
            penalties: {hjb: 1, terminal_hjb: 1}
            """, file: "head.yaml")
        let direct = try CoarseToFine.solve(problem: d2, domain: plan.entries[0].domain, finest: plan.entries[0].size,
                                            settings: settings, coarseLevels: 1)
        #expect(direct.costs == twoD && direct.iterations == solved[0].solution.iterations)
        #expect(direct.density == solved[0].solution.density)
    }
}
