import Foundation
import Testing
@testable import MFGPlot

@Suite struct DensityFigureTests {
    @Test func panelsTitlesAndSharedScale() {
        let times = [0.0, 0.5, 1.0]
        let panels = times.map { t in
            HeatPanel(title: "t = \(Format.number(t))", field: Fixtures.blob(cx: -0.5 + t, cy: 0, n: 16))
        }
        let svg = densityFigure(panels: panels, xLabel: "x1", yLabel: "x2", title: "Density")
        let doc = SVGInspector(svg)
        #expect(doc.isWellFormed)
        #expect(doc.texts(cssClass: "panel-title") == ["t = 0", "t = 0.5", "t = 1"])
        #expect(doc.texts(cssClass: "figure-title") == ["Density"])
        // x label under every panel of the (single) row, y label only left of the first.
        #expect(doc.texts(cssClass: "axis-label").filter { $0 == "x1" }.count == 3)
        #expect(doc.texts(cssClass: "axis-label").filter { $0 == "x2" }.count == 1)
        #expect(doc.elements("g", cssClass: "heatmap").count == 3)
        #expect(doc.elements("rect", cssClass: "frame").count == 3)
        #expect(doc.elements("g", cssClass: "colorbar").count == 1)
        #expect(doc.texts(cssClass: "colorbar-label") == ["\u{03C1}"])
        #expect(doc.count("image") == 0)
        #expect(doc.count("path") == 0 && doc.count("polyline") == 0)
        // 16 x 16 cells per panel, merged into row runs: at most 256, at least 16 rects.
        let cellRects = doc.count("rect") - 1 /* background */ - 3 * 3 /* plot bg, frame, clip */ - 1 /* colour bar */
        #expect(cellRects >= 3 * 16 && cellRects <= 3 * 256)
        let ticks = doc.texts(cssClass: "tick-label")
        #expect(ticks.filter { $0 == "\u{2212}1" }.count >= 3)
    }

    @Test func largeHeatMapStaysUnderTwoMegabytes() {
        // Worst case for run merging: noise, every cell a different colour.
        let c = GridField.linspace(0, 1, count: 128)
        var rng = SystemRandomNumberGenerator()
        let noise = GridField(xs: c, ys: c, values: (0..<(128 * 128)).map { _ in Double.random(in: 0...1, using: &rng) })
        let svg = densityFigure(panels: [HeatPanel(title: "noise", field: noise)])
        #expect(svg.utf8.count < 2_000_000)
        #expect(SVGInspector(svg).isWellFormed)
    }

    @Test func nanCellsAreLeftBlank() {
        var f = Fixtures.blob(cx: 0, cy: 0, n: 8)
        f.values = f.values.map { _ in .nan }
        let doc = SVGInspector(densityFigure(panels: [HeatPanel(title: "empty", field: f)]))
        #expect(doc.isWellFormed)
        #expect(doc.count("rect") == 1 + 3 + 1)  // background, plot bg + frame + clip, colour bar
    }
}
