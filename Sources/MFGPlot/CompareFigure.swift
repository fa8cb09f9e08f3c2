/// Neural versus grid solution for d = 2: rows "neural", "grid" and
/// "difference" (neural − grid) by columns of times.
///
/// `neural[k]` and `grid[k]` are the two solutions at `times[k]`. The grid field
/// is bilinearly resampled onto the neural field's nodes for the difference.
/// The neural and grid rows share one sequential colour scale (so equal colours
/// mean equal values across both rows) with one colour bar; the difference row
/// uses a diverging map symmetric about zero with its own colour bar.
/// `annotations[k]`, when given, is appended to column k's title (e.g. the L1 distance of the
/// two densities at that time: "t = 0.5, L1 0.063").
public func compareFigure(times: [Double],
                          neural: [GridField],
                          grid: [GridField],
                          xLabel: String = "x1",
                          yLabel: String = "x2",
                          colorLabel: String = "\u{03C1}",
                          title: String = "",
                          annotations: [String] = [],
                          options: FigureOptions = FigureOptions(panelWidth: 240, panelHeight: 210)) -> String {
    let n = min(times.count, neural.count, grid.count)
    var b = Bounds(), bd = Bounds()
    var rows: [[HeatPanel?]] = [[], [], []]
    for k in 0..<n {
        let a = neural[k]
        let g = grid[k].resampled(xs: a.xs, ys: a.ys)
        let diff = GridField(xs: a.xs, ys: a.ys, values: zip(a.values, g.values).map { $0 - $1 })
        for f in [a, grid[k]] { if let r = f.finiteRange { b.include(r.lowerBound); b.include(r.upperBound) } }
        if let r = diff.finiteRange { bd.include(r.lowerBound); bd.include(r.upperBound) }
        let note = k < annotations.count && !annotations[k].isEmpty ? ", " + annotations[k] : ""
        rows[0].append(HeatPanel(title: timeTitle(times[k]) + note, field: a))
        rows[1].append(HeatPanel(title: "", field: grid[k]))
        rows[2].append(HeatPanel(title: "", field: diff))
    }
    let shared = ColorScale.sequential(.viridis, range: b.range)
    let difference = ColorScale.symmetric(.diverging, range: bd.range)
    var figure = HeatPanelGrid(cells: n > 0 ? rows : [[nil]], rowScales: [shared, shared, difference],
                               colorBars: [RowColorBar(scale: shared, label: colorLabel, rows: 0...1),
                                           RowColorBar(scale: difference, label: "neural \u{2212} grid", rows: 2...2)],
                               xLabel: xLabel, yLabel: yLabel, title: title, options: options)
    figure.rowLabels = ["neural", "grid", "difference"]
    return figure.render()
}
