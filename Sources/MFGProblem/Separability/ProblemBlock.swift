/// One independent block of a block-separable problem: a sub-problem in one or two coordinates,
/// and every place in the full problem where that same sub-problem occurs.
///
/// When ρ₀, the target (or the terminal preference) and every running-cost term factor over a
/// partition of the coordinates into blocks, the game splits: the optimal density is the product
/// of the blocks' optimal densities and J, L, F, G are sums over the blocks
/// (docs/reference-solver.md). `Problem.separableBlocks()` finds the finest such partition with
/// blocks of at most two coordinates and groups blocks whose sub-problems are identical, so a
/// block solver solves each distinct sub-problem once and multiplies its costs by
/// `multiplicity`.
public struct ProblemBlock: Sendable {
    /// The sub-problem: marginal densities on the block's coordinates, the cost terms that act
    /// on them (re-indexed to 0..<k), and the parent's weights, horizon and kinetic weight.
    /// `problem.dimension` is 1 or 2.
    public let problem: Problem
    /// Every occurrence of this sub-problem in the parent: 0-based coordinates, each list of
    /// `problem.dimension` entries in increasing order (block coordinate i is parent coordinate
    /// `occurrences[k][i]`). Sorted by first coordinate; together, the occurrences of all blocks
    /// cover 0..<d exactly once.
    public let occurrences: [[Int]]

    public init(problem: Problem, occurrences: [[Int]]) {
        self.problem = problem
        self.occurrences = occurrences
    }

    /// How many times the sub-problem occurs (its costs count this many times in the parent's).
    public var multiplicity: Int { occurrences.count }

    /// The coordinates of the first occurrence.
    public var coordinates: [Int] { occurrences[0] }
}

/// Why a problem does not split into independent blocks of at most two coordinates: the term
/// and the coordinates it couples.
///
/// `description` is one line, e.g.
///
///     problems/x.yaml: initial_density: the mixture couples coordinates 1–10 (blocks have at most 2)
public struct SeparabilityError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The problem file.
    public let file: String
    /// The field of the term that made a block too large, e.g. `initial_density` or
    /// `running_cost.obstacle[2]`.
    public let field: String
    /// The coordinates (0-based, increasing) of the block that became too large.
    public let coordinates: [Int]
    /// What couples them, without file and field.
    public let reason: String

    public init(file: String, field: String, coordinates: [Int], reason: String) {
        self.file = file
        self.field = field
        self.coordinates = coordinates
        self.reason = reason
    }

    public var description: String { "\(file): \(field): \(reason)" }
}

/// 1-based coordinates for messages, runs of three or more as ranges: [0, 1, 2, 3, 7] → "1–4, 8".
func coordinateList(_ coordinates: [Int]) -> String {
    let c = coordinates.sorted()
    var parts: [String] = []
    var i = 0
    while i < c.count {
        var j = i
        while j + 1 < c.count && c[j + 1] == c[j] + 1 { j += 1 }
        if j - i >= 2 {
            parts.append("\(c[i] + 1)–\(c[j] + 1)")
        } else {
            for k in i...j { parts.append("\(c[k] + 1)") }
        }
        i = j + 1
    }
    return parts.joined(separator: ", ")
}
