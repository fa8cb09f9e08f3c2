import MFGPlot

/// The training figure: every loss term against iteration on a log axis, training solid and
/// validation dashed.
func trainingPlot(_ s: PlotSession) throws(PlotError) -> PlotResult {
    let state = s.checkpoint.state
    let series = state.history.series()
    guard !series.isEmpty else { throw .badInput("the checkpoint has no positive loss values to plot (iteration \(state.iteration))") }
    let title = "\(s.problem.name): training (best iterate \(state.bestIteration) of \(state.iteration))"
    return PlotResult(svg: trainingFigure(series: series, title: title),
                      notes: ["\(series.count) curves over \(state.history.iterations.count) iterations"])
}
