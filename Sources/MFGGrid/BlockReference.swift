import Dispatch
import MFGProblem

/// One distinct block solved: the plan entry, its finest-grid solution and the time it took.
public struct SolvedBlock: Sendable {
    public let entry: BlockGridPlan.Entry
    public let solution: GridSolution
    /// Wall time of this block's coarse-to-fine solve.
    public let wallSeconds: Double

    public init(entry: BlockGridPlan.Entry, solution: GridSolution, wallSeconds: Double) {
        self.entry = entry; self.solution = solution; self.wallSeconds = wallSeconds
    }
}

extension BlockGridPlan {
    /// Solves every entry coarse to fine (`CoarseToFine`), in plan order.
    ///
    /// `settings` gives the iteration settings (the grid comes from each entry); `progress` and
    /// `finished` receive the entry's index along with the level.
    public func solve(settings: GridSettings, coarseLevels: Int,
                      progress: ((Int, CoarseToFine.Level, GridProgress) -> Void)? = nil,
                      finished: ((Int, CoarseToFine.Level, GridSolution) -> Void)? = nil) throws(ReferenceSetupError) -> [SolvedBlock] {
        var solved: [SolvedBlock] = []
        for (index, entry) in entries.enumerated() {
            let start = DispatchTime.now().uptimeNanoseconds
            let solution = try CoarseToFine.solve(
                problem: entry.problem, domain: entry.domain, finest: entry.size, settings: settings,
                coarseLevels: coarseLevels, progress: { progress?(index, $0, $1) }, finished: { finished?(index, $0, $1) })
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
            solved.append(SolvedBlock(entry: entry, solution: solution, wallSeconds: wall))
        }
        return solved
    }
}

extension GridCostBreakdown {
    /// The costs of a block-separable problem: every block's costs times its multiplicity
    /// (J, L, F, G of the product of the blocks' optima; docs/reference-solver.md).
    public static func sum(_ parts: [(costs: GridCostBreakdown, multiplicity: Int)]) -> GridCostBreakdown {
        var total = GridCostBreakdown(kinetic: 0, obstacle: 0, entropy: 0, terminal: 0)
        for (c, m) in parts {
            let w = Double(m)
            total.kinetic += w * c.kinetic; total.obstacle += w * c.obstacle; total.nonlocal += w * c.nonlocal
            total.entropy += w * c.entropy; total.terminal += w * c.terminal
            total.congestion += w * c.congestion
        }
        return total
    }
}
