import MFGProblem

/// How many agents pass through an obstacle. For a Gaussian bump: the fraction of paths that
/// enter the region where Q exceeds `level` × its peak; for shaped obstacles (boxes, disks,
/// capsules): the fraction that enter any shape (signed distance < 0, where Q exceeds half the
/// shape's amplitude). Paths are known at the integrator's time steps only; between them they
/// are followed along straight segments sampled at `substeps` points, so a path that jumps
/// across the obstacle between two steps is still caught.
public enum ObstacleCrossing {
    public static func fraction(paths: SolverPaths, obstacle: Bump, level: Double = 0.5, substeps: Int = 20) -> Double {
        let d = obstacle.dimension
        var center = [Double](repeating: 0, count: d)
        for (k, c) in obstacle.coordinates.enumerated() { center[c] = obstacle.center[k] }
        var peak = [Double](repeating: 0, count: 1)
        center.withUnsafeBufferPointer { c in
            peak.withUnsafeMutableBufferPointer { obstacle.value(c, count: 1, into: $0) }
        }
        let threshold = level * peak[0]
        return fraction(paths: paths, dimension: d, substeps: substeps) { points, n in
            var q = [Double](repeating: 0, count: n)
            q.withUnsafeMutableBufferPointer { obstacle.value(points, count: n, into: $0) }
            return q.map { $0 > threshold }
        }
    }

    /// The fraction of paths that enter any of the shaped obstacles.
    public static func fraction(paths: SolverPaths, shapes: ShapedObstacles, substeps: Int = 20) -> Double {
        fraction(paths: paths, dimension: shapes.dimension, substeps: substeps) { points, n in
            var inside = [Bool](repeating: false, count: n)
            inside.withUnsafeMutableBufferPointer { shapes.inside(points, count: n, into: $0) }
            return inside
        }
    }

    /// The fraction of paths with at least one sampled point for which `hits` is true; `hits`
    /// gets all sampled points of all paths (d × count) in one batch.
    private static func fraction(paths: SolverPaths, dimension d: Int, substeps: Int,
                                 hits: (UnsafeBufferPointer<Double>, Int) -> [Bool]) -> Double {
        let n = paths.logRho0.count
        guard n > 0, paths.z.count >= 1 else { return 0 }
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
        let hit = points.withUnsafeBufferPointer { hits($0, n * perPath) }
        var crossing = 0
        for a in 0..<n where hit[(a * perPath)..<((a + 1) * perPath)].contains(true) { crossing += 1 }
        return Double(crossing) / Double(n)
    }
}
