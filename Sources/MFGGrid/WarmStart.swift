/// Warm starts: a solution on one grid as the initial iterate on another (nested iteration).
///
/// PDHG's iteration count is (by the preconditioning) nearly independent of the grid, but each
/// iteration on a fine grid is expensive; starting from the solution of a coarser grid leaves
/// only the fine-scale correction to the fine iterations. Every field is interpolated
/// trilinearly in (x₁, x₂, t) from the coarse values, clamped at the edges of the domain and of
/// the horizon: densities ρᵏ, the potential φ = −Φ, and the cell-centred momentum, which
/// becomes all four copies of each fine face flux (boundary copies are zero).
extension GridSolution {
    func prolonged(to fine: GridGeometry) -> (u: GridPrimal, phi: [Double]) {
        let coarse = geometry
        let level = coarse.cellsPerLevel
        let rho = Array(density[level...])
        var u = GridPrimal(zeroFor: fine)
        u.rho = coarse.interpolate(rho, to: fine).map { max($0, 0) }
        let m1 = coarse.interpolate(momentum1, to: fine)
        let m2 = coarse.interpolate(momentum2, to: fine)
        let total = fine.count
        for k in 0..<fine.nt { for j in 0..<fine.ny { for i in 0..<fine.nx {
            let n = fine.index(i, j, k)
            for (copy, value) in [(FluxCopy.endRight, i < fine.nx - 1 ? m1[n] : 0),
                                  (.startRight, i < fine.nx - 1 ? m1[n] : 0),
                                  (.endLeft, i > 0 ? m1[n] : 0), (.startLeft, i > 0 ? m1[n] : 0),
                                  (.endUp, j < fine.ny - 1 ? m2[n] : 0),
                                  (.startUp, j < fine.ny - 1 ? m2[n] : 0),
                                  (.endDown, j > 0 ? m2[n] : 0), (.startDown, j > 0 ? m2[n] : 0)] {
                u.flux[copy.rawValue * total + n] = value
            }
        } } }
        let phi = coarse.interpolate(potential, to: fine).map { -$0 }
        return (u, phi)
    }
}

extension GridGeometry {
    /// Trilinear interpolation of a space-time array stored at cell centres and times
    /// t = (k+1)Δt, k = 0…nt−1, onto another grid's cell centres and times.
    func interpolate(_ a: [Double], to fine: GridGeometry) -> [Double] {
        var out = [Double](repeating: 0, count: fine.count)
        func bracket(_ s: Double, _ n: Int) -> (Int, Int, Double) {
            // s in index units; clamp to [0, n−1].
            if s <= 0 { return (0, 0, 0) }
            if s >= Double(n - 1) { return (n - 1, n - 1, 0) }
            let f = s.rounded(.down)
            return (Int(f), Int(f) + 1, s - f)
        }
        for k in 0..<fine.nt {
            let t = Double(k + 1) * fine.dt
            let (k0, k1, wt) = bracket(t / dt - 1, nt)
            for j in 0..<fine.ny {
                let y = fine.x2Lower + (Double(j) + 0.5) * fine.dy
                let (j0, j1, wy) = bracket((y - x2Lower) / dy - 0.5, ny)
                for i in 0..<fine.nx {
                    let x = fine.x1Lower + (Double(i) + 0.5) * fine.dx
                    let (i0, i1, wx) = bracket((x - x1Lower) / dx - 0.5, nx)
                    func at(_ i: Int, _ j: Int, _ k: Int) -> Double { a[index(i, j, k)] }
                    func plane(_ k: Int) -> Double {
                        let lo = at(i0, j0, k) * (1 - wx) + at(i1, j0, k) * wx
                        let hi = at(i0, j1, k) * (1 - wx) + at(i1, j1, k) * wx
                        return lo * (1 - wy) + hi * wy
                    }
                    out[fine.index(i, j, k)] = plane(k0) * (1 - wt) + plane(k1) * wt
                }
            }
        }
        return out
    }
}
