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
///
/// **With diffusion** (ν = σ²/2 > 0, `GridGeometry.diffusion`) the density block of A is no
/// longer the plain time difference: per level it is (1/Δt + (ν/2)L)ρᵏ − (1/Δt − (ν/2)L)ρᵏ⁻¹
/// (Crank–Nicolson, `SpaceTimeOperators`), with L = L_x₁ + L_x₂ = −Δₕ. L is diagonal in the
/// spatial cosine basis, so in spatial mode (p, q) with eigenvalue λ = λ_p + λ_q the density
/// block is the nt × nt lower bidiagonal B_λ with diagonal a = 1/Δt + νλ/2 and subdiagonal
/// −c, c = 1/Δt − νλ/2, and
///
///     H_θ = θ B_λB_λᵀ + ¼λ I:  diagonal θa² + ¼λ (first level), θ(a² + c²) + ¼λ (the others),
///                              off-diagonal −θac.
///
/// For ν = 0 (a = c = 1/Δt) this is θT_t + ¼λ, diagonalised by the time cosine basis above.
/// For ν > 0, θB_λB_λᵀ = θ[acΔt²T_t + (a − c)²I + c(a − c)e₁e₁ᵀ]: the cosine basis of T_t
/// diagonalises the first two terms but not the rank-one correction at the first level, so
/// instead each spatial mode's tridiagonal matrix is factored once, H_θ = LDLᵀ with L unit lower bidiagonal, and
/// solved by forward and back substitution (the Thomas algorithm) over the levels: two spatial
/// transforms each way and 3nt operations per mode, cheaper than the time gemms. B_λ has a
/// positive diagonal, so θB_λB_λᵀ is positive definite and every pivot dₖ is positive: the
/// factorisation needs no pivoting. ‖H_θ^{-1/2} A diag(θ, 1)^{1/2}‖ = 1 still holds (H_θ is
/// A diag(θ, 1) Aᵀ exactly), so the PDHG step condition τσ < 1 is unchanged.
///
/// **Per-axis noise** (ν₁ ≠ ν₂, `GridGeometry.diffusionX2`): the diffusion operator
/// ν₁L_x₁ + ν₂L_x₂ is diagonal in the same tensor cosine basis, with eigenvalue ν₁λ_p + ν₂λ_q in
/// mode (p, q), so a = 1/Δt + (ν₁λ_p + ν₂λ_q)/2 and c = 1/Δt − (ν₁λ_p + ν₂λ_q)/2; the flux part
/// keeps ¼λ = ¼(λ_p + λ_q) (the transport does not see the noise). Everything else (the
/// factorisation, its positivity, the norm-one preconditioning) is as above.
public final class SpaceTimePoisson {
    public let grid: GridGeometry
    let bx: CosineBasis, by: CosineBasis, bt: CosineBasis
    /// 1 / eigenvalue of H for every mode (layout of the grid arrays); empty with diffusion.
    let inverseEigenvalues: [Double]
    /// With diffusion: the LDLᵀ factors of every spatial mode's tridiagonal time matrix, in the
    /// layout of the grid arrays (mode p + nx·q at level k): the subdiagonal multiplier lₖ of
    /// L (0 at k = 0) and 1/dₖ. Empty without diffusion.
    let multipliers: [Double]
    let inversePivots: [Double]
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
        if grid.isViscous {
            let level = grid.cellsPerLevel, idt = 1 / grid.dt, h = 0.5 * grid.diffusion
            let h2 = 0.5 * grid.diffusionX2, isotropic = grid.isIsotropicDiffusion
            var l = [Double](repeating: 0, count: grid.count), ip = l
            for j in 0..<grid.ny { for i in 0..<grid.nx {
                let lambda = bx.eigenvalues[i] + by.eigenvalues[j]
                // The diffusion's eigenvalue in mode (p, q): νλ/2, or (ν₁λ_p + ν₂λ_q)/2 per axis.
                let diffusive = isotropic ? h * lambda : h * bx.eigenvalues[i] + h2 * by.eigenvalues[j]
                let a = idt + diffusive, c = idt - diffusive
                let space = spaceWeight * lambda
                let off = -timeWeight * a * c
                let m = i + grid.nx * j
                var pivot = timeWeight * a * a + space
                ip[m] = 1 / pivot
                for k in 1..<grid.nt {
                    let mult = off / pivot
                    pivot = timeWeight * (a * a + c * c) + space - mult * off
                    l[m + k * level] = mult
                    ip[m + k * level] = 1 / pivot
                }
            } }
            multipliers = l; inversePivots = ip; inverseEigenvalues = []
        } else {
            var inv = [Double](repeating: 0, count: grid.count)
            for k in 0..<grid.nt { for j in 0..<grid.ny { for i in 0..<grid.nx {
                let mu = timeWeight * bt.eigenvalues[k] + spaceWeight * (bx.eigenvalues[i] + by.eigenvalues[j])
                inv[grid.index(i, j, k)] = 1 / mu
            } } }
            inverseEigenvalues = inv; multipliers = []; inversePivots = []
        }
        scratch = [Double](repeating: 0, count: grid.count)
        scratch2 = [Double](repeating: 0, count: grid.count)
    }

    /// z ← H⁻¹ r. `r` and `z` must have `grid.count` entries.
    public func solve(_ r: [Double], into z: inout [Double]) {
        if grid.isViscous { solveViscous(r, into: &z); return }
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

    /// z ← H⁻¹ r with diffusion: spatial transforms, then per spatial mode the tridiagonal
    /// solve over the levels with the stored LDLᵀ factors (all modes of a level side by side,
    /// contiguous), then the inverse spatial transforms.
    private func solveViscous(_ r: [Double], into z: inout [Double]) {
        let nx = grid.nx, ny = grid.ny, nt = grid.nt, level = grid.cellsPerLevel
        r.withUnsafeBufferPointer { pr in
        scratch.withUnsafeMutableBufferPointer { s1 in
        scratch2.withUnsafeMutableBufferPointer { s2 in
        multipliers.withUnsafeBufferPointer { l in
        inversePivots.withUnsafeBufferPointer { ip in
            let a = s1.baseAddress!, b = s2.baseAddress!
            AxisTransform.alongFirst(bx, inverse: false, pr.baseAddress!, a, rest: ny * nt)
            AxisTransform.alongMiddle(by, inverse: false, a, b, inner: nx, outer: nt)
            // L y = r̂ (forward), then w = D⁻¹y, then Lᵀ ẑ = w (backward), every mode at once.
            for k in 1..<nt {
                let n0 = k * level
                for m in 0..<level { b[n0 + m] -= l[n0 + m] * b[n0 - level + m] }
            }
            for n in 0..<grid.count { b[n] *= ip[n] }
            for k in stride(from: nt - 2, through: 0, by: -1) {
                let n0 = k * level
                for m in 0..<level { b[n0 + m] -= l[n0 + level + m] * b[n0 + level + m] }
            }
            AxisTransform.alongMiddle(by, inverse: true, b, a, inner: nx, outer: nt)
        } } } } }
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
