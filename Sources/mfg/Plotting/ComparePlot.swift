import Foundation
import MFGNeural
import MFGPlot

/// The comparison figure (d = 2): the neural density (ρ₀e^{−ℓ} cell means on the grid's cells,
/// as in the density figure) against the reference's at the times `mfg compare` reports
/// (t = 0, T/4, T/2, 3T/4, T: `ComparisonSchedule`, with the paths integrated on more steps when
/// a grid level is not a step time), each column titled with the density L1 distance
/// (`TimeResolvedComparison`, carried estimator; with noise, σ > 0, sample counts and the
/// histogram estimator, since ρ₀e^{−ℓ} is then not the paths' density).
func comparePlot(_ s: PlotSession, reference r: ReferenceDensities, samples: Int) throws(PlotError) -> PlotResult {
    let schedule: ComparisonSchedule
    do { schedule = try ComparisonSchedule(referenceSteps: r.block.steps, runSteps: s.problem.integrator.steps, allLevels: false) }
    catch { throw .badInput("the reference: \(error.description)") }
    let paths = try s.paths(count: samples, seed: s.problem.training.seed &+ 11, steps: schedule.integratorSteps)
    let noisy = s.problem.sigma > 0
    let comparison = TimeResolvedComparison(paths: paths, schedule: schedule, block: r.block, obstacle: nil, neuralPotentials: nil,
                                            carriedDensity: !noisy)
    let xs = r.xs, ys = r.ys
    var neural: [GridField] = [], grid: [GridField] = []
    for k in schedule.levels {
        let n = schedule.pathStep(level: k)
        if noisy {
            // With noise ρ₀e^{−ℓ} is not the paths' density: count the samples instead.
            neural.append(DensityHistogram.counts(xs: paths.coordinate(0, step: n), ys: paths.coordinate(1, step: n),
                                                  grid: xs, ys))
            grid.append(r.field(level: k))
            continue
        }
        let values = (0..<paths.agentCount).map { Foundation.exp(paths.logRho0[$0] - paths.ell[n][$0]) }
        neural.append(DensityHistogram.weighted(xs: paths.coordinate(0, step: n), ys: paths.coordinate(1, step: n),
                                                values: values, grid: xs, ys))
        grid.append(r.field(level: k))
    }
    let times = comparison.rows.map(\.time)
    let svg = compareFigure(times: times, neural: neural, grid: grid, title: "\(s.problem.name): neural against grid solver",
                            annotations: comparison.rows.map { String(format: "L1 %.3f", $0.distance) })
    var notes = (noisy ? ["σ > 0: neural density from sample counts, L1 by the histogram estimator"] : []) + ["compared at t = " + times.map(shortTime).joined(separator: ", ") + "; density L1 "
                 + comparison.rows.map { String(format: "%.3f", $0.distance) }.joined(separator: ", ")]
    if schedule.reintegrates {
        notes.append("paths integrated with \(schedule.integratorSteps) steps (the run used \(schedule.runSteps)) "
                     + "so that every compared time is a step time")
    }
    return PlotResult(svg: svg, notes: notes)
}
