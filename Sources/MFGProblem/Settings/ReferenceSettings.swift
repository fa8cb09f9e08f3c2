/// The d = 2 Eulerian reference solver's grid.
public struct ReferenceSettings: Sendable, Equatable {
    /// Closed interval [lo, hi] of one axis.
    public struct Interval: Sendable, Equatable {
        public let lo: Double
        public let hi: Double
        public init(lo: Double, hi: Double) { self.lo = lo; self.hi = hi }
        public var length: Double { hi - lo }
    }
    /// [x₁ range, x₂ range].
    public let domain: [Interval]
    /// Cells along x₁, along x₂, and time steps.
    public let nx: Int
    public let ny: Int
    public let nt: Int

    public init(domain: [Interval], nx: Int, ny: Int, nt: Int) {
        self.domain = domain
        self.nx = nx
        self.ny = ny
        self.nt = nt
    }
}
