import Foundation
import MFGNeural
import MFGPlot

/// The comparison figure (d = 2): the neural density (ρ₀e^{−ℓ} cell means, as in the density
/// figure) against the reference's at up to five of the reference's times, each matched with
/// the nearest integrator step.
func comparePlot(_ s: PlotSession, reference r: ReferenceDensities, samples: Int) throws(PlotError) -> PlotResult {
    let paths = try s.paths(count: samples, seed: s.problem.training.seed &+ 11, preferStored: false)
    guard !r.times.isEmpty else { throw .badInput("the reference holds no densities") }
    let ks = SolverPaths.evenly(r.times.count, at: 5)
    var neural: [GridField] = [], grid: [GridField] = [], times: [Double] = []
    for k in ks {
        let n = paths.times.indices.min { abs(paths.times[$0] - r.times[k]) < abs(paths.times[$1] - r.times[k]) }!
        let values = (0..<paths.agentCount).map { Foundation.exp(paths.logRho0[$0] - paths.ell[n][$0]) }
        neural.append(DensityHistogram.weighted(xs: paths.coordinate(0, step: n), ys: paths.coordinate(1, step: n),
                                                values: values, grid: r.xs, r.ys))
        grid.append(r.field(k))
        times.append(paths.times[n])
    }
    let svg = compareFigure(times: times, neural: neural, grid: grid, title: "\(s.problem.name): neural against grid solver")
    return PlotResult(svg: svg, notes: ["compared at t = " + times.map(shortTime).joined(separator: ", ")])
}
