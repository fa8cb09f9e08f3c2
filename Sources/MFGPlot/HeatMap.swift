/// Draws a `GridField` as coloured rectangles, one per grid node.
///
/// Node (i, j) owns the cell between the midpoints to its neighbours (half a
/// spacing beyond the first and last node). Consecutive cells of a row that
/// quantise to the same colour (255 levels, so a diverging map's midpoint is
/// exact) are merged into one rectangle, which keeps smooth fields compact.
/// NaN cells are left blank. Each rectangle reaches `overlap` (one pixel) over
/// its left and lower neighbours (drawn earlier), so every pixel on a cell
/// boundary is fully covered by one rectangle and anti-aliasing leaves no light
/// hairline seams between cells.
enum HeatMap {
    /// Cell boundaries for node coordinates `c` (count + 1 values).
    static func edges(_ c: [Double]) -> [Double] {
        guard c.count > 1 else {
            let v = c.first ?? 0
            return [v - 0.5, v + 0.5]
        }
        var e = [c[0] - (c[1] - c[0]) / 2]
        for k in 0..<(c.count - 1) { e.append((c[k] + c[k + 1]) / 2) }
        e.append(c[c.count - 1] + (c[c.count - 1] - c[c.count - 2]) / 2)
        return e
    }

    /// Data extent covered by the heat map of `field` (x range, y range).
    static func extent(_ field: GridField) -> (ClosedRange<Double>, ClosedRange<Double>) {
        let ex = edges(field.xs), ey = edges(field.ys)
        return (ex[0]...ex[ex.count - 1], ey[0]...ey[ey.count - 1])
    }

    static let overlap = 1.0

    static func draw(_ field: GridField, scale: ColorScale, axes: PanelAxes, into doc: inout SVGDocument) {
        let ex = edges(field.xs).map { axes.x.position($0) }
        let ey = edges(field.ys).map { axes.y.position($0) }
        let nx = field.xs.count
        let palette = (0..<255).map { scale.map.color(at: Double($0) / 254).svg }
        func level(_ v: Double) -> Int? {
            guard v.isFinite else { return nil }
            return Int((min(max(scale.fraction(v), 0), 1) * 254).rounded())
        }
        let clip = doc.clipRect(axes.frame)
        doc.beginGroup("class=\"heatmap\" clip-path=\"url(#\(clip))\"")
        for j in 0..<field.ys.count {
            let top = min(ey[j], ey[j + 1]), height = abs(ey[j + 1] - ey[j]) + overlap
            var i = 0
            while i < nx {
                guard let c = level(field[i, j]) else { i += 1; continue }
                var end = i + 1
                while end < nx, level(field[end, j]) == c { end += 1 }
                let left = min(ex[i], ex[end]) - overlap
                doc.rect(Rect(x: left, y: top, width: abs(ex[end] - ex[i]) + overlap, height: height), fill: palette[c])
                i = end
            }
        }
        doc.endGroup()
    }
}
