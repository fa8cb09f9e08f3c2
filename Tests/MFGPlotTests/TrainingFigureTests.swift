import Foundation
import Testing
@testable import MFGPlot

@Suite struct TrainingFigureTests {
    @Test func seriesStylesLegendAndLogAxis() {
        let iters = (0..<200).map(Double.init)
        let train = TrainingSeries(name: "loss", iterations: iters, values: iters.map { 10 * exp(-$0 / 30) + 1e-3 })
        let val = TrainingSeries(name: "loss", iterations: iters, values: iters.map { 12 * exp(-$0 / 30) + 2e-3 },
                                 isValidation: true)
        let hjb = TrainingSeries(name: "HJB residual", iterations: iters, values: iters.map { 1 / ($0 + 1) })
        let svg = trainingFigure(series: [train, val, hjb], xLabel: "iteration", yLabel: "loss", title: "Training")
        let doc = SVGInspector(svg)
        #expect(doc.isWellFormed)
        let paths = doc.elements("path", cssClass: "series")
        #expect(paths.count == 3)
        #expect(paths.map { $0.attributes["stroke-dasharray"] != nil } == [false, true, false])
        #expect(paths[0].attributes["stroke"] == paths[1].attributes["stroke"])
        #expect(paths[0].attributes["stroke"] != paths[2].attributes["stroke"])
        #expect(doc.texts(cssClass: "legend-label") == ["loss", "loss (validation)", "HJB residual"])
        #expect(doc.texts(cssClass: "axis-label") == ["iteration", "loss"])
        #expect(doc.texts(cssClass: "figure-title") == ["Training"])
        // Powers of ten on the y axis: "10" with a raised exponent, e.g. "10−2".
        let ticks = doc.texts(cssClass: "tick-label")
        #expect(ticks.contains("10\u{2212}2") && ticks.contains("100") && ticks.contains("101"))
        #expect(ticks.contains("100") && ticks.contains("0"))
    }

    @Test func logAxisSkipsNonPositiveAndNaN() {
        let s = TrainingSeries(name: "loss", iterations: [0, 1, 2, 3, 4, 5, 6],
                               values: [1, 0.5, 0, -2, .nan, 0.1, 0.05])
        let bad = TrainingSeries(name: "all bad", values: [0, -1, .nan])
        let doc = SVGInspector(trainingFigure(series: [s, bad]))
        #expect(doc.isWellFormed)
        let paths = doc.elements("path", cssClass: "series")
        #expect(paths.count == 1)  // the all-invalid series draws nothing
        let d = paths[0].attributes["d"]!
        // Two pieces: points 0-1, then 5-6; the invalid run breaks the line.
        #expect(d.filter { $0 == "M" }.count == 2)
        #expect(d.filter { $0 == "L" }.count == 2)
        #expect(!d.contains("nan") && !d.contains("inf"))
        // The y axis (right-aligned labels) spans only positive values: ticks 0.05 ... 1.
        let ticks = doc.elements("text", cssClass: "tick-label").filter { $0.attributes["text-anchor"] == "end" }.map(\.text)
        #expect(!ticks.contains("0"))
        #expect(ticks == ["0.05", "0.1", "0.2", "0.5", "1"])
    }

    @Test func isolatedPointIsDrawnAsDot() {
        let s = TrainingSeries(name: "sparse", iterations: [0, 1, 2, 3], values: [1, .nan, 0.1, 0.01])
        let single = TrainingSeries(name: "one", iterations: [5], values: [0.3])
        let doc = SVGInspector(trainingFigure(series: [s, single]))
        let paths = doc.elements("path", cssClass: "series")
        #expect(paths.count == 2)
        // Point 0 alone: M + zero-length L; then points 2-3: M + L.
        #expect(paths[0].attributes["d"]!.filter { $0 == "L" }.count == 2)
        #expect(paths[1].attributes["d"]!.filter { $0 == "L" }.count == 1)
        #expect(paths[0].attributes["stroke-linecap"] == "round")
    }

    @Test func emptyInputIsStillValid() {
        #expect(SVGInspector(trainingFigure(series: [])).isWellFormed)
    }
}
