import Foundation

/// A named series of (iteration, value) pairs for a training plot.
public struct TrainingSeries: Sendable, Hashable {
    public var name: String
    public var iterations: [Double]
    public var values: [Double]
    /// Validation series are drawn dashed, training series solid.
    public var isValidation: Bool
    /// Line colour; nil shares a palette colour among series of the same name.
    public var color: RGBColor?

    public init(name: String, iterations: [Double], values: [Double],
                isValidation: Bool = false, color: RGBColor? = nil) {
        precondition(iterations.count == values.count, "TrainingSeries needs one value per iteration")
        self.name = name
        self.iterations = iterations
        self.values = values
        self.isValidation = isValidation
        self.color = color
    }

    /// Values at iterations 0, 1, 2, ...
    public init(name: String, values: [Double], isValidation: Bool = false, color: RGBColor? = nil) {
        self.init(name: name, iterations: values.indices.map(Double.init), values: values,
                  isValidation: isValidation, color: color)
    }
}

/// Training curves on a log10 y axis with a legend.
///
/// Non-positive and non-finite values (and non-finite iterations) are skipped;
/// the line is broken where they occur. Each series with at least one valid
/// point gives one `<path class="series">`. Series with the same name share a
/// colour; a validation series whose name also belongs to a training series is
/// listed as "name (validation)".
public func trainingFigure(series: [TrainingSeries],
                           xLabel: String = "iteration",
                           yLabel: String = "loss",
                           title: String = "",
                           options: FigureOptions = FigureOptions(panelWidth: 520, panelHeight: 320)) -> String {
    func valid(_ x: Double, _ y: Double) -> Bool { x.isFinite && y.isFinite && y > 0 }
    var bx = Bounds(), by = Bounds()
    for s in series {
        for (x, y) in zip(s.iterations, s.values) where valid(x, y) {
            bx.include(x)
            by.include(log10(y))
        }
    }
    let xRange = bx.range.map { $0.upperBound > $0.lowerBound ? $0 : ($0.lowerBound - 1)...($0.upperBound + 1) } ?? (0...1)
    let logRange = by.padded(0.05) ?? (0...1)
    let yRange = pow10(logRange.lowerBound)...pow10(logRange.upperBound)

    // Colours by distinct name; legend labels.
    var names: [String] = []
    for s in series where !names.contains(s.name) { names.append(s.name) }
    let trainingNames = Set(series.filter { !$0.isValidation }.map(\.name))
    let fs = options.fontSize
    let strokes = series.map { s -> Stroke in
        let color = s.color ?? RGBColor.palette[(names.firstIndex(of: s.name) ?? 0) % RGBColor.palette.count]
        return Stroke(color: color, width: 1.6, dash: s.isValidation ? "6 4" : nil)
    }
    let entries = zip(series, strokes).map { s, stroke in
        LegendEntry(label: s.isValidation && trainingNames.contains(s.name) ? "\(s.name) (validation)" : s.name,
                    symbol: .line(stroke))
    }
    let legend = Legend(entries: entries, fontSize: fs)

    let yTickWidth = PanelAxes.yTickWidth(yRange: yRange, kind: .log10, height: options.panelHeight, fontSize: fs)
    let m = GridLayout.margins(yTickWidth: yTickWidth, hasYLabel: !yLabel.isEmpty, hasXLabel: !xLabel.isEmpty,
                               hasTitle: false, options: options)
    var layout = GridLayout(rows: 1, cols: 1, plotWidth: options.panelWidth, plotHeight: options.panelHeight,
                            marginLeft: m.left, marginTop: m.top, marginBottom: m.bottom,
                            figureTitleHeight: title.isEmpty ? 0 : options.figureTitleSize + 12)
    layout.sideWidth = series.isEmpty ? 0 : legend.width + 12
    let frame = layout.plotRect(row: 0, col: 0)
    var doc = SVGDocument(width: layout.width, height: max(layout.height, frame.y + legend.height + layout.padding))
    doc.figureTitle(title, layout: layout, options: options)

    var axes = PanelAxes(frame: frame, xRange: xRange, yRange: yRange, yKind: .log10)
    axes.xLabel = xLabel
    axes.yLabel = yLabel
    doc.panelBackground(axes, fontSize: fs)
    let clip = doc.clipRect(frame)
    doc.beginGroup("clip-path=\"url(#\(clip))\"")
    for (s, stroke) in zip(series, strokes) {
        var d = PathData()
        var last: (Double, Double)? = nil      // last point drawn in the current piece
        var skipped: (Double, Double)? = nil   // a later point not yet drawn (sub-pixel step)
        var pieceLength = 0
        func endPiece() {
            if let (px, py) = skipped { d.line(px, py); pieceLength += 1 }
            // A lone valid point becomes a zero-length segment, shown as a dot by the round cap.
            if pieceLength == 1, let (px, py) = last { d.line(px, py) }
            d.lift()
            last = nil
            skipped = nil
            pieceLength = 0
        }
        for k in 0..<min(s.iterations.count, s.values.count) {
            let x = s.iterations[k], y = s.values[k]
            guard valid(x, y) else { endPiece(); continue }
            let (px, py) = axes.map(x, y)
            // Thin out points within a fraction of a pixel of the last drawn one.
            if let (lx, ly) = last, abs(px - lx) < 0.4, abs(py - ly) < 0.4 {
                skipped = (px, py)
                continue
            }
            if last == nil { d.move(px, py) } else { d.line(px, py) }
            last = (px, py)
            skipped = nil
            pieceLength += 1
        }
        endPiece()
        if !d.isEmpty { doc.path(d.text, stroke, cssClass: "series") }
    }
    doc.endGroup()
    doc.panelAxes(axes, options: options)
    legend.draw(into: &doc, x: layout.sideX, y: frame.y)
    return doc.render()
}

private func pow10(_ e: Double) -> Double { Foundation.pow(10, e) }
