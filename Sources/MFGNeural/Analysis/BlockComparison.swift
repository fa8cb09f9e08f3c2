import MFGProblem

/// The neural solution against one distinct block of a grid reference, on every copy of the
/// block, summarised per compared time: the worst copy and the mean over the copies.
///
/// For a block-separable problem the optimum is the product of the blocks' optima, so the
/// marginal of the neural density on each copy's coordinates should be the block's grid
/// density. Each copy is compared by `TimeResolvedComparison` (histogram L1, moments, core mass,
/// Φ up to a constant); the carried estimator ρ_N = ρ₀(x₀)e^{−ℓ} is the joint density of all d
/// coordinates and gives no marginal, so it appears only when the block is the whole problem.
/// A d = 100 problem may have 98 copies of one 1-D block: the summary rows keep the report to
/// one line per time whatever the multiplicity.
public struct BlockComparison: Sendable {
    /// The grid block compared.
    public let block: ReferenceBlock
    /// One comparison per copy, in the order of `block.copies`.
    public let copies: [TimeResolvedComparison]
    /// The summary over the copies at each compared level.
    public let rows: [Row]

    /// The copies at one compared level.
    public struct Row: Sendable {
        public let level: Int
        public let time: Double
        /// The largest density distance over the copies (`TimeComparison.distance`: the histogram
        /// estimate for a marginal) and the copy (index into `block.copies`) where it occurs.
        public let worst: Double, worstCopy: Int
        /// The mean of the copies' distances.
        public let meanDistance: Double
        /// The largest histogram noise floor over the copies (it depends only on the grid masses
        /// and the sample count, so it is the same for every copy unless the coarsening differs).
        public let noiseFloor: Double
        /// Per block axis, the smallest and largest neural sample mean and standard deviation
        /// over the copies.
        public let neuralMean: [(min: Double, max: Double)], neuralStandardDeviation: [(min: Double, max: Double)]
        /// Per block axis, the grid density's mean and standard deviation (one grid for every copy).
        public let gridMean: [Double], gridStandardDeviation: [Double]
        /// The obstacle-core mass on the copy whose coordinates hold the obstacle (the copies are
        /// disjoint, so at most one does); nil when none does.
        public let coreMass: (neural: Double, grid: Double)?
        /// The largest Φ difference up to a constant over the copies (nil when Φ was not given).
        public let potentialDifference: Double?
        /// The grid level Φ is taken at (`ReferenceBlock.potentialField`).
        public let potentialLevel: Int
    }

    /// - Parameters:
    ///   - paths: the neural paths, integrated with `schedule.integratorSteps` steps.
    ///   - schedule: this block's schedule (`ComparisonSchedule.shared` for several blocks).
    ///   - neuralPotentials: per copy, per level of the schedule, the neural Φ at
    ///     `block.potentialPoints(level:copy:dimension:)`; nil to skip Φ.
    ///   - coarsening: grid cells per histogram cell along every axis (default
    ///     `DensityDistance.coarsening`).
    ///   - carriedDensity: false with noise (σ > 0): no carried estimate even for a whole-problem
    ///     block (`TimeResolvedComparison.init`).
    public init(paths: SolverPaths, schedule: ComparisonSchedule, block: ReferenceBlock, obstacle: Bump?,
                neuralPotentials: [[[Double]]]?, coarsening: Int? = nil, carriedDensity: Bool = true) {
        precondition(neuralPotentials == nil || neuralPotentials!.count == block.multiplicity,
                     "BlockComparison: one list of neural potentials per copy")
        let factors = coarsening.map { [Int](repeating: $0, count: block.grid.axes) }
        let copies = (0..<block.multiplicity).map { c in
            TimeResolvedComparison(paths: paths, schedule: schedule, block: block, copy: c, obstacle: obstacle,
                                   neuralPotentials: neuralPotentials?[c], coarsening: factors,
                                   carriedDensity: carriedDensity)
        }
        self.block = block
        self.copies = copies
        rows = copies[0].rows.indices.map { i in
            let r = copies.map { $0.rows[i] }
            let worst = r.indices.max { r[$0].distance < r[$1].distance }!
            func range(_ values: [Double]) -> (min: Double, max: Double) {
                // NaN stays visible: min() and max() would pass over it.
                values.contains { $0.isNaN } ? (.nan, .nan) : (values.min()!, values.max()!)
            }
            let axes = block.grid.axes
            let potentials = r.compactMap(\.potentialDifference)
            return Row(level: r[0].level, time: r[0].time, worst: r[worst].distance, worstCopy: worst,
                       meanDistance: r.map(\.distance).reduce(0, +) / Double(r.count),
                       noiseFloor: r.map(\.histogram.noiseFloor).max()!,
                       neuralMean: (0..<axes).map { a in range(r.map { $0.neuralMean[a] }) },
                       neuralStandardDeviation: (0..<axes).map { a in range(r.map { $0.neuralStandardDeviation[a] }) },
                       gridMean: r[0].gridMean, gridStandardDeviation: r[0].gridStandardDeviation,
                       coreMass: r.lazy.compactMap(\.coreMass).first,
                       potentialDifference: potentials.isEmpty ? nil
                           : potentials.contains { $0.isNaN } ? .nan : potentials.max()!,
                       potentialLevel: r[0].potentialLevel)
        }
    }

    /// The largest distance over the compared times and copies: its value, level, time and copy.
    public var largestDistance: (distance: Double, level: Int, time: Double, copy: Int) {
        let r = rows.max { $0.worst < $1.worst }!
        return (r.worst, r.level, r.time, r.worstCopy)
    }

    /// The copies' non-finite quantities (`TimeResolvedComparison.nonFiniteQuantities`), each
    /// followed by the copy's coordinates when `labelled` ("… at t = 0.5 on x3").
    public func nonFiniteQuantities(labelled: Bool) -> [String] {
        copies.flatMap { c in
            c.nonFiniteQuantities.map { labelled ? $0 + " on " + c.coordinates.map { "x\($0 + 1)" }.joined(separator: ", ") : $0 }
        }
    }
}

extension Array where Element == BlockComparison {
    /// The largest distance over every block, copy and compared time: what `--density-tolerance`
    /// is checked against (the marginal of every copy must match its block).
    public var largestDistance: (distance: Double, level: Int, time: Double, block: Int, copy: Int) {
        let b = indices.max { self[$0].largestDistance.distance < self[$1].largestDistance.distance }!
        let w = self[b].largestDistance
        return (w.distance, w.level, w.time, b, w.copy)
    }

    /// The grid costs of the whole problem: each block's times its multiplicity.
    public var referenceCosts: ReferenceCosts { .sum(map(\.block)) }
}
