import Testing
import MFGGrid
import MFGMath

/// A small non-square grid so that index mix-ups between the axes show.
private let grid = GridGeometry(nx: 9, ny: 11, nt: 6, x1Lower: -1, x1Upper: 2, x2Lower: 0, x2Upper: 5,
                                horizon: 0.7)

private func randomPrimal(_ rng: inout RandomSource) -> GridPrimal {
    GridPrimal(rho: rng.gaussians(grid.count), flux: rng.gaussians(8 * grid.count))
}

@Test func divergenceIsMinusAdjointOfGradient() {
    var rng = RandomSource(seed: 11)
    for _ in 0..<5 {
        let u = randomPrimal(&rng)
        let phi: [Double] = rng.gaussians(grid.count)
        let w = grid.cellVolume
        let lhs = zip(grid.divergence(u), phi).reduce(0) { $0 + $1.0 * $1.1 } * w
        let rhs = u.dot(grid.gradient(phi), weight: w)
        // Both sides are sums of ~10⁴ products of O(1/Δ) numbers; in exact arithmetic they cancel,
        // in Double the cancellation leaves ~1e-16 × the sum of magnitudes, far below 1e-12.
        let scale = abs(lhs) + abs(rhs) + 1
        #expect(abs(lhs + rhs) <= 1e-12 * scale)
    }
}

@Test func continuityResidualUsesInitialDataAndConservesMass() {
    var rng = RandomSource(seed: 12)
    let u = randomPrimal(&rng)
    let rho0: [Double] = rng.gaussians(grid.cellsPerLevel)
    let r = grid.continuityResidual(u, rho0: rho0)
    // Fluxes cancel in the sum over cells (no-flux boundary): Σ_cells r^k = (M^k − M^{k−1})/Δt.
    let level = grid.cellsPerLevel
    for k in 0..<grid.nt {
        let mk = u.rho[(k * level)..<((k + 1) * level)].reduce(0, +)
        let mPrev = k == 0 ? rho0.reduce(0, +) : u.rho[((k - 1) * level)..<(k * level)].reduce(0, +)
        let sum = r[(k * level)..<((k + 1) * level)].reduce(0, +)
        // Sums of ~100 O(10) terms: rounding ~1e-13.
        #expect(abs(sum - (mk - mPrev) / grid.dt) <= 1e-10)
    }
}
