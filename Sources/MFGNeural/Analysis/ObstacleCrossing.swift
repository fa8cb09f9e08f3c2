import MFGProblem

/// How many agents pass through an obstacle: the fraction of paths that enter the region where
/// Q exceeds `level` × its peak. Paths are known at the integrator's time steps only; between
/// them they are followed along straight segments sampled at `substeps` points, so a path that
/// jumps across the obstacle between two steps is still caught.
public enum ObstacleCrossing {
    public static func fraction(paths: SolverPaths, obstacle: Bump, level: Double = 0.5, substeps: Int = 20) -> Double {
        let d = obstacle.dimension
        let n = paths.logRho0.count
        guard n > 0, paths.z.count >= 1 else { return 0 }
        var center = [Double](repeating: 0, count: d)
        for (k, c) in obstacle.coordinates.enumerated() { center[c] = obstacle.center[k] }
        var peak = [Double](repeating: 0, count: 1)
        center.withUnsafeBufferPointer { c in
            peak.withUnsafeMutableBufferPointer { obstacle.value(c, count: 1, into: $0) }
        }
        let threshold = level * peak[0]
        // All sampled points of all paths, then one batched evaluation.
        let perPath = (paths.z.count - 1) * substeps + 1
        var points = [Double](repeating: 0, count: d * n * perPath)
        for a in 0..<n {
            var idx = 0
            for k in 0..<paths.z.count {
                let from = paths.z[k], to = k + 1 < paths.z.count ? paths.z[k + 1] : paths.z[k]
                let subs = k + 1 < paths.z.count ? substeps : 1
                for s in 0..<subs {
                    let f = Double(s) / Double(substeps)
                    let base = (a * perPath + idx) * d
                    for j in 0..<d { points[base + j] = from[a * d + j] + f * (to[a * d + j] - from[a * d + j]) }
                    idx += 1
                }
            }
        }
        var q = [Double](repeating: 0, count: n * perPath)
        points.withUnsafeBufferPointer { p in
            q.withUnsafeMutableBufferPointer { obstacle.value(p, count: n * perPath, into: $0) }
        }
        var crossing = 0
        for a in 0..<n where q[(a * perPath)..<((a + 1) * perPath)].contains(where: { $0 > threshold }) {
            crossing += 1
        }
        return Double(crossing) / Double(n)
    }
}
