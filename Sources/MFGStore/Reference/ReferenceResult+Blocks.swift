import MFGNeural

extension ReferenceResult {
    /// The reference as the neural comparison sees it: one `ReferenceBlock` per distinct block of
    /// one or two coordinates, with its cells, densities, potentials, one occurrence's costs and
    /// the coordinates of every occurrence. A d = 2 result is one block over (x₁, x₂) with
    /// multiplicity 1.
    public var comparisonBlocks: [ReferenceBlock] {
        blocks.map { b in
            let g = b.geometry
            let grid = b.dimension == 1
                ? CellGrid(coordinates: b.coordinates, lower: [g.x1Lower], upper: [b.x1Upper], counts: [g.nx])
                : CellGrid(coordinates: b.coordinates, lower: [g.x1Lower, g.x2Lower], upper: [b.x1Upper, b.x2Upper],
                           counts: [g.nx, g.ny])
            return ReferenceBlock(grid: grid, steps: g.nt, horizon: g.dt * Double(g.nt), density: b.density,
                                  potential: b.potential,
                                  costs: ReferenceCosts(kinetic: b.costs.kinetic, running: b.costs.running,
                                                        terminal: b.costs.terminal),
                                  copies: b.occurrences)
        }
    }
}
