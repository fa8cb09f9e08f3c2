/// One legend row: a symbol and its text.
struct LegendEntry {
    enum Symbol {
        /// A short line sample.
        case line(Stroke)
        /// A circular marker.
        case marker(fill: RGBColor?, stroke: RGBColor, radius: Double)
    }

    var label: String
    var symbol: Symbol
}

/// A vertical legend with a light frame.
struct Legend {
    var entries: [LegendEntry]
    var fontSize: Double

    private var rowHeight: Double { fontSize + 7 }
    private let sampleWidth = 26.0

    var width: Double {
        let widest = entries.map { Format.textWidth($0.label, size: fontSize) }.max() ?? 0
        return sampleWidth + widest + 22
    }

    var height: Double { Double(entries.count) * rowHeight + 10 }

    /// Draws the legend with its top-left corner at (`x`, `y`).
    func draw(into doc: inout SVGDocument, x: Double, y: Double) {
        guard !entries.isEmpty else { return }
        doc.beginGroup("class=\"legend\"")
        doc.rect(Rect(x: x, y: y, width: width, height: height), fill: "#ffffff",
                 stroke: Stroke(color: RGBColor(hex: 0xbbbbbb), width: 1), extra: "fill-opacity=\"0.9\"")
        for (k, entry) in entries.enumerated() {
            let cy = y + 5 + rowHeight * (Double(k) + 0.5)
            let sx = x + 8
            switch entry.symbol {
            case .line(let stroke):
                var s = stroke
                s.width = max(stroke.width, 1.5)
                s.opacity = 1
                doc.line(sx, cy, sx + sampleWidth, cy, s)
            case .marker(let fill, let stroke, let radius):
                doc.circle(cx: sx + sampleWidth / 2, cy: cy, r: radius,
                           fill: fill?.svg ?? "none", stroke: Stroke(color: stroke, width: 1.2))
            }
            doc.text(entry.label, x: sx + sampleWidth + 6, y: cy + fontSize * 0.35, size: fontSize,
                     cssClass: "legend-label")
        }
        doc.endGroup()
    }
}
