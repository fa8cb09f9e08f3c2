import MFGProblem

/// What a grid reference will solve: every distinct block of a problem, with the domain and the
/// grid it is solved on, each checked before any work is done.
///
/// A d = 2 problem is one block, the whole problem (`init(wholeProblem:…)`), with the domain
/// and grid of its file's `reference:` section or the command line, as before blocks existed.
/// Any other d goes by blocks (`init(blocks:…)`): `Problem.separableBlocks()` splits it into
/// independent blocks of one or two coordinates and groups identical ones; each distinct block
/// is solved once on a 1-D or 2-D grid and its costs count once per occurrence.
///
/// Settings of a block occurrence with coordinates C (k = |C|), each of domain and grid on its
/// own, first found wins:
///
/// 1. the command line's setting for blocks of size k (`Overrides`);
/// 2. the file's `reference.blocks` entry whose `coordinates` are exactly C;
/// 3. the file's `reference.blocks` entry with `size: k`;
/// 4. the automatic one (`GridDefaults`; the grid from the domain chosen above).
///
/// Occurrences of one sub-problem that end up with different settings become separate entries
/// (they are different discrete problems); otherwise an entry keeps all its occurrences.
public struct BlockGridPlan: Sendable {
    /// Domain and grid settings given on the command line, by block size (1 or 2).
    public struct Overrides: Sendable, Equatable {
        public var domain: [Int: [ClosedRange<Double>]]
        public var grid: [Int: GridSize]
        /// The options' text by block size, for messages (e.g. `--grid 96x120x64`).
        public var spelling: [Int: String]

        public init(domain: [Int: [ClosedRange<Double>]] = [:], grid: [Int: GridSize] = [:],
                    spelling: [Int: String] = [:]) {
            self.domain = domain; self.grid = grid; self.spelling = spelling
        }
    }

    /// One distinct block and how it is discretised.
    public struct Entry: Sendable {
        /// The block's sub-problem (dimension 1 or 2).
        public let problem: Problem
        /// Every occurrence solved by this entry: 0-based coordinates, increasing.
        public let occurrences: [[Int]]
        public let domain: [ClosedRange<Double>]
        public let size: GridSize
        /// Where the domain and the grid came from: `command line`, a file field such as
        /// `reference.blocks[1]` or `reference`, or `automatic`.
        public let domainSource: String, gridSource: String

        public var multiplicity: Int { occurrences.count }
        public var coordinates: [Int] { occurrences[0] }
    }

    public let entries: [Entry]
    /// Whether the plan is the whole d = 2 problem (one 2-D block, the pre-block behaviour).
    public let isWholeProblem: Bool

    /// The d = 2 problem as one block: the domain and grid from `overrides` (size 2), else from
    /// the file's `reference:` section; neither is automatic (as before blocks existed).
    public init(wholeProblem problem: Problem, overrides: Overrides) throws(ReferenceSetupError) {
        guard problem.dimension == 2 else {
            throw .unsupportedDimension(file: problem.file, dimension: problem.dimension)
        }
        if let size = overrides.grid.keys.first(where: { $0 != 2 }) ?? overrides.domain.keys.first(where: { $0 != 2 }) {
            throw .noBlockOfSize(file: problem.file, option: overrides.spelling[size] ?? "", size: size,
                                 blocks: [[0, 1]])
        }
        let fileDomain = problem.reference.map { r in r.domain.map { $0.lo...$0.hi } }
        let fileSize = problem.reference.map { r in GridSize(nx: r.nx, ny: r.ny, nt: r.nt) }
        guard let domain = overrides.domain[2] ?? fileDomain, let size = overrides.grid[2] ?? fileSize else {
            throw .noDomain(file: problem.file)
        }
        let entry = Entry(problem: problem, occurrences: [[0, 1]], domain: domain, size: size,
                          domainSource: overrides.domain[2] != nil ? "command line" : "reference",
                          gridSource: overrides.grid[2] != nil ? "command line" : "reference")
        try Self.check(entry)
        entries = [entry]
        isWholeProblem = true
    }

    /// The distinct blocks of a block-separable problem (`problem.separableBlocks()`), with
    /// settings from `overrides`, the file's `reference.blocks`, or automatic.
    public init(blocks: [ProblemBlock], file: String, settings: ReferenceSettings?,
                overrides: Overrides) throws(ReferenceSetupError) {
        let allOccurrences = blocks.flatMap(\.occurrences)
        let fileEntries = settings?.blocks ?? []
        for e in fileEntries {
            if case .coordinates(let c) = e.selector, !allOccurrences.contains(c.sorted()) {
                throw .notABlock(file: file, field: e.field + ".coordinates", coordinates: c, blocks: allOccurrences)
            }
        }
        for size in Set(overrides.domain.keys).union(overrides.grid.keys).sorted()
        where !allOccurrences.contains(where: { $0.count == size }) {
            throw .noBlockOfSize(file: file, option: overrides.spelling[size] ?? "", size: size,
                                 blocks: allOccurrences)
        }
        var entries: [Entry] = []
        for block in blocks {
            for occurrence in block.occurrences {
                let k = occurrence.count
                let exact = fileEntries.first { $0.selector == .coordinates(occurrence) }
                let bySize = fileEntries.first { $0.selector == .size(k) }
                func interval(_ r: [ReferenceSettings.Interval]) -> [ClosedRange<Double>] { r.map { $0.lo...$0.hi } }
                let domain: [ClosedRange<Double>], domainSource: String
                if let d = overrides.domain[k] { (domain, domainSource) = (d, "command line") }
                else if let d = exact?.domain { (domain, domainSource) = (interval(d), exact!.field) }
                else if let d = bySize?.domain { (domain, domainSource) = (interval(d), bySize!.field) }
                else { (domain, domainSource) = (GridDefaults.domain(for: block.problem), "automatic") }
                let size: GridSize, gridSource: String
                func grid(_ g: ReferenceSettings.Grid) -> GridSize { GridSize(nx: g.nx, ny: g.ny, nt: g.nt) }
                if let g = overrides.grid[k] { (size, gridSource) = (g, "command line") }
                else if let g = exact?.grid { (size, gridSource) = (grid(g), exact!.field) }
                else if let g = bySize?.grid { (size, gridSource) = (grid(g), bySize!.field) }
                else { (size, gridSource) = (GridDefaults.size(for: block.problem, domain: domain), "automatic") }
                if let i = entries.firstIndex(where: {
                    $0.problem.describesSameGame(as: block.problem) && $0.domain == domain && $0.size == size
                }) {
                    let e = entries[i]
                    entries[i] = Entry(problem: e.problem, occurrences: e.occurrences + [occurrence], domain: e.domain,
                                       size: e.size, domainSource: e.domainSource, gridSource: e.gridSource)
                } else {
                    entries.append(Entry(problem: block.problem, occurrences: [occurrence], domain: domain, size: size,
                                         domainSource: domainSource, gridSource: gridSource))
                }
            }
        }
        for e in entries {
            do { try Self.check(e) } catch {
                throw .inBlock(file: file, coordinates: e.coordinates, error)
            }
        }
        self.entries = entries
        isWholeProblem = false
    }

    private init(entries: [Entry], isWholeProblem: Bool) {
        self.entries = entries
        self.isWholeProblem = isWholeProblem
    }

    /// The same blocks on grids halved up to `times` times in every axis and in time (a
    /// cheaper, rougher solve: `training.start: grid`). Each entry keeps the coarsest of its
    /// halvings that the solver accepts (`check`: at least 8 cells per axis and 4 steps, the
    /// densities' mass right to 1 % on the cells), down to its own grid; the grid source then
    /// reads e.g. "reference, halved once".
    public func coarsened(_ times: Int) -> BlockGridPlan {
        let coarse = entries.map { e -> Entry in
            var sizes = [e.size]
            for _ in 0..<max(0, times) {
                let g = sizes.last!
                sizes.append(GridSize(nx: g.nx / 2, ny: g.ny == 1 ? 1 : g.ny / 2, nt: g.nt / 2))
            }
            for (halvings, size) in sizes.enumerated().reversed() where halvings > 0 {
                let candidate = Entry(problem: e.problem, occurrences: e.occurrences, domain: e.domain, size: size,
                                      domainSource: e.domainSource,
                                      gridSource: e.gridSource + (halvings == 1 ? ", halved once" : ", halved \(halvings) times"))
                if (try? Self.check(candidate)) != nil { return candidate }
            }
            return e
        }
        return BlockGridPlan(entries: coarse, isWholeProblem: isWholeProblem)
    }

    /// Refuses what the solver would refuse, before any work: a grid too coarse, a domain that
    /// leaves mass outside, densities off on the finest grid (`CoarseToFine.checked`).
    static func check(_ e: Entry) throws(ReferenceSetupError) {
        let k = e.problem.dimension
        guard e.domain.count == k, (e.size.ny == 1) == (k == 1) else {
            throw .grid(.invalidSettings("a block of \(k) coordinates needs a \(k)-D domain and grid"))
        }
        _ = try CoarseToFine.checked(problem: e.problem, domain: e.domain, size: e.size,
                                     settings: GridSettings(nx: e.size.nx, ny: e.size.ny, nt: e.size.nt))
    }
}

/// Blocks for messages, 1-based: "(x1, x2)", or a run of one-coordinate blocks as "x3 … x100".
func blockList(_ blocks: [[Int]]) -> String {
    var parts: [String] = []
    var i = 0
    let sorted = blocks.sorted { $0[0] < $1[0] }
    while i < sorted.count {
        if sorted[i].count == 2 {
            parts.append("(x\(sorted[i][0] + 1), x\(sorted[i][1] + 1))"); i += 1; continue
        }
        var j = i
        while j + 1 < sorted.count && sorted[j + 1].count == 1 && sorted[j + 1][0] == sorted[j][0] + 1 { j += 1 }
        parts.append(j - i >= 2 ? "x\(sorted[i][0] + 1) … x\(sorted[j][0] + 1)"
                                : (i...j).map { "x\(sorted[$0][0] + 1)" }.joined(separator: ", "))
        i = j + 1
    }
    return parts.joined(separator: ", ")
}
