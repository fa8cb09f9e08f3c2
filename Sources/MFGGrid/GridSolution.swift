/// How far an iterate is from a solution: the two halves of the KKT conditions.
public struct GridResiduals: Sendable, Equatable {
    /// Constraint residual ∫₀ᵀ∫ |∂ₜρ + ∇·m| dx dt of the discrete continuity equation (L¹ in
    /// space-time), in units of the total mass (which is 1): the mass misplaced over the horizon.
    public var constraint: Double
    /// Relative optimality (stationarity) residual ‖ξ + Aᵀφ‖ / max(‖ξ‖, ‖Aᵀφ‖) with ξ ∈ ∂f(u)
    /// the subgradient certified by the last proximal step (weighted L² norms). Zero exactly
    /// when u minimises the Lagrangian f(u) + ⟨φ, Au − b⟩, i.e. when (u, φ) is a saddle point
    /// given the constraint.
    public var optimality: Double
    /// ‖Au − b‖ in the H⁻¹ norm (H = AAᵀ), the dual residual of the preconditioned iteration.
    public var constraintHminus1: Double

    public init(constraint: Double, optimality: Double, constraintHminus1: Double) {
        self.constraint = constraint; self.optimality = optimality
        self.constraintHminus1 = constraintHminus1
    }
}

/// What the solver reports every `GridSettings.checkEvery` iterations.
public struct GridProgress: Sendable {
    public var iteration: Int
    public var residuals: GridResiduals
    /// J at the current iterate (and its parts).
    public var costs: GridCostBreakdown
    /// Current primal and dual steps τ, σ.
    public var primalStep: Double, dualStep: Double
}

/// The solution of a `GridProblem`.
///
/// Layout of every array: cell (i, j) at level k stored at `i + nx * (j + ny * k)` (x₁
/// fastest). Time placement:
///
/// - `density`: nt + 1 levels, k = 0…nt at t = kΔt (level 0 is the normalised ρ₀);
/// - `momentum1`, `momentum2`: nt intervals, entry k is the momentum m = ρv on (t_k, t_{k+1}],
///   cell-centred: the mean of the cell's four copies of its x₁ (x₂) face fluxes (`primal`);
/// - `potential`: nt levels, entry k is Φ at t = (k+1)Δt. Φ = −φ where φ is the Lagrange
///   multiplier of the discrete continuity equation (the PDHG dual variable), so that Φ follows
///   docs/equations-to-code.md: −∂ₜΦ + |∇Φ|²/(2α_L) = δF/δρ, Φ(·,T) = δG/δρ, v = −∇Φ/α_L. (Where ρ = 0 the
///   HJB holds only as an inequality and Φ is not determined by the problem.)
public struct GridSolution: Sendable {
    public var geometry: GridGeometry
    public var density: [Double]
    public var momentum1: [Double]
    public var momentum2: [Double]
    public var potential: [Double]
    /// The raw unknowns: densities at levels 1…nt and the four upwind fluxes.
    public var primal: GridPrimal
    public var costs: GridCostBreakdown
    public var iterations: Int
    public var residuals: GridResiduals
    /// True only when both residuals fell below the tolerance.
    public var converged: Bool
    /// Final primal and dual steps.
    public var primalStep: Double, dualStep: Double

    /// ρ at level k (0…nt) as a space array.
    public func density(atLevel k: Int) -> [Double] {
        let c = geometry.cellsPerLevel
        return Array(density[(k * c)..<((k + 1) * c)])
    }
}
