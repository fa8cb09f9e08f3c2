import Foundation
import Testing
@testable import MFGPlot

/// Test data shared by the figure tests.
enum Fixtures {
    static func blob(cx: Double, cy: Double, n: Int = 33) -> GridField {
        let c = GridField.linspace(-1, 1, count: n)
        return GridField(xs: c, ys: c) { x, y in exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) * 8) }
    }

    /// `count` straight trajectories from left to right with `steps` points at
    /// times 0, 1/(steps-1), ..., 1.
    static func trajectories(count: Int, steps: Int) -> [Trajectory] {
        (0..<count).map { k in
            let y0 = -0.8 + 1.6 * Double(k) / Double(max(count - 1, 1))
            let times = GridField.linspace(0, 1, count: steps)
            return Trajectory(times: times, xs: times.map { -0.8 + 1.6 * $0 },
                              ys: times.map { y0 * (1 - 0.5 * sin(.pi * $0)) })
        }
    }
}

@Suite struct PathsFigureTests {
    @Test func structureMatchesTheData() {
        let q = ContourField(name: "obstacle Q", field: Fixtures.blob(cx: 0, cy: 0), levelCount: 3)
        let r0 = ContourField(name: "\u{03C1}\u{2080}", field: Fixtures.blob(cx: -0.6, cy: 0), levelCount: 2)
        let r1 = ContourField(name: "\u{03C1}\u{2081}", field: Fixtures.blob(cx: 0.6, cy: 0), levelCount: 2)
        // 5 points at t = 0, .25, .5, .75, 1: four segments with midpoints in four
        // different time-colour bins, shared by all trajectories.
        let svg = pathsFigure(trajectories: Fixtures.trajectories(count: 7, steps: 5),
                              contours: [q, r0, r1], xLabel: "x1", yLabel: "x2", title: "Paths")
        let doc = SVGInspector(svg)
        #expect(doc.isWellFormed)
        #expect(doc.elements("path", cssClass: "trajectory").count == 4)
        // Each level of these single-bump fields is one closed loop: one path per level.
        #expect(doc.elements("path", cssClass: "contour").count == 3 + 2 + 2)
        #expect(doc.elements("path", cssClass: "contour").allSatisfy { $0.attributes["d"]!.hasSuffix("Z") })
        #expect(doc.elements("circle", cssClass: "start").count == 7)
        #expect(doc.elements("circle", cssClass: "end").count == 7)
        #expect(doc.elements("path", cssClass: "contour-halo").count == 3 + 2 + 2)
        #expect(doc.count("path") == 4 + 2 * 7)
        #expect(doc.count("polyline") == 0)
        #expect(doc.texts(cssClass: "figure-title") == ["Paths"])
        #expect(doc.texts(cssClass: "axis-label") == ["x1", "x2"])
        #expect(doc.texts(cssClass: "legend-label") == ["obstacle Q", "\u{03C1}\u{2080}", "\u{03C1}\u{2081}", "start", "end"])
        #expect(doc.texts(cssClass: "colorbar-label") == ["t"])
        let ticks = doc.texts(cssClass: "tick-label")
        #expect(ticks.contains("0") && ticks.contains("0.5") && ticks.contains("1"))
        #expect(ticks.count >= 2 + 2 + 2)  // x axis, y axis, colour bar
        #expect(doc.count("clipPath") == 1)
    }

    @Test func contoursCanGoUnderThePaths() {
        let svg = pathsFigure(trajectories: Fixtures.trajectories(count: 3, steps: 5),
                              contours: [ContourField(name: "Q", field: Fixtures.blob(cx: 0, cy: 0), levelCount: 2)],
                              contoursOnTop: false)
        let doc = SVGInspector(svg)
        #expect(doc.isWellFormed)
        let kinds = doc.elements.filter { $0.name == "path" }.map { $0.attributes["class"] ?? "" }
        #expect(kinds == ["contour", "contour", "trajectory", "trajectory", "trajectory", "trajectory"])
    }

    @Test func manyTrajectoriesStaySmall() {
        let svg = pathsFigure(trajectories: Fixtures.trajectories(count: 500, steps: 20),
                              contours: [ContourField(name: "Q", field: Fixtures.blob(cx: 0, cy: 0, n: 64))])
        let doc = SVGInspector(svg)
        #expect(doc.isWellFormed)
        #expect(doc.elements("path", cssClass: "trajectory").count == 19)  // 19 segments, distinct bins
        #expect(doc.elements("circle", cssClass: "start").count == 500)
        #expect(svg.utf8.count < 1_000_000)
    }

    @Test func nonFiniteAndEmptyInputsAreHandled() {
        var t = Fixtures.trajectories(count: 2, steps: 6)
        t[0].points[2] = PlotPoint(x: .nan, y: 0)
        let doc = SVGInspector(pathsFigure(trajectories: t))
        #expect(doc.isWellFormed)
        #expect(!doc.elements("path", cssClass: "trajectory").contains { $0.attributes["d"]!.contains("nan") })
        #expect(SVGInspector(pathsFigure(trajectories: [])).isWellFormed)
    }
}
