/// When the neural and the grid solution are compared, and how the neural paths must be
/// integrated to be known exactly then.
///
/// The grid stores densities at its levels t_k = kT/nt; the neural paths are known at the
/// integrator's step times nT/S. The schedule picks the grid levels (the five quarters
/// k = round(q·nt/4), q = 0…4, or all nt + 1 levels) and the smallest number of steps S that
/// is a multiple of the run's own steps and makes every chosen level a step time
/// (k·S/nt an integer). With nt a multiple of 4 and the run's steps a multiple of 4 (every
/// shipped problem) the quarters need no extra steps: S is the run's own. Otherwise the paths
/// are integrated again with S steps of the same scheme, which moves them by the trained Φ's
/// time-discretisation error (`TimeStepCheck` measures that); the report says so. No time is
/// ever matched to a "nearest" step.
public struct ComparisonSchedule: Sendable, Equatable {
    /// Grid time levels compared, increasing.
    public let levels: [Int]
    /// The grid's nt.
    public let referenceSteps: Int
    /// S: the integrator steps of the neural paths.
    public let integratorSteps: Int
    /// The run's own integrator steps.
    public let runSteps: Int

    /// The default limit on S (a finer time grid costs proportionally more integration).
    public static let maximumIntegratorSteps = 1024

    /// - Parameters:
    ///   - referenceSteps: the grid's nt (≥ 1).
    ///   - runSteps: the run's integrator steps (≥ 1).
    ///   - allLevels: every level 0…nt instead of the five quarters.
    /// - Throws: `ComparisonError.tooManySteps` when the levels need more than `maximumSteps`.
    public init(referenceSteps nt: Int, runSteps: Int, allLevels: Bool,
                maximumSteps: Int = ComparisonSchedule.maximumIntegratorSteps) throws(ComparisonError) {
        precondition(nt >= 1 && runSteps >= 1, "ComparisonSchedule: nt ≥ 1 and at least one integrator step")
        levels = allLevels ? Array(0...nt)
            : Array(Set((0...4).map { Int((Double($0 * nt) / 4).rounded()) })).sorted()
        referenceSteps = nt
        self.runSteps = runSteps
        // k·S/nt is an integer iff nt/gcd(k, nt) divides S.
        var s = runSteps
        for k in levels {
            s = Self.lcm(s, nt / Self.gcd(k, nt))
            guard s <= maximumSteps else {
                throw .tooManySteps(needed: s, limit: maximumSteps, referenceSteps: nt, runSteps: runSteps)
            }
        }
        integratorSteps = s
    }

    /// One schedule per block of a reference by blocks, all with the same integrator steps S, so
    /// that one set of neural paths serves every block. Blocks may have different nt; each
    /// block's levels are step times for its own S_b (see `init`), hence for any multiple of
    /// it, and S = lcm over the blocks of S_b is the least S that serves them all.
    ///
    /// - Throws: `ComparisonError.tooManySteps` when S exceeds `maximumSteps` (naming the nt of
    ///   the block that pushed it over).
    public static func shared(referenceSteps: [Int], runSteps: Int, allLevels: Bool,
                              maximumSteps: Int = ComparisonSchedule.maximumIntegratorSteps)
        throws(ComparisonError) -> [ComparisonSchedule] {
        precondition(!referenceSteps.isEmpty, "ComparisonSchedule.shared: at least one block")
        var own: [ComparisonSchedule] = []
        var s = runSteps
        for nt in referenceSteps {
            let schedule = try ComparisonSchedule(referenceSteps: nt, runSteps: runSteps, allLevels: allLevels,
                                                  maximumSteps: maximumSteps)
            s = lcm(s, schedule.integratorSteps)
            guard s <= maximumSteps else {
                throw .tooManySteps(needed: s, limit: maximumSteps, referenceSteps: nt, runSteps: runSteps)
            }
            own.append(schedule)
        }
        return own.map { ComparisonSchedule(levels: $0.levels, referenceSteps: $0.referenceSteps, integratorSteps: s,
                                            runSteps: runSteps) }
    }

    private init(levels: [Int], referenceSteps: Int, integratorSteps: Int, runSteps: Int) {
        self.levels = levels; self.referenceSteps = referenceSteps
        self.integratorSteps = integratorSteps; self.runSteps = runSteps
    }

    /// Whether the paths need more steps than the run's own.
    public var reintegrates: Bool { integratorSteps != runSteps }

    /// The path step n (of S) at grid level k: n = k·S/nt.
    public func pathStep(level k: Int) -> Int { k * integratorSteps / referenceSteps }

    static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
    static func lcm(_ a: Int, _ b: Int) -> Int { a / gcd(a, b) * b }
}

/// Why a neural run cannot be compared with a grid reference as asked.
public enum ComparisonError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The chosen grid levels are step times only with more integrator steps than allowed.
    case tooManySteps(needed: Int, limit: Int, referenceSteps: Int, runSteps: Int)

    public var description: String {
        switch self {
        case let .tooManySteps(needed, limit, nt, run):
            return "the grid's time levels k·T/\(nt) are step times of the neural paths only with \(needed) "
                + "integrator steps (a multiple of the run's \(run)), more than the limit \(limit)"
        }
    }
}
