/// Number of discrete colours used for time along trajectories.
let timeColorBins = 32

/// A 2D projection of many trajectories coloured by time, over contour lines of
/// up to a few scalar fields.
///
/// Segments are coloured by the time at their midpoint on a viridis scale (with
/// a colour bar labelled `timeLabel`). Segments falling into the same of
/// `timeColorBins` colour bins are drawn together, so the figure holds one
/// `<path class="trajectory">` per colour bin in use, whatever the number of
/// trajectories. Each contour field gives one `<path class="contour">` per level
/// that has a contour, in its own colour and dash pattern with a legend entry.
/// Start points are open circles, end points filled circles.
///
/// With `contoursOnTop` (the default) the contour lines are drawn last, over a
/// thin white halo, so the ρ₀/ρ₁ level sets stay visible through dense bundles
/// of paths and marker clouds; with `false` the paths are drawn over them.
public func pathsFigure(trajectories: [Trajectory],
                        contours: [ContourField] = [],
                        xLabel: String = "x1",
                        yLabel: String = "x2",
                        title: String = "",
                        timeLabel: String = "t",
                        contoursOnTop: Bool = true,
                        options: FigureOptions = FigureOptions(panelWidth: 420, panelHeight: 420)) -> String {
    // Data extent: contour grids plus all finite trajectory points.
    var bx = Bounds(), by = Bounds(), bt = Bounds()
    for c in contours {
        if let first = c.field.xs.first, let last = c.field.xs.last { bx.include(first); bx.include(last) }
        if let first = c.field.ys.first, let last = c.field.ys.last { by.include(first); by.include(last) }
    }
    for tr in trajectories {
        for p in tr.points where p.x.isFinite && p.y.isFinite { bx.include(p.x); by.include(p.y) }
        for t in tr.times { bt.include(t) }
    }
    let xRange = bx.padded(0.02) ?? (0...1)
    let yRange = by.padded(0.02) ?? (0...1)
    let timeScale = ColorScale.sequential(.viridis, range: bt.range)

    let (pw, ph) = GridLayout.equalAspectSize(dataWidth: xRange.upperBound - xRange.lowerBound,
                                              dataHeight: yRange.upperBound - yRange.lowerBound,
                                              options: options)
    let fs = options.fontSize
    let yTickWidth = PanelAxes.yTickWidth(yRange: yRange, kind: .linear, height: ph, fontSize: fs)
    let m = GridLayout.margins(yTickWidth: yTickWidth, hasYLabel: !yLabel.isEmpty, hasXLabel: !xLabel.isEmpty,
                               hasTitle: false, options: options)

    // Legend: one entry per field, then the markers.
    var entries: [LegendEntry] = []
    let styles = contours.enumerated().map { k, c -> Stroke in
        let d = ContourField.defaultColors
        let dash = c.dash ?? ContourField.defaultDashes[k % ContourField.defaultDashes.count]
        return Stroke(color: c.color ?? d[k % d.count], width: 1.3, dash: dash, opacity: 0.9)
    }
    for (c, s) in zip(contours, styles) { entries.append(LegendEntry(label: c.name, symbol: .line(s))) }
    let markerColor = RGBColor(hex: 0x222222)
    if !trajectories.isEmpty {
        entries.append(LegendEntry(label: "start", symbol: .marker(fill: .white, stroke: markerColor, radius: 3)))
        entries.append(LegendEntry(label: "end", symbol: .marker(fill: markerColor, stroke: markerColor, radius: 3)))
    }
    let legend = Legend(entries: entries, fontSize: fs)
    let bar = ColorBar(scale: timeScale, label: timeLabel, fontSize: fs)

    var layout = GridLayout(rows: 1, cols: 1, plotWidth: pw, plotHeight: ph, marginLeft: m.left,
                            marginTop: m.top, marginBottom: m.bottom,
                            figureTitleHeight: title.isEmpty ? 0 : options.figureTitleSize + 12)
    layout.sideWidth = max(legend.width, bar.width) + 16
    let frame = layout.plotRect(row: 0, col: 0)
    let barTop = frame.y + fs + 8
    let barHeight = max(60, frame.height - legend.height - fs - 30)
    let legendTop = barTop + barHeight + 16
    var doc = SVGDocument(width: layout.width, height: max(layout.height, legendTop + legend.height + layout.padding))
    doc.figureTitle(title, layout: layout, options: options)

    var axes = PanelAxes(frame: frame, xRange: xRange, yRange: yRange)
    axes.xLabel = xLabel
    axes.yLabel = yLabel
    doc.panelBackground(axes, fontSize: fs)

    let clip = doc.clipRect(frame)
    doc.beginGroup("clip-path=\"url(#\(clip))\"")
    func drawContours(_ doc: inout SVGDocument) {
        for (c, style) in zip(contours, styles) {
            for level in c.resolvedLevels {
                var d = PathData()
                for line in MarchingSquares.contours(of: c.field, level: level) where line.points.count >= 2 {
                    for (k, p) in line.points.enumerated() {
                        let (px, py) = axes.map(p.x, p.y)
                        if k == 0 { d.move(px, py) } else { d.line(px, py) }
                    }
                    if line.isClosed { d.close() }
                }
                guard !d.isEmpty else { continue }
                if contoursOnTop {
                    doc.path(d.text, Stroke(color: .white, width: style.width + 2, opacity: 0.7), cssClass: "contour-halo")
                }
                doc.path(d.text, style, cssClass: "contour")
            }
        }
    }
    if !contoursOnTop { drawContours(&doc) }

    // Trajectories, batched by time-colour bin.
    let count = trajectories.count
    let width = count > 200 ? 0.6 : count > 50 ? 0.9 : 1.6
    let opacity = count > 200 ? 0.35 : count > 50 ? 0.6 : 0.95
    var bins = [PathData](repeating: PathData(), count: timeColorBins)
    for tr in trajectories {
        var previous: Int? = nil
        for k in 1..<max(tr.points.count, 1) {
            let p0 = tr.points[k - 1], p1 = tr.points[k]
            let t = (tr.times[k - 1] + tr.times[k]) / 2
            guard p0.x.isFinite, p0.y.isFinite, p1.x.isFinite, p1.y.isFinite, t.isFinite else {
                previous = nil
                continue
            }
            let bin = min(Int(min(max(timeScale.fraction(t), 0), 1) * Double(timeColorBins)), timeColorBins - 1)
            let (x0, y0) = axes.map(p0.x, p0.y), (x1, y1) = axes.map(p1.x, p1.y)
            if previous != bin { bins[bin].move(x0, y0) }
            bins[bin].line(x1, y1)
            previous = bin
        }
    }
    for (bin, d) in bins.enumerated() where !d.isEmpty {
        let color = timeScale.map.color(at: (Double(bin) + 0.5) / Double(timeColorBins))
        doc.path(d.text, Stroke(color: color, width: width, opacity: opacity), cssClass: "trajectory")
    }

    // Start and end markers.
    let radius = count > 200 ? 1.2 : count > 50 ? 1.8 : 2.6
    for tr in trajectories {
        if let s = tr.points.first(where: { $0.x.isFinite && $0.y.isFinite }) {
            let (px, py) = axes.map(s.x, s.y)
            doc.circle(cx: px, cy: py, r: radius, fill: "#ffffff", stroke: Stroke(color: markerColor, width: 0.6), cssClass: "start")
        }
        if let e = tr.points.last(where: { $0.x.isFinite && $0.y.isFinite }) {
            let (px, py) = axes.map(e.x, e.y)
            doc.circle(cx: px, cy: py, r: radius, fill: markerColor.svg, stroke: nil, cssClass: "end")
        }
    }
    if contoursOnTop { drawContours(&doc) }
    doc.endGroup()

    doc.panelAxes(axes, options: options)
    let sideX = layout.sideX
    bar.draw(into: &doc, x: sideX, y: barTop, height: barHeight)
    legend.draw(into: &doc, x: sideX, y: legendTop)
    return doc.render()
}
