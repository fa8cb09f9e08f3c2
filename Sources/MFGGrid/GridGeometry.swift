/// The space-time grid: nx × ny cells of size Δx₁ × Δx₂ on Ω, nt time steps of length Δt.
///
/// Layout of every space-time array: the value at cell (i, j) and time level k is stored at
/// `i + nx * (j + ny * k)` (x₁ fastest, time slowest), so one time level is a contiguous
/// nx·ny block and a space array (ρ₀, Q, ρ₁) is exactly one such block.
///
/// Unknowns (see `SpaceTimeOperators`): densities ρᵏ at the cell centres at the time levels
/// tₖ = kΔt, k = 1…nt (ρ⁰ = ρ₀ is data); fluxes on the time intervals (tₖ₋₁, tₖ]; the dual
/// variable φᵏ, one per discrete continuity equation, k = 1…nt.
public struct GridGeometry: Sendable, Equatable {
    public let nx: Int, ny: Int, nt: Int
    public let x1Lower: Double, x2Lower: Double
    /// Cell sizes Δx₁, Δx₂ and time step Δt.
    public let dx: Double, dy: Double, dt: Double
    /// Diffusion coefficient ν = σ²/2 of the Fokker–Planck constraint ∂ₜρ + ∇·m = νΔρ
    /// (0: the deterministic continuity equation). It changes the operator A of
    /// `SpaceTimeOperators` and the Poisson solve of `SpaceTimePoisson`. With per-axis noise
    /// this is ν₁ = σ₁²/2, the coefficient of ∂₁₁ρ only (see `diffusionX2`).
    public let diffusion: Double
    /// ν₂ = σ₂²/2, the coefficient of ∂₂₂ρ: the constraint is ∂ₜρ + ∇·m = ν₁∂₁₁ρ + ν₂∂₂₂ρ.
    /// Equal to `diffusion` unless the noise differs per axis (then `isIsotropicDiffusion` is
    /// false and the operators take their per-axis branch; equal coefficients keep the
    /// one-coefficient arithmetic, bit for bit).
    public let diffusionX2: Double

    public init(nx: Int, ny: Int, nt: Int, x1Lower: Double, x1Upper: Double,
                x2Lower: Double, x2Upper: Double, horizon: Double, diffusion: Double = 0,
                diffusionX2: Double? = nil) {
        self.nx = nx; self.ny = ny; self.nt = nt
        self.x1Lower = x1Lower; self.x2Lower = x2Lower
        dx = (x1Upper - x1Lower) / Double(nx)
        dy = (x2Upper - x2Lower) / Double(ny)
        dt = horizon / Double(nt)
        self.diffusion = diffusion
        self.diffusionX2 = diffusionX2 ?? diffusion
    }

    /// The geometry of `problem` discretised by `settings` (ν = σ²/2 from `problem.sigma`, and
    /// ν₂ = σ₂²/2 from `problem.sigmaX2` on a two-dimensional grid).
    public init(_ problem: GridProblem, _ settings: GridSettings) {
        self.init(nx: settings.nx, ny: settings.ny, nt: settings.nt,
                  x1Lower: problem.x1Lower, x1Upper: problem.x1Upper,
                  x2Lower: problem.x2Lower, x2Upper: problem.x2Upper, horizon: problem.horizon,
                  diffusion: 0.5 * problem.sigma * problem.sigma,
                  diffusionX2: settings.ny == 1 ? nil : problem.sigmaX2.map { 0.5 * $0 * $0 })
    }

    /// Whether the constraint has a diffusion term (ν₁ > 0 or ν₂ > 0).
    @inline(__always) public var isViscous: Bool { diffusion > 0 || diffusionX2 > 0 }
    /// Whether the diffusion is the same along both axes (ν₁ = ν₂: the Laplacian νΔ).
    @inline(__always) public var isIsotropicDiffusion: Bool { diffusionX2 == diffusion }

    /// Whether this is the grid of a one-dimensional problem: a single cell along x₂ (ny = 1),
    /// so there is no face, and no flux, in x₂ (see `GridProblem.init(x1Lower:x1Upper:…)`).
    @inline(__always) public var isOneDimensional: Bool { ny == 1 }
    /// 1 or 2.
    public var spatialDimension: Int { isOneDimensional ? 1 : 2 }

    /// Cells per time level, nx·ny.
    @inline(__always) public var cellsPerLevel: Int { nx * ny }
    /// Space-time cells, nx·ny·nt.
    @inline(__always) public var count: Int { nx * ny * nt }
    /// Area of one cell, Δx₁Δx₂.
    @inline(__always) public var cellArea: Double { dx * dy }
    /// Weight of one space-time cell in every discrete integral, Δx₁Δx₂Δt.
    @inline(__always) public var cellVolume: Double { dx * dy * dt }

    /// Flat index of cell (i, j) at stored level k (k = 0 is time t₁).
    @inline(__always) public func index(_ i: Int, _ j: Int, _ k: Int) -> Int { i + nx * (j + ny * k) }

    /// Centre of cell (i, j).
    @inline(__always) public func centre(_ i: Int, _ j: Int) -> (Double, Double) {
        (x1Lower + (Double(i) + 0.5) * dx, x2Lower + (Double(j) + 0.5) * dy)
    }

    /// A space array: `f` evaluated at every cell centre (x₁ fastest).
    public func sample(_ f: (Double, Double) -> Double) -> [Double] {
        var out = [Double](repeating: 0, count: cellsPerLevel)
        for j in 0..<ny { for i in 0..<nx { let (x, y) = centre(i, j); out[i + nx * j] = f(x, y) } }
        return out
    }

    /// ∫ f dx of a space array (midpoint rule).
    public func integral(_ f: [Double]) -> Double { f.reduce(0, +) * cellArea }
}

extension GridProblem {
    /// Samples a function of x₁ on the cell centres of nx cells over `x1`: the layout of every
    /// field of a one-dimensional `GridProblem`.
    public static func sample(nx: Int, x1: ClosedRange<Double>, _ f: (Double) -> Double) -> [Double] {
        sample(nx: nx, ny: 1, x1: x1, x2: oneDimensionalSpan) { x, _ in f(x) }
    }

    /// Samples a function on the cell centres of an nx × ny grid over this problem's domain
    /// (x₁ fastest), the layout every field of `GridProblem` uses.
    public static func sample(nx: Int, ny: Int, x1: ClosedRange<Double>, x2: ClosedRange<Double>,
                              _ f: (Double, Double) -> Double) -> [Double] {
        GridGeometry(nx: nx, ny: ny, nt: 1, x1Lower: x1.lowerBound, x1Upper: x1.upperBound,
                     x2Lower: x2.lowerBound, x2Upper: x2.upperBound, horizon: 1).sample(f)
    }
}
