/// Which copy of a face flux an entry of `GridPrimal.flux` is.
///
/// Each face flux m (normal momentum through a cell face during one time interval) has four
/// copies: one in each of the two cells sharing the face (space), each at the start and at the
/// end of the interval (time). `end*` copies of interval k (stored index k, the interval
/// (tₖ, tₖ₊₁]) are charged at the density ρᵏ⁺¹ of their cell (stored index k), `start*` copies at
/// ρᵏ (stored index k−1, or ρ₀ for k = 0). `right` is a cell's copy of the flux through its face
/// towards +x₁, `left` through its face towards −x₁, `up`/`down` along x₂; all fluxes are
/// positive towards +x₁ / +x₂.
public enum FluxCopy: Int, CaseIterable, Sendable {
    case endRight, endLeft, endUp, endDown, startRight, startLeft, startUp, startDown
}

/// The primal unknowns: densities and face-flux copies on the space-time grid.
///
/// The flux that transports mass through the face between cells (i,j) and (i+1,j) during
/// interval k is the mean of its four copies,
///
///     m_{i+½,j} = ¼ (endRight[i,j] + endLeft[i+1,j] + startRight[i,j] + startLeft[i+1,j]),
///
/// and every copy c is charged α_L c²/(8ρ) at the density of the cell and time level it belongs
/// to. Minimising over the split of m between its copies gives exactly α_L m²/(2ρ̄) per face and
/// interval, with ρ̄ the arithmetic mean of the two cells' densities at the two ends of the
/// interval: the centred staggered discretisation of Benamou–Brenier, second-order consistent
/// in space and time, with none of the numerical diffusion that charging fluxes at the upwind
/// cell or at the end of the step adds (free spreading that biases the optimum low). At the same
/// time the kinetic cost is a pointwise function of one cell's unknowns (ρᵏ, the end copies of
/// interval k−1, the start copies of interval k), so its proximal map is a scalar equation per
/// cell. Copies through the outer boundary (right at i = nx−1, left at i = 0, up at j = ny−1,
/// down at j = 0) do not enter the divergence (no-flux); the proximal step drives them to 0.
public struct GridPrimal: Sendable, Equatable {
    /// ρᵏ at levels k = 1…nt (ρ⁰ = ρ₀ is data), `GridGeometry` layout.
    public var rho: [Double]
    /// The eight flux copies, copy c of cell n at `c.rawValue * count + n` (count = nx·ny·nt);
    /// cell index n = i + nx(j + ny k) with k the interval (tₖ, tₖ₊₁].
    public var flux: [Double]

    /// All zero, sized for `grid`.
    public init(zeroFor grid: GridGeometry) {
        rho = [Double](repeating: 0, count: grid.count)
        flux = [Double](repeating: 0, count: 8 * grid.count)
    }

    public init(rho: [Double], flux: [Double]) {
        self.rho = rho; self.flux = flux
    }

    /// Copy `c` as an array of `rho.count` values.
    public func copy(_ c: FluxCopy) -> [Double] {
        let n = rho.count
        return Array(flux[(c.rawValue * n)..<((c.rawValue + 1) * n)])
    }

    /// Weighted inner product Σ ω (ρ·ρ' + Σ flux·flux'), ω = Δx₁Δx₂Δt.
    public func dot(_ other: GridPrimal, weight: Double) -> Double {
        func d(_ a: [Double], _ b: [Double]) -> Double {
            var s = 0.0
            a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in
                for n in 0..<pa.count { s += pa[n] * pb[n] }
            } }
            return s
        }
        return weight * (d(rho, other.rho) + d(flux, other.flux))
    }
}

/// The discrete space-time divergence A and its adjoint.
///
/// The discrete continuity equation, one per cell and time level k = 1…nt, is the exact linear
/// constraint  A u = b:
///
///     (ρᵏ − ρᵏ⁻¹)/Δt + (m_{i+½,j} − m_{i−½,j})/Δx₁ + (m_{i,j+½} − m_{i,j−½})/Δx₂ = 0,
///
/// m the face fluxes of the interval (tₖ₋₁, tₖ] (`GridPrimal`, zero on ∂Ω), ρ⁰ = ρ₀ moved to the
/// right-hand side b¹ = ρ₀/Δt. Summing over cells shows Σρᵏ is conserved exactly. Both u and φ
/// carry the weight ω = Δx₁Δx₂Δt in inner products, so the adjoint of A is its matrix
/// transpose and the discrete gradient is grad = −Aᵀ:
///
///     (grad φ)_ρᵏ = (φᵏ⁺¹ − φᵏ)/Δt  (φⁿᵗ⁺¹ := 0),
///     (grad φ)_copy = ¼ (φᵢ₊₁,ⱼ − φᵢⱼ)/Δx₁ for the copies of face (i+½, j), likewise along x₂.
///
/// So ⟨div u, φ⟩ = −⟨u, grad φ⟩ (tested on random arrays).
///
/// **With diffusion** (ν = σ²/2 > 0, `GridGeometry.diffusion`) the constraint is the
/// Fokker–Planck equation ∂ₜρ + ∇·m = νΔρ, discretised by Crank–Nicolson in time (the diffusion
/// at the midpoint of the interval, where the centred kinetic cost and the flux copies of
/// `GridPrimal` already sit, so the scheme stays second order in time):
///
///     (ρᵏ − ρᵏ⁻¹)/Δt − (ν/2) Δₕ(ρᵏ + ρᵏ⁻¹) + div mᵏ = 0,
///
/// Δₕ the five-point Laplacian with zero-flux (Neumann) ends, Δₕ = −(L_x₁ + L_x₂) with the
/// Neumann second differences L of `CosineBasis` (no x₂ part when ny = 1). The ρ⁰ = ρ₀ terms
/// move to the right-hand side, b¹ = ρ₀/Δt + (ν/2)Δₕρ₀ (`initialDiffusion`). Δₕ is symmetric
/// and its rows sum to zero (Neumann), so mass Σρᵏ is still conserved exactly, and the adjoint
/// gains the matching term,
///
///     (Aᵀφ)_ρᵏ = (φᵏ − φᵏ⁺¹)/Δt − (ν/2) Δₕ(φᵏ + φᵏ⁺¹)   (φⁿᵗ⁺¹ := 0),
///
/// which with Φ = −φ is the discrete backward operator ∂ₜΦ + νΔΦ of the viscous HJB equation
/// −∂ₜΦ − νΔΦ + H(∇Φ) = δF/δρ (docs/equations-to-code.md). With ν = 0 the diffusion code is
/// skipped entirely, so the deterministic iterates are unchanged bit for bit.
///
/// **Per-axis noise** (σ₁ ≠ σ₂, `GridGeometry.diffusionX2`): the constraint is
/// ∂ₜρ + ∇·m = ν₁∂₁₁ρ + ν₂∂₂₂ρ, and νΔₕ becomes the weighted five-point operator
/// Dₕ = −(ν₁L_x₁ + ν₂L_x₂) everywhere above: in A, in b¹ = ρ₀/Δt + ½Dₕρ₀ and in Aᵀ (Dₕ is still
/// symmetric with rows summing to zero, so the adjoint pairing and exact mass conservation
/// carry over; the HJB operator becomes ∂ₜΦ + ν₁∂₁₁Φ + ν₂∂₂₂Φ, the neural solver's
/// Σᵢ(σᵢ²/2)∂ᵢᵢΦ). The per-axis branch runs only when ν₁ ≠ ν₂; equal coefficients take the
/// one-coefficient arithmetic above, bit for bit.
extension GridGeometry {
    /// A u: the linear part of the discrete continuity (or Fokker–Planck) equation (ρ⁰ taken as 0).
    public func divergence(_ u: GridPrimal) -> [Double] {
        var out = [Double](repeating: 0, count: count)
        divergence(u, into: &out)
        return out
    }

    /// A u − b: the continuity defect with initial density `rho0` (a space array).
    public func continuityResidual(_ u: GridPrimal, rho0: [Double]) -> [Double] {
        var out = divergence(u)
        let idt = 1 / dt
        for n in 0..<cellsPerLevel { out[n] -= rho0[n] * idt }
        if isViscous {
            let extra = initialDiffusion(rho0)
            for n in 0..<cellsPerLevel { out[n] -= extra[n] }
        }
        return out
    }

    /// (ν/2)Δₕρ₀ (per axis: ½(ν₁∂₁₁ + ν₂∂₂₂)ₕρ₀): the part of the first level's right-hand
    /// side b¹ that the known density ρ₀ contributes through the Crank–Nicolson diffusion (zero
    /// when ν = 0).
    public func initialDiffusion(_ rho0: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: cellsPerLevel)
        guard isViscous else { return out }
        let h = 0.5 * diffusion, h2 = 0.5 * diffusionX2, isotropic = isIsotropicDiffusion
        rho0.withUnsafeBufferPointer { r in
            for j in 0..<ny { for i in 0..<nx {
                let n = i + nx * j
                if isotropic {
                    out[n] = h * laplacian(r.baseAddress!, i, j, n)
                } else {
                    let (a, b) = secondDifferences(r.baseAddress!, i, j, n)
                    out[n] = h * a + h2 * b
                }
            } }
        }
        return out
    }

    /// The two axes' parts of the five-point Laplacian at cell (i, j) (flat index n within its
    /// level) of the level stored at `f`, zero-flux ends: (−L_x₁f, −L_x₂f), i.e. the second
    /// differences (f_{i+1} − 2f_i + f_{i−1})/Δx₁² and likewise along x₂.
    @inline(__always)
    func secondDifferences(_ f: UnsafePointer<Double>, _ i: Int, _ j: Int, _ n: Int) -> (Double, Double) {
        let c = f[n]
        var x = 0.0, y = 0.0
        if i < nx - 1 { x += f[n + 1] - c }
        if i > 0 { x += f[n - 1] - c }
        if j < ny - 1 { y += f[n + nx] - c }
        if j > 0 { y += f[n - nx] - c }
        return (x / (dx * dx), y / (dy * dy))
    }

    /// Δₕf at cell (i, j) (flat index n within its level) of the level stored at `f`: the
    /// five-point Laplacian with zero-flux ends, −(L_x₁ + L_x₂)f (the same operations as
    /// before the per-axis split: the sum of the two `secondDifferences`).
    @inline(__always)
    func laplacian(_ f: UnsafePointer<Double>, _ i: Int, _ j: Int, _ n: Int) -> Double {
        let (x, y) = secondDifferences(f, i, j, n)
        return x + y
    }

    /// out ← out − (ν/2)Δₕ(ρᵏ + ρᵏ⁻¹) on every level (ρ⁰ is on the right-hand side): the
    /// diffusion part of A u (per axis: −½(ν₁∂₁₁ + ν₂∂₂₂)ₕ(ρᵏ + ρᵏ⁻¹)).
    func addDiffusion(_ rho: UnsafePointer<Double>, into o: UnsafeMutablePointer<Double>) {
        let h = 0.5 * diffusion, level = cellsPerLevel
        guard isIsotropicDiffusion else {
            let h2 = 0.5 * diffusionX2
            for k in 0..<nt {
                let base = k * level
                for j in 0..<ny { for i in 0..<nx {
                    let n = i + nx * j
                    var (a, b) = secondDifferences(rho + base, i, j, n)
                    if k > 0 {
                        let (a0, b0) = secondDifferences(rho + base - level, i, j, n)
                        a += a0; b += b0
                    }
                    o[base + n] -= h * a + h2 * b
                } }
            }
            return
        }
        for k in 0..<nt {
            let base = k * level
            for j in 0..<ny { for i in 0..<nx {
                let n = i + nx * j
                var lap = laplacian(rho + base, i, j, n)
                if k > 0 { lap += laplacian(rho + base - level, i, j, n) }
                o[base + n] -= h * lap
            } }
        }
    }

    /// g_ρ ← g_ρ − (ν/2)Δₕ(φᵏ + φᵏ⁺¹) (φⁿᵗ⁺¹ := 0): the diffusion part of Aᵀφ (per axis:
    /// −½(ν₁∂₁₁ + ν₂∂₂₂)ₕ(φᵏ + φᵏ⁺¹), the same symmetric operator).
    func addDiffusionAdjoint(_ phi: UnsafePointer<Double>, into g: UnsafeMutablePointer<Double>) {
        let h = 0.5 * diffusion, level = cellsPerLevel
        guard isIsotropicDiffusion else {
            let h2 = 0.5 * diffusionX2
            for k in 0..<nt {
                let base = k * level
                for j in 0..<ny { for i in 0..<nx {
                    let n = i + nx * j
                    var (a, b) = secondDifferences(phi + base, i, j, n)
                    if k < nt - 1 {
                        let (a1, b1) = secondDifferences(phi + base + level, i, j, n)
                        a += a1; b += b1
                    }
                    g[base + n] -= h * a + h2 * b
                } }
            }
            return
        }
        for k in 0..<nt {
            let base = k * level
            for j in 0..<ny { for i in 0..<nx {
                let n = i + nx * j
                var lap = laplacian(phi + base, i, j, n)
                if k < nt - 1 { lap += laplacian(phi + base + level, i, j, n) }
                g[base + n] -= h * lap
            } }
        }
    }

    /// −Aᵀφ: the discrete space-time gradient.
    public func gradient(_ phi: [Double]) -> GridPrimal {
        var g = GridPrimal(zeroFor: self)
        adjoint(phi, into: &g)
        for n in 0..<count { g.rho[n] = -g.rho[n] }
        for n in 0..<g.flux.count { g.flux[n] = -g.flux[n] }
        return g
    }

    /// out ← A u.
    public func divergence(_ u: GridPrimal, into out: inout [Double]) {
        let nx = self.nx, ny = self.ny, nt = self.nt, level = cellsPerLevel, total = count
        let idt = 1 / dt, idx = 0.25 / dx, idy = 0.25 / dy
        u.rho.withUnsafeBufferPointer { rho in
        u.flux.withUnsafeBufferPointer { f in
        out.withUnsafeMutableBufferPointer { o in
            let er = f.baseAddress!, el = er + total, eu = el + total, ed = eu + total
            let sr = ed + total, sl = sr + total, su = sl + total, sd = su + total
            for k in 0..<nt {
                for j in 0..<ny {
                    let row = nx * (j + ny * k)
                    for i in 0..<nx {
                        let n = row + i
                        var v = rho[n] * idt
                        if k > 0 { v -= rho[n - level] * idt }
                        var fx = 0.0
                        if i < nx - 1 { fx += er[n] + sr[n] + el[n + 1] + sl[n + 1] }
                        if i > 0 { fx -= er[n - 1] + sr[n - 1] + el[n] + sl[n] }
                        var fy = 0.0
                        if j < ny - 1 { fy += eu[n] + su[n] + ed[n + nx] + sd[n + nx] }
                        if j > 0 { fy -= eu[n - nx] + su[n - nx] + ed[n] + sd[n] }
                        o[n] = v + fx * idx + fy * idy
                    }
                }
            }
            if isViscous { addDiffusion(rho.baseAddress!, into: o.baseAddress!) }
        } } }
    }

    /// g ← Aᵀφ (densities and all eight copies).
    public func adjoint(_ phi: [Double], into g: inout GridPrimal) {
        let nx = self.nx, ny = self.ny, nt = self.nt, level = cellsPerLevel, total = count
        let idt = 1 / dt, idx = 0.25 / dx, idy = 0.25 / dy
        phi.withUnsafeBufferPointer { p in
        g.rho.withUnsafeMutableBufferPointer { rho in
        g.flux.withUnsafeMutableBufferPointer { f in
            let er = f.baseAddress!, el = er + total, eu = el + total, ed = eu + total
            let sr = ed + total, sl = sr + total, su = sl + total, sd = su + total
            for k in 0..<nt {
                for j in 0..<ny {
                    let row = nx * (j + ny * k)
                    for i in 0..<nx {
                        let n = row + i
                        let pn = p[n]
                        rho[n] = (k < nt - 1 ? pn - p[n + level] : pn) * idt
                        let r = i < nx - 1 ? (pn - p[n + 1]) * idx : 0
                        let l = i > 0 ? (p[n - 1] - pn) * idx : 0
                        let u = j < ny - 1 ? (pn - p[n + nx]) * idy : 0
                        let d = j > 0 ? (p[n - nx] - pn) * idy : 0
                        er[n] = r; sr[n] = r; el[n] = l; sl[n] = l
                        eu[n] = u; su[n] = u; ed[n] = d; sd[n] = d
                    }
                }
            }
            if isViscous { addDiffusionAdjoint(p.baseAddress!, into: rho.baseAddress!) }
        } } }
    }
}
