/// One heat-map panel: a field and its title.
public struct HeatPanel: Sendable, Hashable {
    public var title: String
    public var field: GridField
    public init(title: String, field: GridField) {
        self.title = title
        self.field = field
    }
}

/// A colour bar spanning a range of panel rows.
struct RowColorBar {
    var scale: ColorScale
    var label: String
    var rows: ClosedRange<Int>
}

/// Shared machinery of heat-map figures: a grid of heat-map panels (cells may be
/// empty), optional row labels, and colour bars in the side column.
struct HeatPanelGrid {
    /// `cells[row][col]`; nil leaves a cell empty.
    var cells: [[HeatPanel?]]
    /// Colour scale for each row.
    var rowScales: [ColorScale]
    var colorBars: [RowColorBar]
    var rowLabels: [String] = []
    var xLabel: String
    var yLabel: String
    var title: String
    var options: FigureOptions

    func render() -> String {
        let fs = options.fontSize
        let rows = cells.count
        let cols = cells.map(\.count).max() ?? 0
        let panels = cells.flatMap { $0.compactMap { $0 } }

        // Plot size from the widest data extent, equal aspect.
        var bx = Bounds(), by = Bounds()
        for p in panels {
            let (ex, ey) = HeatMap.extent(p.field)
            bx.include(ex.lowerBound); bx.include(ex.upperBound)
            by.include(ey.lowerBound); by.include(ey.upperBound)
        }
        let xr = bx.range ?? (0...1), yr = by.range ?? (0...1)
        let (pw, ph) = GridLayout.equalAspectSize(dataWidth: xr.upperBound - xr.lowerBound,
                                                  dataHeight: yr.upperBound - yr.lowerBound, options: options)
        let yTickWidth = PanelAxes.yTickWidth(yRange: yr, kind: .linear, height: ph, fontSize: fs)
        let hasTitles = panels.contains { !$0.title.isEmpty }
        let m = GridLayout.margins(yTickWidth: yTickWidth, hasYLabel: !yLabel.isEmpty,
                                   hasXLabel: !xLabel.isEmpty, hasTitle: hasTitles, options: options)
        let bars = colorBars.map { ColorBar(scale: $0.scale, label: $0.label, fontSize: fs) }
        var layout = GridLayout(rows: rows, cols: cols, plotWidth: pw, plotHeight: ph,
                                marginLeft: m.left, marginTop: m.top, marginBottom: m.bottom,
                                figureTitleHeight: title.isEmpty ? 0 : options.figureTitleSize + 12)
        layout.rowLabelWidth = rowLabels.isEmpty ? 0 : options.titleSize + 12
        layout.sideWidth = (bars.map(\.width).max() ?? 0) + 14
        var doc = SVGDocument(width: layout.width, height: layout.height)
        doc.figureTitle(title, layout: layout, options: options)

        for (r, row) in cells.enumerated() {
            for (c, cell) in row.enumerated() {
                guard let panel = cell else { continue }
                let (ex, ey) = HeatMap.extent(panel.field)
                var axes = PanelAxes(frame: layout.plotRect(row: r, col: c), xRange: ex, yRange: ey)
                axes.gridLines = false
                axes.title = panel.title
                axes.xLabel = r == rows - 1 ? xLabel : ""
                axes.yLabel = c == 0 ? yLabel : ""
                doc.panelBackground(axes, fontSize: fs)
                HeatMap.draw(panel.field, scale: rowScales[min(r, rowScales.count - 1)], axes: axes, into: &doc)
                doc.panelAxes(axes, options: options)
            }
            if r < rowLabels.count, !rowLabels[r].isEmpty {
                let f = layout.plotRect(row: r, col: 0)
                let x = layout.padding + options.titleSize
                doc.text(rowLabels[r], x: x, y: f.midY, size: options.titleSize, anchor: .middle,
                         weight: "bold", rotate: -90, cssClass: "row-label")
            }
        }
        for (spec, bar) in zip(colorBars, bars) {
            let top = layout.plotRect(row: spec.rows.lowerBound, col: 0)
            let bottom = layout.plotRect(row: spec.rows.upperBound, col: 0)
            let inset = options.fontSize + 10
            bar.draw(into: &doc, x: layout.sideX, y: top.y + inset, height: bottom.maxY - top.y - inset)
        }
        return doc.render()
    }
}

/// Short label for a time value, e.g. "t = 0.5".
func timeTitle(_ t: Double) -> String { "t = " + Format.number(t, digits: 3) }
