/// Several scalar fields on regular grids as heat maps with one shared colour scale.
///
/// Panels are laid out `columns` per row (all in one row by default), each with
/// its title (e.g. "t = 0.5"); the colour scale spans the finite values of all
/// panels and is shown once, as a colour bar labelled `colorLabel`.
/// Cells are `<rect>` elements (row runs of equal colour merged).
public func densityFigure(panels: [HeatPanel],
                          xLabel: String = "x1",
                          yLabel: String = "x2",
                          colorLabel: String = "\u{03C1}",
                          title: String = "",
                          colorMap: ColorMap = .viridis,
                          columns: Int? = nil,
                          options: FigureOptions = FigureOptions()) -> String {
    var b = Bounds()
    for p in panels { if let r = p.field.finiteRange { b.include(r.lowerBound); b.include(r.upperBound) } }
    let scale = ColorScale.sequential(colorMap, range: b.range)
    let perRow = max(1, min(columns ?? panels.count, max(panels.count, 1)))
    var cells: [[HeatPanel?]] = []
    var k = 0
    while k < panels.count {
        cells.append(Array(panels[k..<min(k + perRow, panels.count)]))
        k += perRow
    }
    if cells.isEmpty { cells = [[nil]] }
    let grid = HeatPanelGrid(cells: cells, rowScales: [scale],
                             colorBars: [RowColorBar(scale: scale, label: colorLabel, rows: 0...(cells.count - 1))],
                             xLabel: xLabel, yLabel: yLabel, title: title, options: options)
    return grid.render()
}
