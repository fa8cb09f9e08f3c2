/// Sizes shared by all figure builders.
public struct FigureOptions: Sendable, Hashable {
    /// Width of one panel's plot area in pixels (before aspect adjustment).
    public var panelWidth: Double
    /// Height of one panel's plot area in pixels.
    public var panelHeight: Double
    /// Base font size for tick labels; other text scales from it.
    public var fontSize: Double

    public init(panelWidth: Double = 320, panelHeight: Double = 280, fontSize: Double = 11) {
        self.panelWidth = panelWidth
        self.panelHeight = panelHeight
        self.fontSize = fontSize
    }

    var labelSize: Double { fontSize + 2 }
    var titleSize: Double { fontSize + 3 }
    var figureTitleSize: Double { fontSize + 5 }
}

/// Places a grid of equally sized panels, an optional figure title on top,
/// optional row labels on the left and a side column on the right (for colour
/// bars and legends).
struct GridLayout {
    var rows: Int
    var cols: Int
    var plotWidth: Double
    var plotHeight: Double
    /// Space left of each plot area (y tick labels and y axis label).
    var marginLeft: Double
    /// Space right of each plot area before the next panel.
    var marginRight: Double = 14
    /// Space above each plot area (panel title).
    var marginTop: Double
    /// Space below each plot area (x tick labels and x axis label).
    var marginBottom: Double
    var figureTitleHeight: Double
    var rowLabelWidth: Double = 0
    var sideWidth: Double = 0
    var padding: Double = 10

    var cellWidth: Double { marginLeft + plotWidth + marginRight }
    var cellHeight: Double { marginTop + plotHeight + marginBottom }

    var width: Double { 2 * padding + rowLabelWidth + Double(cols) * cellWidth + sideWidth }
    var height: Double { 2 * padding + figureTitleHeight + Double(rows) * cellHeight }

    /// The plot area of panel (`row`, `col`).
    func plotRect(row: Int, col: Int) -> Rect {
        Rect(x: padding + rowLabelWidth + Double(col) * cellWidth + marginLeft,
             y: padding + figureTitleHeight + Double(row) * cellHeight + marginTop,
             width: plotWidth, height: plotHeight)
    }

    /// Left edge of the side column.
    var sideX: Double { padding + rowLabelWidth + Double(cols) * cellWidth + 6 }

    /// Standard margins for panels with tick labels of the given width.
    static func margins(yTickWidth: Double, hasYLabel: Bool, hasXLabel: Bool,
                        hasTitle: Bool, options: FigureOptions) -> (left: Double, top: Double, bottom: Double) {
        let left = yTickWidth + 10 + (hasYLabel ? options.labelSize + 10 : 0)
        let top = hasTitle ? options.titleSize + 12 : 8
        let bottom = options.fontSize + 10 + (hasXLabel ? options.labelSize + 10 : 0)
        return (left, top, bottom)
    }

    /// Plot-area size fitting in `options`' panel box while keeping the data
    /// aspect ratio `dataWidth : dataHeight` (clamped to at most 3:1 either way).
    static func equalAspectSize(dataWidth: Double, dataHeight: Double, options: FigureOptions) -> (Double, Double) {
        guard dataWidth > 0, dataHeight > 0 else { return (options.panelWidth, options.panelHeight) }
        let ratio = min(max(dataWidth / dataHeight, 1.0 / 3), 3)
        let box = options.panelWidth / options.panelHeight
        if ratio >= box { return (options.panelWidth, options.panelWidth / ratio) }
        return (options.panelHeight * ratio, options.panelHeight)
    }
}

extension SVGDocument {
    /// Draws the figure title centred at the top.
    mutating func figureTitle(_ title: String, layout: GridLayout, options: FigureOptions) {
        guard !title.isEmpty else { return }
        text(title, x: layout.width / 2, y: layout.padding + options.figureTitleSize,
             size: options.figureTitleSize, anchor: .middle, weight: "bold", cssClass: "figure-title")
    }
}
