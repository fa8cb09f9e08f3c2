import Foundation
import Testing
@testable import MFGPlot

@Suite struct MarchingSquaresTests {
    let h = 0.05
    var radial: GridField {
        let c = GridField.linspace(-1, 1, count: 41)  // spacing h = 0.05
        return GridField(xs: c, ys: c) { x, y in (x * x + y * y).squareRoot() }
    }

    /// A level-r contour of r(x, y) = |(x, y)| is a single closed curve whose
    /// points lie within one grid spacing of the circle of radius r.
    ///
    /// Why that tolerance: every contour point is placed on a grid edge whose two
    /// end values straddle the level, so the true crossing lies on the same edge
    /// and the two are at most one edge length h apart. Since r is 1-Lipschitz,
    /// |r(p) − level| ≤ h. (Linear interpolation of the convex function r along
    /// an edge is in fact much better than that, which the tighter mean check shows.)
    @Test(arguments: [0.3, 0.5, 0.8])
    func radialFieldGivesClosedCircle(level: Double) {
        let lines = MarchingSquares.contours(of: radial, level: level)
        #expect(lines.count == 1)
        guard let line = lines.first else { return }
        #expect(line.isClosed)
        let radii = line.points.map { ($0.x * $0.x + $0.y * $0.y).squareRoot() }
        #expect(radii.allSatisfy { abs($0 - level) <= h })
        let meanError = radii.map { abs($0 - level) }.reduce(0, +) / Double(radii.count)
        #expect(meanError < h / 4)
        // The polygon encloses about the disc's area (shoelace formula).
        var area = 0.0
        for k in line.points.indices {
            let p = line.points[k], q = line.points[(k + 1) % line.points.count]
            area += p.x * q.y - q.x * p.y
        }
        #expect(abs(abs(area) / 2 - Double.pi * level * level) < 2 * Double.pi * level * h)
        // No repeated points: the closing point is implicit.
        #expect(Set(line.points).count == line.points.count)
    }

    @Test func contourLeavingTheGridIsOpen() {
        let c = GridField.linspace(0, 1, count: 11)
        let f = GridField(xs: c, ys: c) { x, _ in x }
        let lines = MarchingSquares.contours(of: f, level: 0.55)
        #expect(lines.count == 1)
        #expect(lines.first?.isClosed == false)
        #expect(lines.first?.points.count == 11)
        #expect(lines.first?.points.allSatisfy { abs($0.x - 0.55) < 1e-12 } == true)
    }

    @Test func twoBumpsGiveTwoLoopsAndNaNIsSkipped() {
        let c = GridField.linspace(-2, 2, count: 81)
        let f = GridField(xs: c, ys: c) { x, y in
            exp(-((x - 1) * (x - 1) + y * y) * 4) + exp(-((x + 1) * (x + 1) + y * y) * 4)
        }
        let lines = MarchingSquares.contours(of: f, level: 0.5)
        #expect(lines.count == 2)
        #expect(lines.allSatisfy { $0.isClosed })
        var holes = f
        holes.values = holes.values.enumerated().map { $0.offset % 7 == 0 ? .nan : $0.element }
        let withHoles = MarchingSquares.contours(of: holes, level: 0.5)
        #expect(withHoles.allSatisfy { $0.points.allSatisfy { $0.x.isFinite && $0.y.isFinite } })
    }

    @Test func levelsAreInsideTheRange() {
        let levels = MarchingSquares.levels(for: radial, count: 4)
        #expect(levels.count == 4)
        let r = radial.finiteRange!
        #expect(levels.allSatisfy { $0 > r.lowerBound && $0 < r.upperBound })
    }
}
