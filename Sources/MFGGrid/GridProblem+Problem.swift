import MFGProblem

/// Why a problem file cannot be solved on the grid; said before any work is done.
public enum ReferenceSetupError: Error, Equatable, CustomStringConvertible, Sendable {
    case notTwoDimensional(file: String, dimension: Int)
    case noDomain(file: String)
    case massOutside(file: String, density: String, fraction: Double)
    case grid(GridError)

    public var description: String {
        switch self {
        case let .notTwoDimensional(f, d):
            return "\(f): the grid reference solver is two-dimensional; this problem has dimension \(d)"
        case let .noDomain(f):
            return "\(f): no reference domain: add a `reference:` section to the file or pass --domain and --grid"
        case let .massOutside(f, name, frac):
            return "\(f): \(String(format: "%.2e", frac)) of the mass of \(name) lies outside the domain "
                + "(allowed: at most 1e-3); enlarge reference.domain"
        case let .grid(e): return e.description
        }
    }
}

extension GridProblem {
    /// The grid form of a d = 2 problem file on `domain` ([x₁ range, x₂ range]) with
    /// nx × ny cells: ρ₀, Q and ρ₁ (or g) sampled at the cell centres.
    ///
    /// Refuses d ≠ 2 and domains that leave more than 1e-3 of the mass of ρ₀ (or ρ₁) outside:
    /// the midpoint-rule integral of the density over a fine copy of the grid (4× per axis)
    /// estimates the mass inside.
    public init(problem: Problem, domain: [ClosedRange<Double>], nx: Int, ny: Int) throws(ReferenceSetupError) {
        guard problem.dimension == 2 else { throw .notTwoDimensional(file: problem.file, dimension: problem.dimension) }
        guard domain.count == 2 else { throw .noDomain(file: problem.file) }
        guard nx >= 8, ny >= 8 else { throw .grid(.gridTooCoarse(nx: nx, ny: ny, nt: 4)) }
        let x1 = domain[0], x2 = domain[1]
        func field(_ nx: Int, _ ny: Int, _ f: ([Double], Int, inout [Double]) -> Void) -> [Double] {
            let geo = GridGeometry(nx: nx, ny: ny, nt: 1, x1Lower: x1.lowerBound, x1Upper: x1.upperBound,
                                   x2Lower: x2.lowerBound, x2Upper: x2.upperBound, horizon: 1)
            var points = [Double](repeating: 0, count: 2 * nx * ny)
            for j in 0..<ny { for i in 0..<nx {
                let (a, b) = geo.centre(i, j)
                points[2 * (i + nx * j)] = a; points[2 * (i + nx * j) + 1] = b
            } }
            var out = [Double](repeating: 0, count: nx * ny)
            f(points, nx * ny, &out)
            return out
        }
        func density(_ d: Density, _ nx: Int, _ ny: Int) -> [Double] {
            field(nx, ny) { p, n, out in
                p.withUnsafeBufferPointer { pp in out.withUnsafeMutableBufferPointer { d.logDensity(pp, count: n, into: $0) } }
                for i in out.indices { out[i] = Double.exp(out[i]) }
            }
        }
        func massOutside(_ d: Density) -> Double {
            let fine = density(d, 4 * nx, 4 * ny)
            let area = (x1.upperBound - x1.lowerBound) * (x2.upperBound - x2.lowerBound) / Double(16 * nx * ny)
            return max(0, 1 - fine.reduce(0, +) * area)
        }
        let outside0 = massOutside(problem.initialDensity)
        guard outside0 <= 1e-3 else { throw .massOutside(file: problem.file, density: "initial_density", fraction: outside0) }
        let rho0 = density(problem.initialDensity, nx, ny)
        var obstacle: [Double]?
        if let q = problem.activeObstacles {
            obstacle = field(nx, ny) { p, n, out in
                p.withUnsafeBufferPointer { pp in out.withUnsafeMutableBufferPointer { q.value(pp, count: n, into: $0) } }
            }
        }
        let terminal: GridTerminalCost
        switch problem.terminal {
        case .kl(let weight):
            let target = problem.targetDensity!
            let outside1 = massOutside(target)
            guard outside1 <= 1e-3 else { throw .massOutside(file: problem.file, density: "target_density", fraction: outside1) }
            terminal = .kullbackLeibler(target: density(target, nx, ny), weight: weight)
        case .preference(let weight, let g):
            terminal = .preference(g: field(nx, ny) { p, n, out in
                p.withUnsafeBufferPointer { pp in out.withUnsafeMutableBufferPointer { g.value(pp, count: n, into: $0) } }
            }, weight: weight)
        }
        self.init(x1Lower: x1.lowerBound, x1Upper: x1.upperBound, x2Lower: x2.lowerBound, x2Upper: x2.upperBound,
                  horizon: problem.horizon, alphaL: problem.kineticWeight, initialDensity: rho0,
                  obstacle: obstacle, lambdaQ: problem.obstacleWeight, lambdaE: problem.entropyWeight,
                  terminal: terminal)
    }
}
