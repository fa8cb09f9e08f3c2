import MFGProblem

/// The neural solution against one block of a grid reference at one grid time level.
public struct TimeComparison: Sendable {
    public let level: Int
    public let time: Double
    /// The carried-density L1 estimate (nil when the block is a marginal of a d > |C| run:
    /// the carried density is the joint one; nil with noise, where ρ₀e^(−ℓ) is not the paths'
    /// density).
    public let carried: DensityDistance.Estimate?
    /// The histogram L1 estimate (always).
    public let histogram: DensityDistance.Histogram
    /// Per-axis mean and standard deviation of the pushed samples (plain sample moments).
    public let neuralMean: [Double], neuralStandardDeviation: [Double]
    /// The same of the grid density.
    public let gridMean: [Double], gridStandardDeviation: [Double]
    /// Mass in the obstacle core {Q > Q_max/2}: the fraction of the samples, and the grid mass
    /// inside it (cells on the edge counted by the fraction of 8 × 8 sub-points inside; nil
    /// without an obstacle on the block's coordinates).
    public let coreMass: (neural: Double, grid: Double)?
    /// Φ up to a constant: ρ-weighted relative RMS difference (`GridComparison.potentialDifference`)
    /// at grid level `potentialLevel` (nil when the neural Φ was not given).
    public let potentialDifference: Double?
    public let potentialLevel: Int

    /// The distance tolerances are checked against: the carried estimate where there is one (it
    /// is the sharper: no histogram noise or coarsening), the histogram estimate otherwise.
    public var distance: Double { carried?.value ?? histogram.value }
}

/// The neural solution against a grid reference block at the levels of a `ComparisonSchedule`:
/// densities (two estimators), obstacle-core mass, per-coordinate moments and Φ up to a
/// constant. The callers make the solver calls (paths, Φ at the cell centres) and pass arrays in:
/// see "A quirk of the release build" in docs/architecture.md.
public struct TimeResolvedComparison: Sendable {
    public let schedule: ComparisonSchedule
    public let rows: [TimeComparison]
    /// Which copy of the block was compared (its run coordinates).
    public let coordinates: [Int]

    /// - Parameters:
    ///   - paths: the neural paths, integrated with `schedule.integratorSteps` steps.
    ///   - block: the grid reference block.
    ///   - copy: which copy of the block (index into `block.copies`) to compare.
    ///   - obstacle: the problem's obstacle Q, for the core mass.
    ///   - neuralPotentials: for each level k of the schedule, the neural Φ at
    ///     `block.potentialPoints(level: k, copy: copy, dimension: d)` (the copy's cell centres at
    ///     the time of `block.potentialField(level: k).level`); nil to skip Φ.
    ///   - coarsening: grid cells per histogram cell per axis (default `DensityDistance.coarsening`).
    ///   - carriedDensity: whether ρ₀(x₀)e^(−ℓ(t)) is the density of the paths at z(t). True for
    ///     the deterministic characteristics; false with noise (σ > 0): the log-determinant ℓ
    ///     follows the drift's divergence along one path, but the density of an SDE's paths also
    ///     spreads by the diffusion, which no single path carries. Then only the histogram
    ///     estimator (positions only) is computed, and `carried` is nil.
    public init(paths: SolverPaths, schedule: ComparisonSchedule, block: ReferenceBlock, copy: Int = 0,
                obstacle: Bump?, neuralPotentials: [[Double]]?, coarsening: [Int]? = nil, carriedDensity: Bool = true) {
        let n = paths.logRho0.count
        precondition(paths.z.count == schedule.integratorSteps + 1 && n >= 2,
                     "TimeResolvedComparison: paths need \(schedule.integratorSteps) steps and at least two samples")
        precondition(schedule.referenceSteps == block.steps, "TimeResolvedComparison: schedule and block disagree on nt")
        precondition(neuralPotentials == nil || neuralPotentials!.count == schedule.levels.count,
                     "TimeResolvedComparison: one neural potential per level")
        let d = paths.z[0].count / n
        let grid = block.grid(copy: copy)
        let joint = carriedDensity && Set(grid.coordinates) == Set(0..<d)
        let factors = coarsening ?? DensityDistance.coarsening(for: grid)
        let core = obstacle.flatMap { CoreRegion(bump: $0, grid: grid) }
        self.schedule = schedule
        self.coordinates = grid.coordinates
        rows = schedule.levels.enumerated().map { index, k in
            let step = schedule.pathStep(level: k)
            let z = paths.z[step]
            let rho = CellField(grid: grid, values: block.densityField(level: k).values)
            let carried = joint
                ? DensityDistance.carried(points: z, dimension: d,
                                          logDensity: (0..<n).map { paths.logRho0[$0] - paths.ell[step][$0] }, reference: rho)
                : nil
            let histogram = DensityDistance.histogram(points: z, dimension: d, reference: rho, coarsening: factors)
            let neural = SampleMoments(points: z, dimension: d, coordinates: grid.coordinates)
            let gridMoments = rho.moments()
            let (phiGrid, phiLevel) = block.potentialField(level: k)
            let potential = neuralPotentials.map {
                GridComparison.potentialDifference(neural: $0[index], grid: phiGrid.values,
                                                   weights: block.densityField(level: phiLevel).values)
            }
            return TimeComparison(level: k, time: block.time(level: k), carried: carried, histogram: histogram,
                                  neuralMean: neural.mean, neuralStandardDeviation: neural.standardDeviation,
                                  gridMean: gridMoments.mean, gridStandardDeviation: gridMoments.standardDeviation,
                                  coreMass: core.map { ($0.fraction(of: z, dimension: d), $0.mass(of: rho)) },
                                  potentialDifference: potential, potentialLevel: phiLevel)
        }
    }

    /// The compared quantities that are NaN or ±∞, by name and time ("density L1 (carried) at
    /// t = 0.5", …): a comparison with any of them says nothing and must not pass.
    public var nonFiniteQuantities: [String] {
        var out: [String] = []
        for r in rows {
            var named: [(String, Double)] = [("density L1 (histogram)", r.histogram.value), ("its noise floor", r.histogram.noiseFloor)]
            if let c = r.carried { named += [("density L1 (carried)", c.value), ("its standard error", c.standardError)] }
            if let m = r.coreMass { named += [("core mass (neural)", m.neural), ("core mass (grid)", m.grid)] }
            if let p = r.potentialDifference { named.append(("Φ difference", p)) }
            for (a, c) in coordinates.enumerated() {
                named += [("mean x\(c + 1) (neural)", r.neuralMean[a]), ("std x\(c + 1) (neural)", r.neuralStandardDeviation[a]),
                          ("mean x\(c + 1) (grid)", r.gridMean[a]), ("std x\(c + 1) (grid)", r.gridStandardDeviation[a])]
            }
            out += named.filter { !$0.1.isFinite }.map { "\($0.0) at t = \(r.time)" }
        }
        return out
    }

    /// The largest distance over the compared times, and the row where it occurs.
    public var largestDistance: TimeComparison {
        rows.max { $0.distance < $1.distance }!
    }
}

/// Plain per-coordinate sample moments of d × n column-major points.
struct SampleMoments {
    let mean: [Double], standardDeviation: [Double]

    init(points: [Double], dimension d: Int, coordinates: [Int]) {
        let n = points.count / d
        var mean = [Double](repeating: 0, count: coordinates.count), sq = mean
        for (a, k) in coordinates.enumerated() {
            var s = 0.0
            for i in 0..<n { s += points[i * d + k] }
            mean[a] = s / Double(n)
            var q = 0.0
            for i in 0..<n { let r = points[i * d + k] - mean[a]; q += r * r }
            sq[a] = (q / Double(max(n - 1, 1))).squareRoot()
        }
        self.mean = mean
        standardDeviation = sq
    }
}

/// The obstacle's core {Q > Q_max/2}, Q_max = Q at the bump's centre, seen from a grid whose
/// coordinates include the bump's.
struct CoreRegion {
    let bump: Bump
    let threshold: Double
    /// The fraction of each grid cell inside the core, from `subdivisions` points per axis
    /// (midpoints of a regular subdivision): a cell on the core's edge counts in part, so the
    /// grid's core mass is not biased by O(h) where the edge cuts cells.
    let cells: [Double]
    static let subdivisions = 8

    /// nil when the bump acts on coordinates the grid does not span.
    init?(bump: Bump, grid: CellGrid) {
        guard bump.coordinates.allSatisfy(grid.coordinates.contains) else { return nil }
        self.bump = bump
        let d = bump.dimension, s = Self.subdivisions
        var centre = [Double](repeating: 0, count: d)
        for (k, c) in bump.coordinates.enumerated() { centre[c] = bump.center[k] }
        let threshold = 0.5 * Self.values(bump, centre, count: 1)[0]
        self.threshold = threshold
        let perCell = grid.axes == 1 ? s : s * s
        var points = [Double](repeating: 0, count: d * grid.cellCount * perCell)
        for c in 0..<grid.cellCount {
            let x = grid.centre(c)
            for p in 0..<perCell {
                let offsets = [p % s, p / s]
                for (a, k) in grid.coordinates.enumerated() where k < d {
                    let u = (Double(offsets[a]) + 0.5) / Double(s) - 0.5
                    points[(c * perCell + p) * d + k] = x[a] + u * grid.spacing[a]
                }
            }
        }
        let q = Self.values(bump, points, count: grid.cellCount * perCell)
        cells = (0..<grid.cellCount).map { c in
            Double(q[(c * perCell)..<((c + 1) * perCell)].filter { $0 > threshold }.count) / Double(perCell)
        }
    }

    /// The fraction of the d × n points inside the core.
    func fraction(of points: [Double], dimension d: Int) -> Double {
        let n = points.count / d
        return Double(Self.values(bump, points, count: n).filter { $0 > threshold }.count) / Double(max(n, 1))
    }

    /// The mass of a density on the grid inside the core, relative to its total mass.
    func mass(of rho: CellField) -> Double {
        var inside = 0.0, total = 0.0
        for c in rho.values.indices { total += rho.values[c]; inside += cells[c] * rho.values[c] }
        return inside / max(total, 1e-300)
    }

    private static func values(_ bump: Bump, _ points: [Double], count n: Int) -> [Double] {
        var out = [Double](repeating: 0, count: n)
        points.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { bump.value(p, count: n, into: $0) } }
        return out
    }
}
