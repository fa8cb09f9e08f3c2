import Foundation

/// The axes of one panel: scales, labels and title.
struct PanelAxes {
    var frame: Rect
    var x: AxisScale
    var y: AxisScale
    var xLabel: String = ""
    var yLabel: String = ""
    var title: String = ""
    var gridLines = true

    /// A panel whose scales map `xRange`/`yRange` onto `frame`.
    init(frame: Rect, xRange: ClosedRange<Double>, yRange: ClosedRange<Double>, yKind: AxisKind = .linear) {
        self.frame = frame
        x = AxisScale(kind: .linear, lower: xRange.lowerBound, upper: xRange.upperBound,
                      start: frame.x, end: frame.maxX)
        y = AxisScale(kind: yKind, lower: yRange.lowerBound, upper: yRange.upperBound,
                      start: frame.maxY, end: frame.y)
    }

    /// Maps a data point to pixels.
    func map(_ px: Double, _ py: Double) -> (Double, Double) { (x.position(px), y.position(py)) }

    /// X ticks thinned until their labels do not overlap.
    func xTicks(fontSize: Double) -> [(Double, TickLabel)] {
        var target = max(2, Int(frame.width / 70))
        while true {
            let ticks = x.ticks(target: target)
            let labels = TickLabel.labels(for: ticks, kind: x.kind)
            let widest = labels.map { $0.width(size: fontSize) }.max() ?? 0
            let spacing = ticks.count > 1 ? abs(x.position(ticks[1]) - x.position(ticks[0])) : .infinity
            if widest + fontSize <= spacing || target <= 2 { return Array(zip(ticks, labels)) }
            target -= 1
        }
    }

    /// Y ticks, about one per 45 pixels.
    func yTicks() -> [(Double, TickLabel)] {
        let ticks = y.ticks(target: max(2, Int(frame.height / 45)))
        return Array(zip(ticks, TickLabel.labels(for: ticks, kind: y.kind)))
    }

    /// Widest y tick label for layout purposes.
    static func yTickWidth(yRange: ClosedRange<Double>, kind: AxisKind, height: Double, fontSize: Double) -> Double {
        let scale = AxisScale(kind: kind, lower: yRange.lowerBound, upper: yRange.upperBound, start: height, end: 0)
        let ticks = scale.ticks(target: max(2, Int(height / 45)))
        return TickLabel.labels(for: ticks, kind: kind).map { $0.width(size: fontSize) }.max() ?? fontSize
    }
}

/// A tick label, optionally of the form base^exponent (for log axes).
struct TickLabel {
    var text: String
    var exponent: String? = nil

    func width(size: Double) -> Double {
        Format.textWidth(text, size: size) + (exponent.map { Format.textWidth($0, size: size * 0.75) } ?? 0)
    }

    static func labels(for ticks: [Double], kind: AxisKind) -> [TickLabel] {
        if kind == .log10 {
            let exponents = ticks.map { log10($0) }
            if exponents.allSatisfy({ abs($0 - $0.rounded()) < 1e-9 }) {
                return exponents.map { e in
                    let k = Int(e.rounded())
                    return TickLabel(text: "10", exponent: k < 0 ? "\u{2212}\(-k)" : "\(k)")
                }
            }
            return ticks.map { TickLabel(text: compactLabel($0)) }
        }
        return NiceTicks.labels(for: ticks).map { TickLabel(text: $0) }
    }

    /// Label for an individual 1-2-5 value on a log axis.
    private static func compactLabel(_ v: Double) -> String {
        if v >= 1e5 || v < 1e-3 { return NiceTicks.scientific(v) }
        let decimals = max(0, Int((-log10(v) + 1e-9).rounded(.up)))
        return NiceTicks.trimZeros(String(format: "%.\(decimals)f", v))
    }
}

extension SVGDocument {
    /// Plot-area background and light grid lines; draw before the data.
    mutating func panelBackground(_ axes: PanelAxes, fontSize: Double) {
        rect(axes.frame, fill: "#ffffff")
        guard axes.gridLines else { return }
        let grid = Stroke(color: RGBColor(hex: 0xe6e6e6), width: 1)
        for (v, _) in axes.xTicks(fontSize: fontSize) {
            let px = axes.x.position(v)
            line(px, axes.frame.y, px, axes.frame.maxY, grid)
        }
        for (v, _) in axes.yTicks() {
            let py = axes.y.position(v)
            line(axes.frame.x, py, axes.frame.maxX, py, grid)
        }
    }

    /// Frame, ticks, tick labels, axis labels and panel title; draw after the data.
    mutating func panelAxes(_ axes: PanelAxes, options: FigureOptions) {
        let f = axes.frame
        let fs = options.fontSize
        rect(f, fill: "none", stroke: Stroke(color: RGBColor(hex: 0x444444), width: 1), extra: "class=\"frame\"")
        let tickStroke = Stroke(color: RGBColor(hex: 0x444444), width: 1)
        for (v, label) in axes.xTicks(fontSize: fs) {
            let px = axes.x.position(v)
            line(px, f.maxY, px, f.maxY + 4, tickStroke)
            tickLabel(label, x: px, y: f.maxY + 6 + fs, size: fs, anchor: .middle)
        }
        for (v, label) in axes.yTicks() {
            let py = axes.y.position(v)
            line(f.x - 4, py, f.x, py, tickStroke)
            tickLabel(label, x: f.x - 6, y: py + fs * 0.35, size: fs, anchor: .end)
        }
        if !axes.xLabel.isEmpty {
            text(axes.xLabel, x: f.midX, y: f.maxY + 2 * fs + 10 + options.labelSize * 0.4,
                 size: options.labelSize, anchor: .middle, cssClass: "axis-label")
        }
        if !axes.yLabel.isEmpty {
            let widest = axes.yTicks().map { $0.1.width(size: fs) }.max() ?? fs
            let lx = f.x - widest - 14
            text(axes.yLabel, x: lx, y: f.midY, size: options.labelSize, anchor: .middle,
                 rotate: -90, cssClass: "axis-label")
        }
        if !axes.title.isEmpty {
            text(axes.title, x: f.midX, y: f.y - 8, size: options.titleSize, anchor: .middle,
                 weight: "bold", cssClass: "panel-title")
        }
    }

    /// A tick label; exponents are raised with a smaller font.
    mutating func tickLabel(_ label: TickLabel, x: Double, y: Double, size: Double, anchor: TextAnchor) {
        var s = "<text class=\"tick-label\" x=\"\(Format.number(x))\" y=\"\(Format.number(y))\" font-size=\"\(Format.number(size))\""
        if anchor != .start { s += " text-anchor=\"\(anchor.rawValue)\"" }
        s += ">\(Format.xmlEscape(label.text))"
        if let e = label.exponent {
            s += "<tspan dy=\"\(Format.number(-size * 0.45))\" font-size=\"\(Format.number(size * 0.75))\">\(Format.xmlEscape(e))</tspan>"
        }
        add(s + "</text>")
    }
}
