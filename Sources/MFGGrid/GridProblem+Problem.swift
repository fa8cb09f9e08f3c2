import MFGProblem

extension GridProblem {
    /// The largest fraction of the mass of ρ₀ or ρ₁ a reference domain may leave outside.
    public static let massOutsideLimit = 1e-3

    /// The grid form of a problem of dimension 1 or 2 on `domain` (one range per coordinate)
    /// with nx (× ny) cells: ρ₀, Q and ρ₁ (or g) sampled at the cell centres. For d = 1, ny
    /// must be 1 (see `init(x1Lower:x1Upper:horizon:…)`). The noise σ carries over: the grid then
    /// solves the Fokker–Planck constraint ∂ₜρ + ∇·m = (σ²/2)Δρ, or with σᵢ per coordinate
    /// ∂ₜρ + ∇·m = (σ₁²/2)∂₁₁ρ + (σ₂²/2)∂₂₂ρ (`sigma` = σ₁, `sigmaX2` = σ₂).
    ///
    /// Refuses other dimensions and domains that leave more than `massOutsideLimit` of the mass
    /// of ρ₀ (or ρ₁) outside: the midpoint-rule integral of the density over a fine copy of the
    /// grid (4× per axis) estimates the mass inside (`massOutside`).
    public init(problem: Problem, domain: [ClosedRange<Double>], nx: Int, ny: Int) throws(ReferenceSetupError) {
        try self.init(problem: problem, running: problem.runningCosts, terminal: problem.terminalCosts,
                      domain: domain, nx: nx, ny: ny)
    }

    /// The same with the cost terms given (`Problem.runningCosts` and `terminalCosts` by default):
    /// each term's `gridForm` is sampled on the cells, the running ones summed into the cell
    /// cost's linear field, entropy weight and congestion (one exponent), the one terminal term made a preference (β = 0) or a
    /// KL to e^(−q) (β = 1). A term without a grid form is refused, naming it.
    public init(problem: Problem, running: [any LocalCost], terminal terminals: [any LocalCost],
                domain: [ClosedRange<Double>], nx: Int, ny: Int) throws(ReferenceSetupError) {
        let d = problem.dimension
        guard d == 1 || d == 2 else { throw .unsupportedDimension(file: problem.file, dimension: d) }
        guard domain.count == d else { throw .noDomain(file: problem.file) }
        guard nx >= 8, d == 1 ? ny == 1 : ny >= 8 else { throw .grid(.gridTooCoarse(nx: nx, ny: ny, nt: 4)) }
        let sampler = CellSampler(domain: domain)
        let outside0 = sampler.massOutside(problem.initialDensity, nx: nx, ny: ny)
        guard outside0 <= Self.massOutsideLimit else {
            throw .massOutside(file: problem.file, density: "initial_density", fraction: outside0)
        }
        let rho0 = sampler.density(problem.initialDensity, nx: nx, ny: ny)
        // The running terms, summed into the cell cost's linear field (λ_Q = 1) and entropy weight.
        var obstacle: [Double]?
        var lambdaE = 0.0
        var congestion: GridCongestion?
        for term in running {
            let form = try Self.cellForm(term, file: problem.file, list: "running_cost")
            if let p = form.power {
                // One exponent: the cell's proximal equation has one power term.
                if let c = congestion, c.exponent != p {
                    throw .unsupportedCost(file: problem.file, list: "running_cost", term: term.name,
                                           reason: "a second congestion exponent (\(p) besides \(c.exponent))")
                }
                congestion = GridCongestion(weight: (congestion?.weight ?? 0) + term.weight, exponent: p)
            }
            if let linear = form.linear {
                let q = sampler.field(nx: nx, ny: ny, linear)
                obstacle = obstacle.map { zip($0, q).map { $0 + term.weight * $1 } } ?? q.map { term.weight * $0 }
            }
            lambdaE += term.weight * form.entropy
        }
        // The terminal term: β = 0 is a preference g = q, β = 1 a KL to the target e^(−q).
        guard terminals.count == 1 else {
            throw .unsupportedCost(file: problem.file, list: "terminal_cost", term: terminals.map(\.name).joined(separator: " + "),
                                   reason: "it takes exactly one terminal term")
        }
        let term = terminals[0]
        let form = try Self.cellForm(term, file: problem.file, list: "terminal_cost")
        if form.power != nil {
            throw .unsupportedCost(file: problem.file, list: "terminal_cost", term: term.name,
                                   reason: "a power of ρ at t = T (it takes a preference or a KL)")
        }
        if let (density, field) = form.density {
            let outside = sampler.massOutside(density, nx: nx, ny: ny)
            guard outside <= Self.massOutsideLimit else {
                throw .massOutside(file: problem.file, density: field, fraction: outside)
            }
        }
        let q = form.linear.map { sampler.field(nx: nx, ny: ny, $0) } ?? [Double](repeating: 0, count: nx * ny)
        let terminal: GridTerminalCost
        switch form.entropy {
        case 0: terminal = .preference(g: q, weight: term.weight)
        case 1: terminal = .kullbackLeibler(target: q.map { Double.exp(-$0) }, weight: term.weight)
        default:
            throw .unsupportedCost(file: problem.file, list: "terminal_cost", term: term.name,
                                   reason: "a terminal entropy weight β = \(form.entropy) (it takes 0 or 1)")
        }
        let x1 = domain[0], x2 = d == 2 ? domain[1] : Self.oneDimensionalSpan
        self.init(x1Lower: x1.lowerBound, x1Upper: x1.upperBound, x2Lower: x2.lowerBound, x2Upper: x2.upperBound,
                  horizon: problem.horizon, alphaL: problem.kineticWeights?[0] ?? problem.kineticWeight, initialDensity: rho0,
                  obstacle: obstacle, lambdaQ: obstacle == nil ? 0 : 1, lambdaE: lambdaE,
                  terminal: terminal, congestion: congestion, sigma: problem.sigmas?[0] ?? problem.sigma,
                  kineticWeightX2: problem.kineticWeights.map { $0[1] }, sigmaX2: problem.sigmas.map { $0[1] })
        // The sample-coupled terms: today one pairwise Gaussian interaction (`GridInteraction`).
        for term in problem.nonlocalRunningCosts {
            guard let form = term.gridForm, interaction == nil else {
                throw .unsupportedCost(file: problem.file, list: "running_cost", term: term.name,
                                       reason: interaction == nil ? term.gridRefusal : "a second pairwise interaction")
            }
            // Attraction keeps the grid problem convex only when the entropy outweighs it
            // (λ_E ≥ |λ|, `GridInteraction`).
            if term.weight < 0 && lambdaE < -term.weight {
                throw .unsupportedCost(file: problem.file, list: "running_cost", term: term.name,
                                       reason: "an attraction (weight \(term.weight) < 0) needs running_cost.entropy.weight ≥ "
                                           + "\(-term.weight) to keep the grid problem convex (it has \(lambdaE))")
            }
            interaction = GridInteraction(weight: term.weight, width: form.width, axes: form.axes)
        }
    }

    /// The term's grid form, or the error naming it.
    private static func cellForm(_ term: any LocalCost, file: String, list: String) throws(ReferenceSetupError) -> GridCellForm {
        guard let form = term.gridForm else {
            throw .unsupportedCost(file: file, list: list, term: term.name,
                                   reason: "it has no cell form (only terms linear in ρ, entropies and powers ρ^p)")
        }
        return form
    }
}

/// Evaluates a problem's fields (densities, obstacle, preference) at the cell centres of a
/// grid over a box of dimension 1 or 2, the points passed as a d × n array (x₁ fastest).
struct CellSampler {
    let domain: [ClosedRange<Double>]

    func field(nx: Int, ny: Int,
               _ f: (UnsafeBufferPointer<Double>, Int, UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        let d = domain.count
        let x2 = d == 2 ? domain[1] : GridProblem.oneDimensionalSpan
        let geo = GridGeometry(nx: nx, ny: ny, nt: 1, x1Lower: domain[0].lowerBound, x1Upper: domain[0].upperBound,
                               x2Lower: x2.lowerBound, x2Upper: x2.upperBound, horizon: 1)
        var points = [Double](repeating: 0, count: d * nx * ny)
        for j in 0..<ny { for i in 0..<nx {
            let (a, b) = geo.centre(i, j)
            points[d * (i + nx * j)] = a
            if d == 2 { points[2 * (i + nx * j) + 1] = b }
        } }
        var out = [Double](repeating: 0, count: nx * ny)
        points.withUnsafeBufferPointer { p in out.withUnsafeMutableBufferPointer { f(p, nx * ny, $0) } }
        return out
    }

    /// ρ at the cell centres (not renormalised).
    func density(_ rho: Density, nx: Int, ny: Int) -> [Double] {
        field(nx: nx, ny: ny) { p, n, out in rho.logDensity(p, count: n, into: out) }.map { Double.exp($0) }
    }

    /// 1 − ∫_box ρ, the integral by the midpoint rule on 4× finer cells per axis.
    func massOutside(_ rho: Density, nx: Int, ny: Int) -> Double {
        let fx = 4 * nx, fy = domain.count == 2 ? 4 * ny : 1
        let volume = domain.reduce(1.0) { $0 * ($1.upperBound - $1.lowerBound) } / Double(fx * fy)
        return max(0, 1 - density(rho, nx: fx, ny: fy).reduce(0, +) * volume)
    }
}
