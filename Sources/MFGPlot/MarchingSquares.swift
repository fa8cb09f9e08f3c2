/// One connected piece of an iso-line.
public struct ContourLine: Sendable, Hashable {
    /// Points in data coordinates, in order along the line.
    public var points: [PlotPoint]
    /// True when the line returns to its starting point (the first point is not
    /// repeated at the end).
    public var isClosed: Bool
}

/// A point in data coordinates.
public struct PlotPoint: Sendable, Hashable {
    public var x: Double
    public var y: Double
    public init(x: Double, y: Double) { self.x = x; self.y = y }
}

/// Iso-lines of a `GridField` by marching squares with linear interpolation
/// along cell edges.
///
/// Each crossing point lies on the grid edge whose end values straddle the
/// level, so it is within one edge length of the true crossing on that edge.
/// Saddle cells are resolved with the cell-centre average. Segments are joined
/// through the edges they share, which makes closed curves come out closed.
public enum MarchingSquares {
    /// All contour lines of `field` at `level`.
    public static func contours(of field: GridField, level: Double) -> [ContourLine] {
        let nx = field.xs.count, ny = field.ys.count
        guard nx >= 2, ny >= 2, level.isFinite else { return [] }

        // Edge ids: horizontal edge (i,j)-(i+1,j) -> 2*(i + j*nx); vertical edge
        // (i,j)-(i,j+1) -> 2*(i + j*nx) + 1.
        func hEdge(_ i: Int, _ j: Int) -> Int { 2 * (i + j * nx) }
        func vEdge(_ i: Int, _ j: Int) -> Int { 2 * (i + j * nx) + 1 }

        var crossing: [Int: PlotPoint] = [:]
        func point(on edge: Int) -> PlotPoint {
            if let p = crossing[edge] { return p }
            let node = edge / 2
            let i = node % nx, j = node / nx
            let (i2, j2) = edge % 2 == 0 ? (i + 1, j) : (i, j + 1)
            let a = field[i, j], b = field[i2, j2]
            let t = b != a ? min(max((level - a) / (b - a), 0), 1) : 0.5
            let p = PlotPoint(x: field.xs[i] + (field.xs[i2] - field.xs[i]) * t,
                              y: field.ys[j] + (field.ys[j2] - field.ys[j]) * t)
            crossing[edge] = p
            return p
        }

        var segments: [(Int, Int)] = []
        for j in 0..<(ny - 1) {
            for i in 0..<(nx - 1) {
                let v0 = field[i, j], v1 = field[i + 1, j]
                let v2 = field[i + 1, j + 1], v3 = field[i, j + 1]
                guard v0.isFinite, v1.isFinite, v2.isFinite, v3.isFinite else { continue }
                var index = 0
                if v0 >= level { index |= 1 }
                if v1 >= level { index |= 2 }
                if v2 >= level { index |= 4 }
                if v3 >= level { index |= 8 }
                if index == 0 || index == 15 { continue }
                let bottom = hEdge(i, j), right = vEdge(i + 1, j)
                let top = hEdge(i, j + 1), left = vEdge(i, j)
                let centreAbove = (v0 + v1 + v2 + v3) / 4 >= level
                switch index {
                case 1, 14: segments.append((left, bottom))
                case 2, 13: segments.append((bottom, right))
                case 3, 12: segments.append((left, right))
                case 4, 11: segments.append((right, top))
                case 6, 9: segments.append((bottom, top))
                case 7, 8: segments.append((left, top))
                case 5:
                    // corners 0 and 2 above
                    if centreAbove { segments.append((left, top)); segments.append((bottom, right)) }
                    else { segments.append((left, bottom)); segments.append((right, top)) }
                case 10:
                    // corners 1 and 3 above
                    if centreAbove { segments.append((left, bottom)); segments.append((right, top)) }
                    else { segments.append((left, top)); segments.append((bottom, right)) }
                default: break
                }
            }
        }
        return chain(segments).compactMap { edges, closed in
            // Crossings exactly at a grid node repeat that node on adjacent edges.
            var points: [PlotPoint] = []
            for p in edges.map(point(on:)) where points.last != p { points.append(p) }
            if closed, points.count > 1, points.first == points.last { points.removeLast() }
            return points.count >= 2 ? ContourLine(points: points, isClosed: closed) : nil
        }
    }

    /// Contours at several levels, paired with their level.
    public static func contours(of field: GridField, levels: [Double]) -> [(level: Double, lines: [ContourLine])] {
        levels.map { ($0, contours(of: field, level: $0)) }
    }

    /// `count` levels evenly spaced strictly inside the field's finite range.
    public static func levels(for field: GridField, count: Int) -> [Double] {
        guard let r = field.finiteRange, r.upperBound > r.lowerBound, count > 0 else { return [] }
        let span = r.upperBound - r.lowerBound
        return (1...count).map { r.lowerBound + span * Double($0) / Double(count + 1) }
    }

    /// Joins segments (pairs of edge ids) into chains of edge ids.
    /// Every edge is shared by at most two segments (one per adjacent cell).
    private static func chain(_ segments: [(Int, Int)]) -> [([Int], Bool)] {
        var byEdge: [Int: [Int]] = [:]
        for (k, s) in segments.enumerated() {
            byEdge[s.0, default: []].append(k)
            byEdge[s.1, default: []].append(k)
        }
        var used = [Bool](repeating: false, count: segments.count)
        var result: [([Int], Bool)] = []

        func walk(from start: Int, segment first: Int) -> ([Int], Bool) {
            var edges = [start]
            var current = start
            var seg = first
            while true {
                used[seg] = true
                let s = segments[seg]
                let next = s.0 == current ? s.1 : s.0
                if next == start { return (edges, true) }
                edges.append(next)
                current = next
                guard let nextSeg = byEdge[next]?.first(where: { !used[$0] }) else { return (edges, false) }
                seg = nextSeg
            }
        }

        // Open lines start at edges used by a single segment (grid boundary or NaN holes).
        for (k, s) in segments.enumerated() where !used[k] {
            for end in [s.0, s.1] where byEdge[end]?.count == 1 && !used[k] {
                result.append(walk(from: end, segment: k))
            }
        }
        for k in segments.indices where !used[k] {
            result.append(walk(from: segments[k].0, segment: k))
        }
        return result
    }
}
