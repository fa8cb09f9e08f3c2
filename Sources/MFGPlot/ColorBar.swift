/// A vertical colour bar with ticks, drawn as a gradient rectangle.
struct ColorBar {
    var scale: ColorScale
    var label: String
    var fontSize: Double
    var barWidth = 14.0

    /// Total width including tick labels and the label above.
    var width: Double {
        let ticks = NiceTicks.linear(lower: scale.lower, upper: scale.upper, targetCount: 5)
        let widest = NiceTicks.labels(for: ticks).map { Format.textWidth($0, size: fontSize) }.max() ?? 0
        return max(barWidth + 8 + widest, Format.textWidth(label, size: fontSize + 2)) + 8
    }

    /// Draws the bar occupying `height` pixels from (`x`, `y`); the label sits above it.
    func draw(into doc: inout SVGDocument, x: Double, y: Double, height: Double) {
        let id = doc.makeID("cbar")
        let count = 24
        var stops = ""
        for k in 0...count {
            let t = Double(k) / Double(count)
            stops += "<stop offset=\"\(Format.number(t, digits: 3))\" stop-color=\"\(scale.map.color(at: t).svg)\"/>"
        }
        doc.addDef("<linearGradient id=\"\(id)\" x1=\"0\" y1=\"1\" x2=\"0\" y2=\"0\">\(stops)</linearGradient>")
        doc.beginGroup("class=\"colorbar\"")
        if !label.isEmpty {
            doc.text(label, x: x, y: y - 7, size: fontSize + 2, cssClass: "colorbar-label")
        }
        let bar = Rect(x: x, y: y, width: barWidth, height: height)
        doc.rect(bar, fill: "url(#\(id))", stroke: Stroke(color: RGBColor(hex: 0x444444), width: 0.8))
        let axis = AxisScale(kind: .linear, lower: scale.lower, upper: scale.upper, start: bar.maxY, end: bar.y)
        let ticks = axis.ticks(target: max(2, Int(height / 60)))
        let tickStroke = Stroke(color: RGBColor(hex: 0x444444), width: 1)
        for (v, text) in zip(ticks, NiceTicks.labels(for: ticks)) {
            let py = axis.position(v)
            doc.line(bar.maxX, py, bar.maxX + 4, py, tickStroke)
            doc.tickLabel(TickLabel(text: text), x: bar.maxX + 6, y: py + fontSize * 0.35, size: fontSize, anchor: .start)
        }
        doc.endGroup()
    }
}
