import Foundation

/// A regular grid of cells over one or two of a run's coordinates: the space on which a grid
/// reference stores its densities and potentials.
///
/// `coordinates` are 0-based coordinates of the run (a d = 2 reference covers [0, 1]; one block
/// of a block-separable reference covers one or two of the d coordinates). Cell `c` of a
/// two-axis grid is (i, j) with c = i + counts[0]·j (first axis fastest), its centre at
/// lower + (i + ½, j + ½)·spacing.
public struct CellGrid: Sendable, Equatable {
    public let coordinates: [Int]
    public let lower: [Double]
    public let spacing: [Double]
    public let counts: [Int]

    /// - Precondition: one or two axes, each with at least one cell of positive width, and
    ///   distinct non-negative coordinates (the callers build grids from validated files).
    public init(coordinates: [Int], lower: [Double], upper: [Double], counts: [Int]) {
        precondition((1...2).contains(coordinates.count) && lower.count == coordinates.count
                     && upper.count == coordinates.count && counts.count == coordinates.count,
                     "CellGrid: one or two axes, each with a coordinate, bounds and a cell count")
        precondition(Set(coordinates).count == coordinates.count && coordinates.allSatisfy { $0 >= 0 },
                     "CellGrid: distinct non-negative coordinates")
        precondition(zip(lower, upper).allSatisfy { $0 < $1 } && counts.allSatisfy { $0 >= 1 },
                     "CellGrid: each axis needs lower < upper and at least one cell")
        self.coordinates = coordinates
        self.lower = lower
        self.counts = counts
        spacing = (0..<coordinates.count).map { (upper[$0] - lower[$0]) / Double(counts[$0]) }
    }

    /// Number of axes, 1 or 2.
    public var axes: Int { coordinates.count }
    /// Number of cells.
    public var cellCount: Int { counts.reduce(1, *) }
    /// Length (1 axis) or area (2 axes) of one cell.
    public var cellVolume: Double { spacing.reduce(1, *) }
    /// Upper bound of axis `a`.
    public func upper(_ a: Int) -> Double { lower[a] + Double(counts[a]) * spacing[a] }

    /// Index of cell (i, j) (j = 0 on a one-axis grid).
    @inline(__always) public func index(_ i: Int, _ j: Int = 0) -> Int { i + counts[0] * j }

    /// The centre of cell `c`, one value per axis.
    public func centre(_ c: Int) -> [Double] {
        let i = c % counts[0], j = c / counts[0]
        var x = [lower[0] + (Double(i) + 0.5) * spacing[0]]
        if axes == 2 { x.append(lower[1] + (Double(j) + 0.5) * spacing[1]) }
        return x
    }

    /// The cell that holds the point with coordinate values (x, y) on the grid's axes (y is
    /// ignored on a one-axis grid); nil outside the grid or for non-finite values.
    @inline(__always) public func cell(_ x: Double, _ y: Double = 0) -> Int? {
        guard x.isFinite, x >= lower[0] else { return nil }
        let i = Int((x - lower[0]) / spacing[0])
        guard i < counts[0] else { return nil }
        if axes == 1 { return i }
        guard y.isFinite, y >= lower[1] else { return nil }
        let j = Int((y - lower[1]) / spacing[1])
        guard j < counts[1] else { return nil }
        return i + counts[0] * j
    }

    /// The cell holding sample `a` of d × n column-major `points` (its coordinates on this grid's axes).
    @inline(__always) func cell(ofSample a: Int, in points: [Double], dimension d: Int) -> Int? {
        let x = points[a * d + coordinates[0]]
        return axes == 1 ? cell(x) : cell(x, points[a * d + coordinates[1]])
    }

    /// The grid of blocks of `factors[a]` cells along each axis (the last block of an axis may
    /// be shorter and is then as wide as the others: the coarse grid may reach past the fine
    /// one), and for each fine cell the coarse cell that contains it.
    public func coarsened(by factors: [Int]) -> (grid: CellGrid, coarseCell: [Int]) {
        precondition(factors.count == axes && factors.allSatisfy { $0 >= 1 }, "CellGrid.coarsened: one factor ≥ 1 per axis")
        let coarseCounts = (0..<axes).map { (counts[$0] + factors[$0] - 1) / factors[$0] }
        let grid = CellGrid(coordinates: coordinates, lower: lower,
                            upper: (0..<axes).map { lower[$0] + Double(coarseCounts[$0] * factors[$0]) * spacing[$0] },
                            counts: coarseCounts)
        var map = [Int](repeating: 0, count: cellCount)
        for c in 0..<cellCount {
            let i = c % counts[0], j = c / counts[0]
            map[c] = i / factors[0] + coarseCounts[0] * (axes == 2 ? j / factors[1] : 0)
        }
        return (grid, map)
    }

    /// The same cells over other run coordinates (another copy of a block-separable reference's
    /// block: the same game on other coordinates).
    public func relabelled(to coordinates: [Int]) -> CellGrid {
        precondition(coordinates.count == axes, "CellGrid.relabelled: one coordinate per axis")
        return CellGrid(coordinates: coordinates, lower: lower, upper: (0..<axes).map(upper), counts: counts)
    }

    /// Points (x, t) at the cell centres for evaluating a d-dimensional potential on this grid:
    /// a (d + 1) × cellCount column-major array whose grid coordinates are the centres, whose
    /// other coordinates are `fill` (d values; only the entries off the grid's coordinates are
    /// used) and whose last row is t.
    public func centrePoints(time t: Double, dimension d: Int, fill: [Double]) -> [Double] {
        precondition(fill.count == d && coordinates.allSatisfy { $0 < d }, "CellGrid.centrePoints: fill needs d values")
        var out = [Double](repeating: 0, count: (d + 1) * cellCount)
        for c in 0..<cellCount {
            let x = centre(c)
            for k in 0..<d { out[c * (d + 1) + k] = fill[k] }
            for (a, k) in coordinates.enumerated() { out[c * (d + 1) + k] = x[a] }
            out[c * (d + 1) + d] = t
        }
        return out
    }
}

/// A scalar field on the cell centres of a `CellGrid` (a density, a potential): enough to
/// compare a grid solution with the neural one without the neural module knowing the grid
/// solver.
public struct CellField: Sendable {
    public let grid: CellGrid
    public let values: [Double]

    /// - Precondition: one value per cell.
    public init(grid: CellGrid, values: [Double]) {
        precondition(values.count == grid.cellCount, "CellField: \(values.count) values for \(grid.cellCount) cells")
        self.grid = grid
        self.values = values
    }

    /// Linear (1 axis) or bilinear (2 axes) interpolation between cell centres; constant
    /// extension over the outer half-cells; zero outside the grid.
    public func interpolate(_ x: Double, _ y: Double = 0) -> Double {
        guard let (i0, i1, fu) = bracket(x, axis: 0) else { return 0 }
        if grid.axes == 1 { return (1 - fu) * values[i0] + fu * values[i1] }
        guard let (j0, j1, fv) = bracket(y, axis: 1) else { return 0 }
        let n0 = grid.counts[0]
        let a = values[i0 + n0 * j0], b = values[i1 + n0 * j0]
        let c = values[i0 + n0 * j1], d = values[i1 + n0 * j1]
        return (1 - fv) * ((1 - fu) * a + fu * b) + fv * ((1 - fu) * c + fu * d)
    }

    /// The two cell centres around coordinate value x on an axis and the weight of the second;
    /// nil outside the grid.
    @inline(__always) private func bracket(_ x: Double, axis: Int) -> (Int, Int, Double)? {
        let n = grid.counts[axis]
        let u = (x - grid.lower[axis]) / grid.spacing[axis] - 0.5
        guard u >= -0.5, u <= Double(n) - 0.5 else { return nil }
        let uc = min(max(u, 0), Double(n - 1))
        let i0 = min(Int(uc), max(n - 2, 0))
        return (i0, min(i0 + 1, n - 1), uc - Double(i0))
    }

    /// The field at sample `a` of d × n column-major `points` (its coordinates on the grid's axes).
    @inline(__always) func interpolate(sample a: Int, in points: [Double], dimension d: Int) -> Double {
        let x = points[a * d + grid.coordinates[0]]
        return grid.axes == 1 ? interpolate(x) : interpolate(x, points[a * d + grid.coordinates[1]])
    }

    /// ∫ over the grid (midpoint rule): the mass, for a density.
    public var integral: Double { values.reduce(0, +) * grid.cellVolume }

    /// Mean and standard deviation along each axis of the field taken as a density (normalised
    /// by its own mass; midpoint rule on the cell-centre values).
    public func moments() -> (mean: [Double], standardDeviation: [Double]) {
        let total = values.reduce(0, +)
        var mean = [Double](repeating: 0, count: grid.axes), sq = mean
        guard total > 0 else { return (mean.map { _ in .nan }, sq.map { _ in .nan }) }
        for c in 0..<grid.cellCount where values[c] != 0 {
            let x = grid.centre(c)
            for a in 0..<grid.axes { mean[a] += values[c] * x[a] }
        }
        mean = mean.map { $0 / total }
        for c in 0..<grid.cellCount where values[c] != 0 {
            let x = grid.centre(c)
            for a in 0..<grid.axes { let r = x[a] - mean[a]; sq[a] += values[c] * r * r }
        }
        return (mean, sq.map { ($0 / total).squareRoot() })
    }
}
