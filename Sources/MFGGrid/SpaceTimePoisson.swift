import MFGMath

/// Solver of the space-time Poisson equation H z = r with H = A Aᵀ, the operator of the
/// preconditioned dual step.
///
/// With A the discrete space-time divergence of `SpaceTimeOperators`,
///
///     H = T_t + ¼ (L_x₁ + L_x₂),
///
/// where L_x₁, L_x₂ are the Neumann (zero-flux) second differences in space (a face flux is the
/// mean of four copies, and 4·(¼)² = ¼, hence the factor ¼) and T_t = D_t D_tᵀ the time
/// second difference
/// with a reflecting end at t = 0 and a zero end after t = T. Each factor is diagonalised by a
/// cosine basis (`CosineBasis`), so H⁻¹ = V⁻¹ diag(1/(μ_t + 2μ₁ + 2μ₂)) V, three dense
/// transforms forward and three back (six gemms per solve). Every eigenvalue μ_t is positive,
/// so H is invertible even though the spatial Neumann parts have a zero mode.
///
/// `timeWeight` θ scales the time part, H_θ = θT_t + ¼(L_x₁ + L_x₂) = A diag(θ, 1) Aᵀ: the
/// dual metric of PDHG with the density step θ times the flux step (see `GridSolver`). Same
/// basis, only the eigenvalues change.
///
/// Cost per solve: 2·(nx + ny + nt)·nx·ny·nt multiply-adds each way; for 128×128×64 about
/// 1.3 GFlop, a fraction of a second with OpenBLAS.
public final class SpaceTimePoisson {
    public let grid: GridGeometry
    let bx: CosineBasis, by: CosineBasis, bt: CosineBasis
    /// 1 / eigenvalue of H for every mode (layout of the grid arrays).
    let inverseEigenvalues: [Double]
    /// Coefficient of the spatial part (¼ for the four-copy face fluxes of `GridPrimal`).
    public let spaceWeight: Double
    private var scratch: [Double]
    private var scratch2: [Double]

    public init(grid: GridGeometry, spaceWeight: Double = 0.25, timeWeight: Double = 1) {
        self.grid = grid
        self.spaceWeight = spaceWeight
        bx = CosineBasis(kind: .neumann, n: grid.nx, spacing: grid.dx)
        by = CosineBasis(kind: .neumann, n: grid.ny, spacing: grid.dy)
        bt = CosineBasis(kind: .neumannDirichlet, n: grid.nt, spacing: grid.dt)
        var inv = [Double](repeating: 0, count: grid.count)
        for k in 0..<grid.nt { for j in 0..<grid.ny { for i in 0..<grid.nx {
            let mu = timeWeight * bt.eigenvalues[k] + spaceWeight * (bx.eigenvalues[i] + by.eigenvalues[j])
            inv[grid.index(i, j, k)] = 1 / mu
        } } }
        inverseEigenvalues = inv
        scratch = [Double](repeating: 0, count: grid.count)
        scratch2 = [Double](repeating: 0, count: grid.count)
    }

    /// z ← H⁻¹ r. `r` and `z` must have `grid.count` entries.
    public func solve(_ r: [Double], into z: inout [Double]) {
        let nx = grid.nx, ny = grid.ny, nt = grid.nt, level = grid.cellsPerLevel
        r.withUnsafeBufferPointer { pr in
        scratch.withUnsafeMutableBufferPointer { s1 in
        scratch2.withUnsafeMutableBufferPointer { s2 in
        inverseEigenvalues.withUnsafeBufferPointer { ie in
            let a = s1.baseAddress!, b = s2.baseAddress!
            AxisTransform.alongFirst(bx, inverse: false, pr.baseAddress!, a, rest: ny * nt)
            AxisTransform.alongMiddle(by, inverse: false, a, b, inner: nx, outer: nt)
            AxisTransform.alongLast(bt, inverse: false, b, a, inner: level)
            for n in 0..<grid.count { a[n] *= ie[n] }
            AxisTransform.alongLast(bt, inverse: true, a, b, inner: level)
            AxisTransform.alongMiddle(by, inverse: true, b, a, inner: nx, outer: nt)
        } } } }
        scratch.withUnsafeBufferPointer { s1 in
            z.withUnsafeMutableBufferPointer { pz in
                AxisTransform.alongFirst(bx, inverse: true, s1.baseAddress!, pz.baseAddress!,
                                         rest: ny * nt)
            }
        }
    }

    /// H⁻¹ r as a new array.
    public func solve(_ r: [Double]) -> [Double] {
        var z = [Double](repeating: 0, count: grid.count)
        solve(r, into: &z)
        return z
    }

    /// H z = A Aᵀ z, applied with the operators themselves (used to test the solve).
    public func apply(_ z: [Double]) -> [Double] {
        var g = GridPrimal(zeroFor: grid)
        grid.adjoint(z, into: &g)
        return grid.divergence(g)
    }
}
