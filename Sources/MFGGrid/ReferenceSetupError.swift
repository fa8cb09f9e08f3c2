/// Why a problem file cannot be solved on the grid; said before any work is done.
///
/// `description` is one line naming the file (and the field or block where there is one).
public enum ReferenceSetupError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The grid solver takes problems (or blocks) of dimension 1 or 2 only.
    case unsupportedDimension(file: String, dimension: Int)
    /// A d = 2 problem with neither a `reference:` section nor --domain and --grid.
    case noDomain(file: String)
    /// More than `GridProblem.massOutsideLimit` of a density lies outside the domain.
    case massOutside(file: String, density: String, fraction: Double)
    case grid(GridError)
    /// A `reference.blocks` entry names coordinates that are not a block of the problem
    /// (0-based `coordinates`; `blocks` lists every block occurrence).
    case notABlock(file: String, field: String, coordinates: [Int], blocks: [[Int]])
    /// A command-line setting for blocks of `size` coordinates, and the problem has none.
    case noBlockOfSize(file: String, option: String, size: Int, blocks: [[Int]])
    /// A cost term the grid solver cannot charge (`LocalCost.gridForm` is nil), or a
    /// combination of terminal terms it cannot (`list`: running_cost or terminal_cost).
    case unsupportedCost(file: String, list: String, term: String, reason: String)
    /// A problem with one block (0-based `coordinates`, its first occurrence) that cannot be solved.
    indirect case inBlock(file: String, coordinates: [Int], ReferenceSetupError)

    public var description: String {
        switch self {
        case let .unsupportedDimension(f, _), let .noDomain(f), let .massOutside(f, _, _), let .notABlock(f, _, _, _),
             let .noBlockOfSize(f, _, _, _), let .inBlock(f, _, _), let .unsupportedCost(f, _, _, _):
            return "\(f): \(detail)"
        case .grid: return detail
        }
    }

    /// The message without the file.
    public var detail: String {
        switch self {
        case let .unsupportedDimension(_, d):
            return "the grid reference solver takes dimension 1 or 2 (larger problems by blocks); this problem has dimension \(d)"
        case .noDomain:
            return "no reference domain: add a `reference:` section to the file or pass --domain and --grid"
        case let .massOutside(_, name, frac):
            return "\(String(format: "%.2e", frac)) of the mass of \(name) lies outside the domain "
                + "(allowed: at most 1e-3); enlarge reference.domain"
        case let .grid(e): return e.description
        case let .notABlock(_, field, c, blocks):
            return "\(field): [\(c.map { String($0 + 1) }.joined(separator: ", "))] is not a block of this problem "
                + "(its blocks: \(blockList(blocks)))"
        case let .noBlockOfSize(_, option, size, blocks):
            return "\(option) is for blocks of \(size) coordinate\(size == 1 ? "" : "s"); this problem has none "
                + "(its blocks: \(blockList(blocks)))"
        case let .unsupportedCost(_, list, term, reason):
            return "\(list): the grid reference solver cannot solve the term '\(term)': \(reason)"
        case let .inBlock(_, c, inner):
            return "block \(c.count == 1 ? "x\(c[0] + 1)" : "(\(c.map { "x\($0 + 1)" }.joined(separator: ", ")))"): \(inner.detail)"
        }
    }
}
