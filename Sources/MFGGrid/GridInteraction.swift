/// The pairwise interaction (λ/2)∫₀ᵀ∫∫K(x − y)ρ(x)ρ(y) of a grid problem, K(z) =
/// exp(−Σ_{a∈S} z_a²/(2h²)) on the grid axes S ⊆ {0 (x₁), 1 (x₂)} (K(0) = 1, not normalised).
///
/// Discretised on the cell centres with the objective's time trapezoid (`GridCostBreakdown`):
///
///     F_K = Σₖ wₖ Δt · (λ/2) ΔA Σ_c ρᵏ_c (Kρᵏ)_c,   (Kρ)_c = ΔA Σ_c' K(x_c − x_c') ρ_c',
///
/// so ∂F_K/∂ρᵏ_c = wₖ Δt ΔA · λ(Kρᵏ)_c: the cell cost's linear coefficient q = λKρᵏ at level k
/// (the discrete δF/δρ). K is a product of one-dimensional Gaussians, so Kρ is two passes of
/// one-dimensional convolutions with Toeplitz tables (nx + ny)·nx·ny operations per level.
///
/// The solver (`GridSolver.solve`) handles it by a damped fictitious play: ρ̄ ← ρ₀ at every level;
/// repeat { solve the problem with the linear space-time cost q = λKρ̄ₜ added to the cells
/// (warm-started from the previous solve); ρ̄ ← ρ̄ + θ(ρ − ρ̄) } until the best response ρ and ρ̄
/// differ by at most `outerTolerance` in L¹ at every level. At the fixed point ρ = ρ̄ the
/// solution satisfies the optimality system of the full problem (the HJB with δF/δρ = λKρ). For
/// λ > 0, F is convex (K is positive definite) and the fixed point is the minimiser. For λ < 0
/// the problem is convex only when the entropy outweighs the attraction: with ∫ρ = 1 and 0 < K ≤ 1,
/// λ_E∫η²/ρ + λ∫∫Kηη ≥ (λ_E − |λ|)(∫|η|)², so `GridProblem(problem:)` takes λ < 0 only with
/// λ_E ≥ |λ|.
public struct GridInteraction: Sendable, Equatable {
    /// λ.
    public var weight: Double
    /// h > 0.
    public var width: Double
    /// S, 0-based grid axes.
    public var axes: [Int]
    /// θ ∈ (0, 1]: the fictitious play's damping.
    public var damping: Double
    /// The largest L¹ distance (per level, unit mass) between the best response and ρ̄ at which
    /// the outer loop stops.
    public var outerTolerance: Double
    /// The most outer iterations.
    public var maxOuterIterations: Int

    public init(weight: Double, width: Double, axes: [Int], damping: Double = 0.5, outerTolerance: Double = 2e-3,
                maxOuterIterations: Int = 40) {
        self.weight = weight; self.width = width; self.axes = axes
        self.damping = damping; self.outerTolerance = outerTolerance; self.maxOuterIterations = maxOuterIterations
    }

    /// The one-dimensional kernel table k[|i − i'|] along an axis of `count` cells of size
    /// `spacing`: exp(−(Δ·spacing)²/(2h²)) on the axes of S, 1 elsewhere.
    func table(axis: Int, count: Int, spacing: Double) -> [Double] {
        guard axes.contains(axis) else { return [Double](repeating: 1, count: count) }
        return (0..<count).map { let z = Double($0) * spacing; return Double.exp(-z * z / (2 * width * width)) }
    }

    /// (Kρ)_c = ΔA Σ_c' K(x_c − x_c')ρ_c' for each of the `levels` levels of `rho` (level after
    /// level, nx·ny cells each, x₁ fastest), into `out`.
    func convolve(_ rho: UnsafePointer<Double>, levels: Int, grid: GridGeometry, into out: UnsafeMutablePointer<Double>) {
        let nx = grid.nx, ny = grid.ny, level = nx * ny, area = grid.cellArea
        let k1 = table(axis: 0, count: nx, spacing: grid.dx), k2 = table(axis: 1, count: ny, spacing: grid.dy)
        var tmp = [Double](repeating: 0, count: level)
        for k in 0..<levels {
            let r = rho + k * level, o = out + k * level
            // Along x₁: tmp[i, j] = Σ_i' k1[|i − i'|] ρ[i', j].
            for j in 0..<ny {
                for i in 0..<nx {
                    var s = 0.0
                    for ip in 0..<nx { s += k1[abs(i - ip)] * r[ip + nx * j] }
                    tmp[i + nx * j] = s
                }
            }
            // Along x₂: out[i, j] = ΔA Σ_j' k2[|j − j'|] tmp[i, j'].
            for j in 0..<ny {
                for i in 0..<nx { o[i + nx * j] = 0 }
                for jp in 0..<ny {
                    let w = area * k2[abs(j - jp)]
                    for i in 0..<nx { o[i + nx * j] += w * tmp[i + nx * jp] }
                }
            }
        }
    }

    /// F_K of densities ρ₀ (one level) and ρ¹…ρⁿᵗ (`rho`, nt levels), with the trapezoid in time.
    public func energy(rho0: [Double], rho: [Double], grid: GridGeometry) -> Double {
        let level = grid.cellsPerLevel, nt = grid.nt
        var conv = [Double](repeating: 0, count: level * (nt + 1))
        let all = rho0 + rho
        all.withUnsafeBufferPointer { r in
            conv.withUnsafeMutableBufferPointer { c in convolve(r.baseAddress!, levels: nt + 1, grid: grid, into: c.baseAddress!) }
        }
        var total = 0.0
        for k in 0...nt {
            let w = (k == 0 || k == nt) ? 0.5 : 1.0
            var s = 0.0
            for c in 0..<level { s += all[k * level + c] * conv[k * level + c] }
            total += w * s
        }
        return 0.5 * weight * grid.dt * grid.cellArea * total
    }
}

extension GridSolver {
    /// The damped fictitious play for a problem with an interaction (see `GridInteraction`):
    /// inner solves of the problem with the space-time linear cost λKρ̄ₜ, until the best response
    /// is within `outerTolerance` of ρ̄ at every level. The returned solution is the last best
    /// response, its costs with the interaction F_K(ρ) itself (`GridCostBreakdown.nonlocal`), its
    /// iteration count the sum of the inner ones, converged when the last inner solve and the
    /// outer loop both did.
    static func solveInteracting(_ problem: GridProblem, _ interaction: GridInteraction, settings: GridSettings,
                                 initialGuess: GridSolution?, progress: ((GridProgress) -> Void)?) throws(GridError) -> GridSolution {
        guard interaction.width > 0, interaction.width.isFinite, interaction.weight.isFinite else {
            throw .invalidParameter(name: "interaction", value: interaction.width, requirement: "a finite weight and a width > 0")
        }
        var inner = problem
        inner.interaction = nil
        let prep = try inner.prepared(for: settings)
        let grid = prep.grid, level = grid.cellsPerLevel, nt = grid.nt
        // ρ̄: the initial guess's densities, else ρ₀ at every level.
        var mean = [Double](repeating: 0, count: level * nt)
        if let g = initialGuess, g.geometry == grid {
            for n in 0..<(level * nt) { mean[n] = g.density[level + n] }
        } else {
            for k in 0..<nt { for c in 0..<level { mean[k * level + c] = prep.rho0[c] } }
        }
        var guess = initialGuess
        var iterations = 0
        var q = [Double](repeating: 0, count: level * nt)
        var last: GridSolution?
        var outerConverged = false
        for _ in 0..<interaction.maxOuterIterations {
            mean.withUnsafeBufferPointer { r in
                q.withUnsafeMutableBufferPointer { o in interaction.convolve(r.baseAddress!, levels: nt, grid: grid, into: o.baseAddress!) }
            }
            inner.timeLinear = q.map { interaction.weight * $0 }
            let sol = try solve(inner, settings: settings, initialGuess: guess, progress: progress)
            iterations += sol.iterations
            var change = 0.0
            for k in 0..<nt {
                var l1 = 0.0
                for c in 0..<level { l1 += abs(sol.density[level + k * level + c] - mean[k * level + c]) }
                change = max(change, l1 * grid.cellArea)
            }
            for n in 0..<(level * nt) { mean[n] += interaction.damping * (sol.density[level + n] - mean[n]) }
            last = sol; guess = sol
            if change <= interaction.outerTolerance { outerConverged = true; break }
        }
        var sol = last!
        var costs = sol.costs
        costs.nonlocal = interaction.energy(rho0: prep.rho0, rho: Array(sol.density[level...]), grid: grid)
        sol.costs = costs
        sol.iterations = iterations
        sol.converged = sol.converged && outerConverged
        return sol
    }
}
