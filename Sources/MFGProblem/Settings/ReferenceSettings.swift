/// The `reference:` section: grids and domains of the Eulerian reference solver.
///
/// Two forms (docs/problem-format.md, "Reference grid"):
///
/// - **d = 2**: `domain` and `grid` for the whole problem, solved as one 2-D grid;
/// - **any other d**: `blocks`, per-block settings of a block-separable problem (each block of
///   one or two coordinates is solved on its own 1-D or 2-D grid); a block without an entry
///   gets automatic settings.
public struct ReferenceSettings: Sendable, Equatable {
    /// Closed interval [lo, hi] of one axis.
    public struct Interval: Sendable, Equatable {
        public let lo: Double
        public let hi: Double
        public init(lo: Double, hi: Double) { self.lo = lo; self.hi = hi }
        public var length: Double { hi - lo }
    }

    /// Cells along x₁ (and x₂) and time steps of one grid; ny = 1 for a one-dimensional block.
    public struct Grid: Sendable, Equatable {
        public let nx: Int
        public let ny: Int
        public let nt: Int
        public init(nx: Int, ny: Int, nt: Int) { self.nx = nx; self.ny = ny; self.nt = nt }
    }

    /// Settings for some blocks: those with exactly the given coordinates, or every block of a
    /// size that no `coordinates` entry names. At least one of `domain`, `grid` is set.
    public struct Block: Sendable, Equatable {
        public enum Selector: Sendable, Equatable {
            /// The block of exactly these coordinates (0-based here, 1-based in files).
            case coordinates([Int])
            /// Every block of this many coordinates (1 or 2) without its own entry.
            case size(Int)

            /// The number of coordinates of the blocks it selects.
            public var blockSize: Int {
                switch self {
                case .coordinates(let c): return c.count
                case .size(let n): return n
                }
            }
        }
        public let selector: Selector
        /// One interval per coordinate of the block.
        public let domain: [Interval]?
        public let grid: Grid?
        /// The entry's field path in the file (`reference.blocks[1]`), for messages.
        public let field: String

        public init(selector: Selector, domain: [Interval]?, grid: Grid?, field: String) {
            self.selector = selector; self.domain = domain; self.grid = grid; self.field = field
        }
    }

    /// [x₁ range, x₂ range] of the d = 2 form (empty in the per-block form).
    public let domain: [Interval]
    /// Cells along x₁, along x₂, and time steps of the d = 2 form (0 in the per-block form).
    public let nx: Int
    public let ny: Int
    public let nt: Int
    /// The per-block form's entries (empty in the d = 2 form).
    public let blocks: [Block]
    /// The solver's stopping tolerance on both residuals (nil: `mfg reference`'s default, 1e-4,
    /// or its `--tolerance`). Densities at mid-time need 1e-5 where J needs only 1e-4
    /// (docs/validation.md), so a file can ask for it.
    public var tolerance: Double?
    /// The primal–dual iteration limit per grid level (nil: the default 20 000, or
    /// `--max-iterations`).
    public var maxIterations: Int?

    /// Iteration limits a file may give, as `--max-iterations`.
    public static let maxIterationsRange = 1...10_000_000

    /// The d = 2 form.
    public init(domain: [Interval], nx: Int, ny: Int, nt: Int) {
        self.domain = domain
        self.nx = nx
        self.ny = ny
        self.nt = nt
        self.blocks = []
    }

    /// The per-block form.
    public init(blocks: [Block]) {
        self.domain = []
        self.nx = 0
        self.ny = 0
        self.nt = 0
        self.blocks = blocks
    }
}
