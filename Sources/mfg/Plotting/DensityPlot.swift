import Foundation
import MFGNeural
import MFGPlot
import MFGProblem

/// The density figure: ρ at up to five of the integrator's time steps, and the target ρ₁.
///
/// In d = 2 each cell shows the mean of ρ(z, t) = ρ₀(x₀)·e^{−ℓ(t)} over the pushed samples it
/// holds: the solver's own density along its characteristics, free of counting noise. In d > 2
/// that value is the full d-dimensional density, not the marginal, so the figure is a plain
/// histogram of the pushed samples projected on the two coordinates; `histogram` asks for that
/// in d = 2 as well (where the two views disagree, ℓ and the paths disagree). With noise
/// (σ > 0) the histogram is always used: ℓ then does not carry the paths' density.
func densityPlot(_ s: PlotSession, samples: Int, histogram: Bool = false) throws(PlotError) -> PlotResult {
    let p = s.problem
    let paths = try s.paths(count: samples, seed: p.training.seed &+ 11, preferStored: false)
    let steps = paths.panelSteps(maxPanels: 5)
    var window = PlotWindow(problem: p, dims: s.dims)
    for n in steps { window.include(xs: paths.coordinate(s.dims.first, step: n), ys: paths.coordinate(s.dims.second, step: n)) }
    // With noise (σ > 0) ρ₀e^{−ℓ} is not the density of the noisy paths: count them instead.
    let exact = p.dimension == 2 && !histogram && p.sigma == 0
    // Counting needs tens of samples per cell to be readable: fewer cells for fewer samples.
    let (xs, ys) = window.grid(count: exact ? 61 : min(61, max(21, Int(Double(samples).squareRoot() / 2.5))))
    var panels: [HeatPanel] = steps.map { n in
        let px = paths.coordinate(s.dims.first, step: n), py = paths.coordinate(s.dims.second, step: n)
        let field = exact
            ? DensityHistogram.weighted(xs: px, ys: py, values: (0..<paths.agentCount).map { Foundation.exp(paths.logRho0[$0] - paths.ell[n][$0]) },
                                        grid: xs, ys)
            : DensityHistogram.counts(xs: px, ys: py, grid: xs, ys)
        return HeatPanel(title: "t = \(shortTime(paths.times[n]))", field: field)
    }
    if let target = p.targetDensity {
        panels.append(HeatPanel(title: "target \u{03C1}\u{2081}", field: target.marginalField(on: s.dims, xs: xs, ys: ys)))
    }
    let method = exact ? "\u{03C1}\u{2080}(x\u{2080})e^(\u{2212}\u{2113}) along \(samples) characteristics"
                       : "histogram of \(samples) pushed samples" + (p.dimension > 2 ? " on (\(s.labels.x), \(s.labels.y))" : "")
    let svg = densityFigure(panels: panels, xLabel: s.labels.x, yLabel: s.labels.y, colorLabel: "\u{03C1}",
                            title: "\(p.name): density, \(method)", columns: panels.count <= 4 ? panels.count : 3)
    return PlotResult(svg: svg, notes: ["density: " + (exact ? "exact along characteristics (cell means)" : "histogram of projected samples")
                                        + (p.sigma > 0 && p.dimension == 2 ? " (σ > 0: ρ₀e^(−ℓ) is not the noisy paths' density)" : "")])
}

/// A time for a panel title: at most three decimals, no trailing zeros.
func shortTime(_ t: Double) -> String {
    var s = String(format: "%.3f", t)
    while s.hasSuffix("0") { s.removeLast() }
    if s.hasSuffix(".") { s.removeLast() }
    return s
}
