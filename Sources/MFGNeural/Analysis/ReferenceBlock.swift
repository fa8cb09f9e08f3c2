/// One block of a grid reference solution, as the neural comparison sees it: the optimum's
/// density on a `CellGrid` over coordinates C of the run (one or two of them) at the time
/// levels t_k = kT/nt, k = 0…nt, its potential Φ at t_k, k = 1…nt, and its costs.
///
/// A d = 2 reference is one block over coordinates [0, 1] with multiplicity 1 (built from a
/// reference file by MFGStore). A block-separable reference of a d-dimensional problem is a list
/// of blocks whose coordinates partition 0..<d; `copies` lists the coordinates of every block of
/// the problem that is identical to this one (the same 1-D or 2-D game), so a block solved
/// once stands for `multiplicity` blocks and its costs count that many times in J.
public struct ReferenceBlock: Sendable {
    /// The cells (and the run coordinates they span: those of the first copy).
    public let grid: CellGrid
    /// Number of time steps nt (levels 0…nt).
    public let steps: Int
    public let horizon: Double
    /// ρ at levels k = 0…nt, each `grid.cellCount` values.
    public let density: [Double]
    /// Φ at levels k = 1…nt (Φ(·, t₀) is not a grid unknown), each `grid.cellCount` values.
    public let potential: [Double]
    /// The block's L, F, G, J (one copy).
    public let costs: ReferenceCosts
    /// The run coordinates of every copy of this block (the first is `grid.coordinates`).
    public let copies: [[Int]]

    /// - Precondition: array sizes match the grid and nt; each copy has as many coordinates as the grid.
    public init(grid: CellGrid, steps: Int, horizon: Double, density: [Double], potential: [Double],
                costs: ReferenceCosts, copies: [[Int]]? = nil) {
        precondition(steps >= 1 && horizon > 0, "ReferenceBlock: nt ≥ 1 and T > 0")
        precondition(density.count == (steps + 1) * grid.cellCount && potential.count == steps * grid.cellCount,
                     "ReferenceBlock: density needs (nt + 1) levels and potential nt levels of \(grid.cellCount) cells")
        let copies = copies ?? [grid.coordinates]
        precondition(!copies.isEmpty && copies[0] == grid.coordinates && copies.allSatisfy { $0.count == grid.axes },
                     "ReferenceBlock: the first copy is the grid's coordinates; every copy has one coordinate per axis")
        self.grid = grid; self.steps = steps; self.horizon = horizon
        self.density = density; self.potential = potential; self.costs = costs; self.copies = copies
    }

    /// How many blocks of the problem this one stands for.
    public var multiplicity: Int { copies.count }

    /// t_k = kT/nt.
    public func time(level k: Int) -> Double { Double(k) * horizon / Double(steps) }

    /// ρ(·, t_k) on the cells.
    public func densityField(level k: Int) -> CellField {
        precondition((0...steps).contains(k), "ReferenceBlock.densityField: level \(k) not in 0…\(steps)")
        let c = grid.cellCount
        return CellField(grid: grid, values: Array(density[(k * c)..<((k + 1) * c)]))
    }

    /// Φ at level k on the cells, and the level it is taken at: k itself for k ≥ 1, level 1
    /// (t = Δt) for k = 0, where the grid has no potential.
    public func potentialField(level k: Int) -> (field: CellField, level: Int) {
        precondition((0...steps).contains(k), "ReferenceBlock.potentialField: level \(k) not in 0…\(steps)")
        let used = max(k, 1), c = grid.cellCount
        return (CellField(grid: grid, values: Array(potential[((used - 1) * c)..<(used * c)])), used)
    }

    /// The cells of copy `copy`: the same grid over that copy's run coordinates.
    public func grid(copy: Int) -> CellGrid { grid.relabelled(to: copies[copy]) }

    /// The points (x, t) at which the neural Φ is compared with this block's Φ at level k on
    /// copy `copy`, a (d + 1) × cellCount column-major array: the copy's coordinates at the cell
    /// centres, every other coordinate 0, and t the time of `potentialField(level: k).level`.
    ///
    /// Why the others may be fixed: when the problem splits into blocks, the HJB equation splits
    /// too (|∇Φ|² and every δF/δρ, δG/δρ are sums over the blocks, up to constants such as the
    /// "+1" of each entropy or KL term), so Φ(x, t) = Σ_b Φ_b(x_b, t) + c(t). Varying only this
    /// copy's coordinates, Φ differs from the block's Φ by Σ_{other b} Φ_b(0, t) + c(t): a
    /// constant at each time, which the comparison up to a constant removes. For a block that
    /// is the whole problem there are no other coordinates.
    public func potentialPoints(level k: Int, copy: Int = 0, dimension d: Int) -> [Double] {
        grid(copy: copy).centrePoints(time: time(level: potentialField(level: k).level), dimension: d,
                                      fill: [Double](repeating: 0, count: d))
    }
}

/// The cost terms of a reference solution (or of one block of it): kinetic L, running F
/// (obstacle plus entropy), terminal G and J = L + F + G.
public struct ReferenceCosts: Sendable, Equatable {
    public var kinetic: Double, running: Double, terminal: Double

    public init(kinetic: Double, running: Double, terminal: Double) {
        self.kinetic = kinetic; self.running = running; self.terminal = terminal
    }

    public var total: Double { kinetic + running + terminal }

    /// The costs of a whole problem from its blocks: each block's terms times its multiplicity.
    public static func sum(_ blocks: [ReferenceBlock]) -> ReferenceCosts {
        var s = ReferenceCosts(kinetic: 0, running: 0, terminal: 0)
        for b in blocks {
            let m = Double(b.multiplicity)
            s.kinetic += m * b.costs.kinetic; s.running += m * b.costs.running; s.terminal += m * b.costs.terminal
        }
        return s
    }
}
