import MFGPlot
import MFGProblem

/// How many paths go through the core of the obstacle: a check that the picture does not hide.
struct ObstacleCrossing: Sendable {
    /// Paths examined.
    let paths: Int
    /// Paths with a point (on the straight segments between steps) where Q > half its maximum.
    let crossing: Int

    var fraction: Double { paths == 0 ? 0 : Double(crossing) / Double(paths) }

    /// Measures projected paths against Q on the plotted plane; each segment between stored
    /// steps is checked at `substeps` points (the characteristics are smooth between steps).
    init(trajectories: [Trajectory], obstacle q: GridField, substeps: Int = 16) {
        let level = 0.5 * (q.finiteRange?.upperBound ?? 0)
        var crossing = 0
        for tr in trajectories {
            var hit = false
            for k in 1..<max(tr.points.count, 1) where !hit {
                let a = tr.points[k - 1], b = tr.points[k]
                for s in 0...substeps {
                    let u = Double(s) / Double(substeps)
                    if q.interpolate(x: a.x + u * (b.x - a.x), y: a.y + u * (b.y - a.y)) > level { hit = true; break }
                }
            }
            if hit { crossing += 1 }
        }
        paths = trajectories.count
        self.crossing = crossing
    }
}
