import Foundation
import Testing
@testable import MFGPlot

@Suite struct CompareFigureTests {
    @Test func rowsColumnsAndScales() {
        let times = [0.0, 0.5, 1.0]
        let neural = times.map { Fixtures.blob(cx: -0.5 + $0, cy: 0, n: 20) }
        // The grid solution on a finer grid: resampled for the difference.
        let grid = times.map { Fixtures.blob(cx: -0.45 + $0, cy: 0.05, n: 31) }
        let svg = compareFigure(times: times, neural: neural, grid: grid, xLabel: "x1", yLabel: "x2",
                                title: "neural vs grid", annotations: ["L1 0.01", "", "L1 0.2"])
        let doc = SVGInspector(svg)
        #expect(doc.isWellFormed)
        #expect(doc.texts(cssClass: "row-label") == ["neural", "grid", "difference"])
        #expect(doc.texts(cssClass: "panel-title") == ["t = 0, L1 0.01", "t = 0.5", "t = 1, L1 0.2"])
        #expect(doc.texts(cssClass: "figure-title") == ["neural vs grid"])
        #expect(doc.elements("g", cssClass: "heatmap").count == 9)
        #expect(doc.elements("g", cssClass: "colorbar").count == 2)
        #expect(doc.texts(cssClass: "colorbar-label") == ["\u{03C1}", "neural \u{2212} grid"])
        #expect(doc.texts(cssClass: "axis-label").filter { $0 == "x1" }.count == 3)
        #expect(doc.texts(cssClass: "axis-label").filter { $0 == "x2" }.count == 3)
        #expect(doc.count("path") == 0)
        // The difference row's colour bar is symmetric: its ticks include 0 and ±m.
        let ticks = doc.texts(cssClass: "tick-label")
        #expect(ticks.contains { $0.hasPrefix("\u{2212}0.") })
    }

    @Test func identicalSolutionsGiveAWhiteDifference() {
        let f = Fixtures.blob(cx: 0, cy: 0, n: 10)
        let doc = SVGInspector(compareFigure(times: [1], neural: [f], grid: [f]))
        #expect(doc.isWellFormed)
        let heatmaps = doc.elements.enumerated().filter { $0.element.name == "g" && $0.element.attributes["class"] == "heatmap" }
        #expect(heatmaps.count == 3)
        // All cells of the difference row have the map's midpoint colour.
        let start = heatmaps[2].offset + 1
        let cells = doc.elements[start...].prefix { $0.name == "rect" && $0.attributes["class"] == nil }
        #expect(!cells.isEmpty)
        #expect(Set(cells.map { $0.attributes["fill"] ?? "" }) == [ColorMap.diverging.color(at: 0.5).svg])
        #expect(cells.allSatisfy { $0.attributes["fill"] == ColorMap.diverging.color(at: 0.5).svg })
    }
}
