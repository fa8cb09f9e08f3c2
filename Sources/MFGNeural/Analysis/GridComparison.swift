/// A scalar field on the cell centres of a regular 2-D grid (x₁ fastest), as the grid
/// reference solver produces: enough to compare it with the neural solution without the
/// neural module knowing the grid solver.
public struct CellField: Sendable {
    public let x1Lower: Double, dx: Double, nx: Int
    public let x2Lower: Double, dy: Double, ny: Int
    public let values: [Double]

    public init(x1Lower: Double, dx: Double, nx: Int, x2Lower: Double, dy: Double, ny: Int, values: [Double]) {
        precondition(values.count == nx * ny, "CellField: \(values.count) values for \(nx)×\(ny) cells")
        self.x1Lower = x1Lower; self.dx = dx; self.nx = nx; self.x2Lower = x2Lower; self.dy = dy; self.ny = ny
        self.values = values
    }

    public func centre(_ i: Int, _ j: Int) -> (Double, Double) {
        (x1Lower + (Double(i) + 0.5) * dx, x2Lower + (Double(j) + 0.5) * dy)
    }

    /// Bilinear interpolation between cell centres; constant extension to the boundary half-cells;
    /// zero outside the domain.
    public func interpolate(_ x: Double, _ y: Double) -> Double {
        let u = (x - x1Lower) / dx - 0.5, v = (y - x2Lower) / dy - 0.5
        guard u >= -0.5, v >= -0.5, u <= Double(nx) - 0.5, v <= Double(ny) - 0.5 else { return 0 }
        let uc = min(max(u, 0), Double(nx - 1)), vc = min(max(v, 0), Double(ny - 1))
        let i0 = min(Int(uc), nx - 2), j0 = min(Int(vc), ny - 2)
        let fu = uc - Double(i0), fv = vc - Double(j0)
        let a = values[i0 + nx * j0], b = values[i0 + 1 + nx * j0]
        let c = values[i0 + nx * (j0 + 1)], d = values[i0 + 1 + nx * (j0 + 1)]
        return (1 - fv) * ((1 - fu) * a + fu * b) + fv * ((1 - fu) * c + fu * d)
    }
}

/// Distances between the neural and the grid solution of a d = 2 problem.
public enum GridComparison {
    /// ∫|ρ_N − ρ_G| at time T, by importance sampling under the neural density:
    /// for unit-mass densities ∫|p − q| = 2∫(p − q)₊ = 2 E_p[(1 − q/p)₊], with p = ρ_N(z_T)
    /// = exp(log ρ₀(x₀) − ℓ_T) known exactly along each path and q = ρ_G(z_T) interpolated
    /// from the grid. Using (·)₊ avoids the region where p ≈ 0 (which sampling under p misses).
    /// Both densities have unit mass, so this is also the relative L1 distance.
    public static func terminalL1(paths: SolverPaths, grid: CellField) -> Double {
        let d = 2, n = paths.logRho0.count
        let last = paths.z.count - 1
        var acc = 0.0
        for a in 0..<n {
            let p = Double.exp(paths.logRho0[a] - paths.ell[last][a])
            let q = grid.interpolate(paths.z[last][a * d], paths.z[last][a * d + 1])
            acc += max(0, 1 - q / p)
        }
        return 2 * acc / Double(max(1, n))
    }

    /// Relative weighted RMS difference of two potentials on the grid cells up to a constant:
    /// with weights ρ on the support {ρ > 10⁻³ max ρ}, c = weighted mean of (Φ_N − Φ_G) and
    /// √(Σρ(Φ_N − Φ_G − c)² / Σρ(Φ_G − Φ̄_G)²).
    public static func potentialDifference(neural: [Double], grid: [Double], weights: [Double]) -> Double {
        let peak = weights.max() ?? 0
        var sw = 0.0, sd = 0.0, sg = 0.0
        for i in weights.indices where weights[i] > 1e-3 * peak {
            sw += weights[i]; sd += weights[i] * (neural[i] - grid[i]); sg += weights[i] * grid[i]
        }
        guard sw > 0 else { return .nan }
        let c = sd / sw, gMean = sg / sw
        var num = 0.0, den = 0.0
        for i in weights.indices where weights[i] > 1e-3 * peak {
            let e = neural[i] - grid[i] - c, g = grid[i] - gMean
            num += weights[i] * e * e; den += weights[i] * g * g
        }
        return (num / max(den, 1e-300)).squareRoot()
    }
}
