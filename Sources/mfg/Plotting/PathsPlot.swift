import Foundation
import MFGNeural
import MFGPlot
import MFGProblem

/// Levels drawn for each contoured field, as fractions of the field's maximum.
private let densityLevels = [0.05, 0.3, 0.7]
private let obstacleLevels = [0.1, 0.5, 0.9]
/// One style per field whatever else is drawn: Q solid black, ρ₀ dashed orange, ρ₁ dotted magenta.
private let obstacleStyle = (color: RGBColor(hex: 0x222222), dash: String?.none)
private let initialStyle = (color: RGBColor(hex: 0xe4572e), dash: String?.some("6 3"))
private let targetStyle = (color: RGBColor(hex: 0xc51b7d), dash: String?.some("2 2.5"))

/// The paths figure: characteristics coloured by time over contours of Q (and of the shaped
/// obstacles), ρ₀ and ρ₁ (exact marginals; Q on the slice through the means when it depends on coordinates not drawn).
/// `agents` nil draws all the stored paths, or 256 computed ones when none are stored.
func pathsPlot(_ s: PlotSession, agents requested: Int?) throws(PlotError) -> PlotResult {
    let p = s.problem
    let stored = s.checkpoint.paths
    let agents = requested ?? stored?.agentCount ?? 256
    let paths = try s.paths(count: agents, seed: p.training.seed &+ 7, preferStored: true)
    let trajectories = paths.trajectories(on: s.dims, limit: agents)
    var window = PlotWindow(problem: p, dims: s.dims)
    window.include(xs: trajectories.flatMap { $0.points.map(\.x) }, ys: trajectories.flatMap { $0.points.map(\.y) })
    let (xs, ys) = window.grid(count: 121)

    func scaled(_ f: GridField, _ fractions: [Double]) -> [Double] {
        let top = f.finiteRange?.upperBound ?? 0
        return top > 0 ? fractions.map { $0 * top } : []
    }
    var contours: [ContourField] = []
    var notes: [String] = []
    if let q = p.obstacle, p.obstacleWeight != 0 {
        let field = q.sliceField(on: s.dims, through: p.slicePoint, xs: xs, ys: ys)
        contours.append(ContourField(name: q.isSliced(by: s.dims) ? "obstacle Q (slice)" : "obstacle Q", field: field,
                                     levels: scaled(field, obstacleLevels), color: obstacleStyle.color,
                                     dash: obstacleStyle.dash))
        // Q is evaluated on the agents' full d-dimensional positions, so the count holds in any dimension.
        let fraction = ObstacleCrossing.fraction(paths: paths, obstacle: q)
        notes.append(String(format: "%.1f%% of %d paths pass where Q > Q_max/2", 100 * fraction, paths.logRho0.count))
    }
    if let shapes = p.shapedObstacles {
        // Levels at 10/50/90 % of the largest λₖ·amplitude: the 50 % line is each shape's
        // boundary when the shapes weigh the same.
        let field = shapes.sliceField(on: s.dims, through: p.slicePoint, xs: xs, ys: ys)
        let top = shapes.obstacles.map { $0.weight * $0.amplitude }.max() ?? 0
        contours.append(ContourField(name: shapes.isSliced(by: s.dims) ? "shaped obstacles (slice)" : "shaped obstacles",
                                     field: field, levels: top > 0 ? obstacleLevels.map { $0 * top } : [],
                                     color: obstacleStyle.color, dash: obstacleStyle.dash))
        let fraction = ObstacleCrossing.fraction(paths: paths, shapes: shapes)
        notes.append(String(format: "%.1f%% of %d paths enter a shaped obstacle", 100 * fraction, paths.logRho0.count))
    }
    let rho0 = p.initialDensity.marginalField(on: s.dims, xs: xs, ys: ys)
    contours.append(ContourField(name: "\u{03C1}\u{2080} initial", field: rho0, levels: scaled(rho0, densityLevels),
                                 color: initialStyle.color, dash: initialStyle.dash))
    if let target = p.targetDensity {
        let rho1 = target.marginalField(on: s.dims, xs: xs, ys: ys)
        contours.append(ContourField(name: "\u{03C1}\u{2081} target", field: rho1, levels: scaled(rho1, densityLevels),
                                     color: targetStyle.color, dash: targetStyle.dash))
        let ends = trajectories.compactMap(\.points.last)
        let mx = ends.map(\.x).reduce(0, +) / Double(max(ends.count, 1))
        let my = ends.map(\.y).reduce(0, +) / Double(max(ends.count, 1))
        let m1 = target.mean
        notes.append(String(format: "mean end point (%.3f, %.3f); target mean (%.3f, %.3f)", mx, my,
                            m1[s.dims.first], m1[s.dims.second]))
    }
    let source = stored.map { $0.agentCount >= agents } == true ? "stored" : "computed"
    notes.insert("\(trajectories.count) characteristics (\(source) paths, d = \(p.dimension))", at: 0)
    let title = "\(p.name): \(trajectories.count) paths"
    let svg = pathsFigure(trajectories: trajectories, contours: contours, xLabel: s.labels.x, yLabel: s.labels.y,
                          title: title)
    return PlotResult(svg: svg, notes: notes)
}
