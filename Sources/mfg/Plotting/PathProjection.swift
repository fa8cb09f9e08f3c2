import MFGNeural
import MFGPlot

extension SolverPaths {
    /// The number of agents whose paths are stored.
    var agentCount: Int { logRho0.count }

    /// The dimension d of the stored points.
    var dimension: Int { agentCount == 0 ? 0 : (z.first?.count ?? 0) / agentCount }

    /// The first `limit` agents' paths projected on two coordinates.
    func trajectories(on dims: CoordinatePair, limit: Int) -> [Trajectory] {
        let d = dimension
        return (0..<min(limit, agentCount)).map { a in
            Trajectory(times: times, xs: z.map { $0[a * d + dims.first] }, ys: z.map { $0[a * d + dims.second] })
        }
    }

    /// Coordinate `i` of every agent at step `n`.
    func coordinate(_ i: Int, step n: Int) -> [Double] {
        let d = dimension
        return (0..<agentCount).map { z[n][$0 * d + i] }
    }

    /// The steps a density figure shows: all of them when there are at most `maxPanels`,
    /// otherwise evenly spread ones always including the first and the last.
    func panelSteps(maxPanels: Int) -> [Int] { SolverPaths.evenly(times.count, at: maxPanels) }
}

extension SolverPaths {
    /// Up to `count` indices of 0..<total, evenly spread, first and last included.
    static func evenly(_ total: Int, at count: Int) -> [Int] {
        guard total > count else { return Array(0..<total) }
        return (0..<count).map { Int((Double($0) * Double(total - 1) / Double(count - 1)).rounded()) }
    }
}
