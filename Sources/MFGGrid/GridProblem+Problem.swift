import MFGProblem

extension GridProblem {
    /// The largest fraction of the mass of ρ₀ or ρ₁ a reference domain may leave outside.
    public static let massOutsideLimit = 1e-3

    /// The grid form of a problem of dimension 1 or 2 on `domain` (one range per coordinate)
    /// with nx (× ny) cells: ρ₀, Q and ρ₁ (or g) sampled at the cell centres. For d = 1, ny
    /// must be 1 (see `init(x1Lower:x1Upper:horizon:…)`).
    ///
    /// Refuses other dimensions and domains that leave more than `massOutsideLimit` of the mass
    /// of ρ₀ (or ρ₁) outside: the midpoint-rule integral of the density over a fine copy of the
    /// grid (4× per axis) estimates the mass inside (`massOutside`).
    public init(problem: Problem, domain: [ClosedRange<Double>], nx: Int, ny: Int) throws(ReferenceSetupError) {
        let d = problem.dimension
        guard d == 1 || d == 2 else { throw .unsupportedDimension(file: problem.file, dimension: d) }
        guard domain.count == d else { throw .noDomain(file: problem.file) }
        guard nx >= 8, d == 1 ? ny == 1 : ny >= 8 else { throw .grid(.gridTooCoarse(nx: nx, ny: ny, nt: 4)) }
        let sampler = CellSampler(domain: domain)
        let outside0 = sampler.massOutside(problem.initialDensity, nx: nx, ny: ny)
        guard outside0 <= Self.massOutsideLimit else {
            throw .massOutside(file: problem.file, density: "initial_density", fraction: outside0)
        }
        let rho0 = sampler.density(problem.initialDensity, nx: nx, ny: ny)
        var obstacle: [Double]?
        if let q = problem.activeObstacles {
            obstacle = sampler.field(nx: nx, ny: ny) { p, n, out in q.value(p, count: n, into: out) }
        }
        let terminal: GridTerminalCost
        switch problem.terminal {
        case .kl(let weight):
            let target = problem.targetDensity!
            let outside1 = sampler.massOutside(target, nx: nx, ny: ny)
            guard outside1 <= Self.massOutsideLimit else {
                throw .massOutside(file: problem.file, density: "target_density", fraction: outside1)
            }
            terminal = .kullbackLeibler(target: sampler.density(target, nx: nx, ny: ny), weight: weight)
        case .preference(let weight, let g):
            terminal = .preference(g: sampler.field(nx: nx, ny: ny) { p, n, out in g.value(p, count: n, into: out) },
                                   weight: weight)
        }
        let x1 = domain[0], x2 = d == 2 ? domain[1] : Self.oneDimensionalSpan
        self.init(x1Lower: x1.lowerBound, x1Upper: x1.upperBound, x2Lower: x2.lowerBound, x2Upper: x2.upperBound,
                  horizon: problem.horizon, alphaL: problem.kineticWeight, initialDensity: rho0,
                  obstacle: obstacle, lambdaQ: problem.obstacleWeight, lambdaE: problem.entropyWeight,
                  terminal: terminal)
    }
}

/// Evaluates a problem's fields (densities, obstacle, preference) at the cell centres of a
/// grid over a box of dimension 1 or 2, the points passed as a d × n array (x₁ fastest).
struct CellSampler {
    let domain: [ClosedRange<Double>]

    func field(nx: Int, ny: Int,
               _ f: (UnsafeBufferPointer<Double>, Int, UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        let d = domain.count
        let x2 = d == 2 ? domain[1] : GridProblem.oneDimensionalSpan
        let geo = GridGeometry(nx: nx, ny: ny, nt: 1, x1Lower: domain[0].lowerBound, x1Upper: domain[0].upperBound,
                               x2Lower: x2.lowerBound, x2Upper: x2.upperBound, horizon: 1)
        var points = [Double](repeating: 0, count: d * nx * ny)
        for j in 0..<ny { for i in 0..<nx {
            let (a, b) = geo.centre(i, j)
            points[d * (i + nx * j)] = a
            if d == 2 { points[2 * (i + nx * j) + 1] = b }
        } }
        var out = [Double](repeating: 0, count: nx * ny)
        points.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { f(p, nx * ny, $0) } }
        return out
    }

    /// ρ at the cell centres (not renormalised).
    func density(_ rho: Density, nx: Int, ny: Int) -> [Double] {
        field(nx: nx, ny: ny) { p, n, out in rho.logDensity(p, count: n, into: out) }.map { Double.exp($0) }
    }

    /// 1 − ∫_box ρ, the integral by the midpoint rule on 4× finer cells per axis.
    func massOutside(_ rho: Density, nx: Int, ny: Int) -> Double {
        let fx = 4 * nx, fy = domain.count == 2 ? 4 * ny : 1
        let volume = domain.reduce(1.0) { $0 * ($1.upperBound - $1.lowerBound) } / Double(fx * fy)
        return max(0, 1 - density(rho, nx: fx, ny: fy).reduce(0, +) * volume)
    }
}
