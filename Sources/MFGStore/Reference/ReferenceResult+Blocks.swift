import MFGNeural

extension ReferenceResult {
    /// The reference as the neural comparison sees it: blocks of one or two coordinates with
    /// their grids, densities, potentials and costs. A d = 2 result is one block over (x₁, x₂)
    /// with multiplicity 1.
    public var blocks: [ReferenceBlock] {
        let g = geometry
        let grid = CellGrid(coordinates: [0, 1], lower: [g.x1Lower, g.x2Lower], upper: [x1Upper, x2Upper],
                            counts: [g.nx, g.ny])
        return [ReferenceBlock(grid: grid, steps: g.nt, horizon: g.dt * Double(g.nt), density: density,
                               potential: potential,
                               costs: ReferenceCosts(kinetic: costs.kinetic, running: costs.running, terminal: costs.terminal))]
    }
}
