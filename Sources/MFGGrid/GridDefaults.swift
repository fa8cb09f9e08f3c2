import MFGProblem

/// Automatic domain and grid for a problem of dimension 1 or 2 (typically one block of a
/// block-separable problem), from its densities and costs.
///
/// **Domain.** Per axis, the smallest interval that contains, for every Gaussian component of
/// ρ₀ and of ρ₁, its mean ± `tailWidth` standard deviations along that axis (so each
/// component leaves at most 2Φ(−5) ≈ 5.7e-7 of its mass outside per axis, well inside the
/// 1e-3 that `GridProblem(problem:domain:nx:ny:)` allows, and checks on a fine grid), widened
/// to the obstacle's centre ± `costWidth` standard deviations on the axes the obstacle acts
/// on (crowds go around it), and likewise for a terminal preference (a bump's box, a
/// quadratic's centre). The extra width also leaves room for the spreading that entropy and a
/// wider target cause.
///
/// **Grid.** Along each axis the cell is at most the smallest standard deviation of those
/// components (and of the obstacle) divided by `cellsPerDeviation`: 12 for a 1-D grid, which
/// is cheap (a 128 × 64 solve takes seconds), and 6 for a 2-D grid (the crowd-motion reference
/// has 6.6). Cell counts are rounded up to a multiple of 16 (so two coarser levels of the
/// coarse-to-fine solve exist) and clamped to 64…256 (1-D) or 32…128 (2-D) per axis; nt is
/// nx/2 for a 1-D grid (at least 32) and 64 for a 2-D one.
public enum GridDefaults {
    /// Half-width of the box around each density component, in standard deviations.
    public static let tailWidth = 5.0
    /// Half-width around an obstacle or a terminal-preference bump, in its standard deviations.
    public static let costWidth = 3.0
    /// Cells per smallest standard deviation: 1-D grids, 2-D grids.
    public static let cellsPerDeviation = (oneDimensional: 12.0, twoDimensional: 6.0)

    /// The automatic box, one interval per coordinate of `problem` (dimension 1 or 2).
    public static func domain(for problem: Problem) -> [ClosedRange<Double>] {
        (0..<problem.dimension).map { axis in
            var lo = Double.infinity, hi = -Double.infinity
            func cover(_ centre: Double, _ halfWidth: Double) {
                lo = min(lo, centre - halfWidth); hi = max(hi, centre + halfWidth)
            }
            for (_, g) in densityComponents(problem) {
                cover(g.mean[axis], tailWidth * g.variance[axis].squareRoot())
            }
            for b in costBumps(problem) {
                if let k = b.coordinates.firstIndex(of: axis) { cover(b.center[k], costWidth * b.variance[k].squareRoot()) }
            }
            if case .preference(_, .quadratic(let centre, _)) = problem.terminal { cover(centre[axis], 0) }
            return lo...hi
        }
    }

    /// The automatic grid on `domain` (see the type's documentation).
    public static func size(for problem: Problem, domain: [ClosedRange<Double>]) -> GridSize {
        let oneD = problem.dimension == 1
        let perDeviation = oneD ? cellsPerDeviation.oneDimensional : cellsPerDeviation.twoDimensional
        let (lowest, highest) = oneD ? (64, 256) : (32, 128)
        let cells: [Int] = domain.indices.map { axis in
            var deviation = Double.infinity
            for (_, g) in densityComponents(problem) { deviation = min(deviation, g.variance[axis].squareRoot()) }
            for b in costBumps(problem) {
                if let k = b.coordinates.firstIndex(of: axis) { deviation = min(deviation, b.variance[k].squareRoot()) }
            }
            let length = domain[axis].upperBound - domain[axis].lowerBound
            let wanted = (length * perDeviation / deviation).rounded(.up)
            let n = wanted.isFinite ? Int(min(wanted, 1e6)) : highest
            return min(max(16 * ((n + 15) / 16), lowest), highest)
        }
        return oneD ? GridSize(nx: cells[0], ny: 1, nt: max(32, cells[0] / 2))
                    : GridSize(nx: cells[0], ny: cells[1], nt: 64)
    }

    private static func densityComponents(_ p: Problem) -> [(weight: Double, component: Gaussian)] {
        p.initialDensity.components + (p.targetDensity?.components ?? [])
    }

    private static func costBumps(_ p: Problem) -> [Bump] {
        var bumps: [Bump] = p.activeObstacles?.terms.map(\.bump) ?? []
        switch p.terminal {
        case .preference(_, .bump(let b)): bumps.append(b)
        case .preference(_, .bumps(let s)): bumps += s.terms.map(\.bump)
        default: break
        }
        return bumps
    }
}
