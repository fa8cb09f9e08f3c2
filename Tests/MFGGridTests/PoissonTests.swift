import Testing
import MFGGrid
import MFGMath

@Test func cosineBasesAreOrthogonal() {
    for kind in [CosineBasis.Kind.neumann, .neumannDirichlet] {
        let b = CosineBasis(kind: kind, n: 13, spacing: 0.3)
        for p in 0..<13 { for q in 0..<13 {
            var s = 0.0
            for j in 0..<13 { s += b.matrix[p + 13 * j] * b.matrix[q + 13 * j] }
            // Analytic orthogonal cosines, normalised numerically: rounding only (~1e-15).
            #expect(abs(s - (p == q ? 1 : 0)) <= 1e-13)
        } }
    }
}

@Test func poissonSolveInvertsAAtranspose() {
    let grid = GridGeometry(nx: 12, ny: 10, nt: 7, x1Lower: -3, x1Upper: 3, x2Lower: -1, x2Upper: 4,
                            horizon: 2)
    let poisson = SpaceTimePoisson(grid: grid)
    var rng = RandomSource(seed: 21)
    let z: [Double] = rng.gaussians(grid.count)
    // r = A Aᵀ z built with the operators themselves, then H⁻¹ r by cosine transforms.
    let r = poisson.apply(z)
    let back = poisson.solve(r)
    let err = zip(back, z).map { abs($0 - $1) }.max()!
    // H has condition number ~ (largest/smallest eigenvalue) ≈ 1e3 here; the transforms are
    // orthogonal to 1e-15, so the round trip loses at most ~1e-12: 1e-10 is a safe bound.
    #expect(err <= 1e-10)
    // And the other way round: A Aᵀ H⁻¹ r = r for random r.
    let r2: [Double] = rng.gaussians(grid.count)
    let again = poisson.apply(poisson.solve(r2))
    let err2 = zip(again, r2).map { abs($0 - $1) }.max()!
    #expect(err2 <= 1e-10)
}
