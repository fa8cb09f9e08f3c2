import Dispatch
import MFGMath

/// The 2D Eulerian reference solver: a preconditioned primal–dual (PDHG / Chambolle–Pock)
/// iteration, the "G-prox" scheme of Jacobs, Léger, Li and Osher (SIAM J. Numer. Anal. 2019).
///
/// The discrete problem is  min_u f(u)  subject to  A u = b,  with u = (ρ, fluxes), f the sum of
/// the pointwise cell costs (`CellCost`) weighted by ω = Δx₁Δx₂Δt, and A u = b the discrete
/// continuity equation (`SpaceTimeOperators`). Its saddle-point form is
///
///     min_u max_φ  f(u) + ⟨φ, A u − b⟩.
///
/// One iteration:
///
///     uⁿ⁺¹ = prox_{τf}(uⁿ − τ Aᵀφⁿ)                       pointwise, `CellCost.prox`
///     zⁿ⁺¹ = H⁻¹(A uⁿ⁺¹ − b),   H = AAᵀ                    cosine transforms, `SpaceTimePoisson`
///     φⁿ⁺¹ = φⁿ + σ (2zⁿ⁺¹ − zⁿ)    (= φⁿ + σH⁻¹(A(2uⁿ⁺¹ − uⁿ) − b))
///
/// This is PDHG with the dual metric ‖·‖_H. Because ‖H^{-1/2}A‖ = 1 exactly, it converges for
/// every τσ < 1 (Chambolle–Pock 2011, Thm 1, in the H-metric) whatever the grid: the step sizes,
/// and in practice the iteration count, do not degrade as the grid is refined, which is the
/// point of Jacobs–Léger–Li–Osher. The problem is convex, so the limit is the global optimum.
///
/// Step ratio: τ/σ is balanced by the residual-balancing rule of Goldstein, Li, Yuan, Esser
/// and Baraniuk ("Adaptive primal-dual splitting methods", 2015): when the relative optimality
/// residual is much larger than the relative constraint residual τ grows and σ shrinks (and
/// vice versa), keeping τσ fixed, with an adaptation factor that decays geometrically so the
/// steps freeze and the fixed-step convergence theorem applies.
///
/// Separate density and flux steps (`GridSettings.densityStepRatio` = θ): the primal metric is
/// diag(1/(θτ), 1/τ) (densities, fluxes) and the dual metric H_θ/σ with H_θ = A diag(θ, 1) Aᵀ
/// = θ D_tD_tᵀ + ¼L, still diagonal in the cosine bases; ‖H_θ^{-1/2} A diag(θ, 1)^{1/2}‖ = 1, so
/// τσ < 1 is again the whole convergence condition. With θ = 1 the time part of H (eigenvalues
/// up to ≈ 4/Δt²) dwarfs the space part (≈ 1/Δx² per axis) when Δt ≪ Δx (Δt = 1/16,
/// Δx = 0.375 on the 32² eight-Gaussian grid); our explanation of the slow convergence is that
/// the steps are then matched to the time direction only. The default
/// θ = Δt²(1/Δx₁² + 1/Δx₂²)/4 equalises the two largest eigenvalues; it is unchanged when the
/// grid is refined in proportion. Measured: 3.1× fewer iterations on the eight-Gaussian problem
/// at 32² (cold), 3.7× at 64² and 4.5× at 128² (warm-started; docs/reference-solver.md).
///
/// Over-relaxation (`GridSettings.relaxation`, γ = 1.9 by default): after each step the
/// iterate moves γ times the PDHG step, (uⁿ⁺¹, φⁿ⁺¹) = (uⁿ, φⁿ) + γ((ũ, φ̃) − (uⁿ, φⁿ)) with
/// (ũ, φ̃) the plain step. PDHG is a proximal-point iteration in the metric
/// M = [[I/τ, −Aᵀ], [−A, H/σ]] (positive definite for τσ < 1), so its step operator is firmly
/// nonexpansive in M and the relaxed (Krasnosel'skii–Mann) iteration converges for every
/// γ ∈ (0, 2) (He and Yuan 2012; Condat 2013). On the tail, where PDHG moves almost in a fixed
/// direction, the relaxed step covers γ times the distance: measured, 1.9–2.0× fewer
/// iterations to tolerance on the eight-Gaussian and crowd-motion problems, for ≈ 30 % more
/// time per iteration (one more copy of the primal unknowns and one more Aᵀφ).
///
/// Stopping: both `GridResiduals.constraint` and `GridResiduals.optimality` ≤ tolerance.
public enum GridSolver {
    /// Solves `problem` on the grid of `settings`. `progress` is called every
    /// `settings.checkEvery` iterations (the library itself never prints).
    ///
    /// `initialGuess`, typically the solution of the same problem on a coarser grid, is
    /// interpolated onto this grid as the first iterate (see `WarmStart`), and its final step
    /// sizes are reused unless `settings.primalStep` is set. Without it the iteration starts from
    /// ρᵏ = ρ₀, zero fluxes and φ = 0.
    public static func solve(_ problem: GridProblem, settings: GridSettings,
                             initialGuess: GridSolution? = nil,
                             progress: ((GridProgress) -> Void)? = nil) throws(GridError) -> GridSolution {
        if let interaction = problem.interaction {
            return try solveInteracting(problem, interaction, settings: settings, initialGuess: initialGuess, progress: progress)
        }
        let prep = try problem.prepared(for: settings)
        var state = PrimalDualState(prep, settings: settings, initialGuess: initialGuess)
        var converged = false
        var last = state.measure()
        var iteration = 0
        var sinceCheck = 0
        while iteration < settings.maxIterations {
            let check = sinceCheck + 1 >= settings.checkEvery || iteration + 1 == settings.maxIterations
            state.step(check: check)
            iteration += 1
            sinceCheck += 1
            if check {
                sinceCheck = 0
                last = state.measure()
                progress?(GridProgress(iteration: iteration, residuals: last.residuals, costs: last.costs,
                                       primalStep: state.tau, dualStep: state.sigma))
                if last.residuals.constraint <= settings.tolerance
                    && last.residuals.optimality <= settings.tolerance {
                    converged = true
                    break
                }
                if settings.adaptiveSteps { state.balanceSteps(last.residuals) }
            }
            // The reported solution is the last proximal output, never a relaxed point.
            if iteration < settings.maxIterations { state.relax() }
        }
        return state.solution(iterations: iteration, measured: last, converged: converged)
    }
}

/// The iterates of the primal–dual loop and their scratch arrays.
struct PrimalDualState {
    let prep: PreparedProblem
    let grid: GridGeometry
    let poisson: SpaceTimePoisson
    var tau: Double
    var sigma: Double
    let product: Double
    /// Adaptation factor of residual balancing (decays by `adaptDecay` after each change).
    var adapt = 0.5
    let adaptDecay = 0.95

    var u: GridPrimal
    var uPrevious: GridPrimal
    /// Aᵀφ for the current φ, and for the previous one (kept on check iterations).
    var gradPhi: GridPrimal
    var gradPhiPrevious: GridPrimal
    var phi: [Double]
    /// φ and z before the last step (kept only when relaxing).
    var phiPrevious: [Double]
    var zPrevious: [Double]
    /// Over-relaxation factor γ ∈ [1, 2) (`GridSettings.relaxation`).
    let relaxation: Double
    /// θ = τ_ρ/τ (`GridSettings.densityStepRatio`): densities take the primal step θτ,
    /// fluxes τ.
    let theta: Double
    /// Threads of the proximal step (`GridSettings.proxThreads`).
    let proxThreads: Int
    /// The linear coefficient q of the last level's cells (`PreparedProblem.linear`).
    let lastLinear: [Double]
    /// (ν/2)Δₕρ₀, the diffusion part of the first level's right-hand side b¹ (empty when ν = 0).
    let initialDiffusion: [Double]
    var z: [Double]
    var residual: [Double]
    var zNew: [Double]
    /// τ of the last step (the one the optimality residual refers to).
    var lastTau: Double

    init(_ prep: PreparedProblem, settings: GridSettings, initialGuess: GridSolution?) {
        self.prep = prep
        grid = prep.grid
        // The largest eigenvalue of the spatial part ¼L is ≈ 1/Δx₁² + 1/Δx₂², the x₂ term
        // absent on a one-dimensional grid (ny = 1: L_x₂ is the 1 × 1 zero matrix).
        let space = 1 / (grid.dx * grid.dx) + (grid.isOneDimensional ? 0 : 1 / (grid.dy * grid.dy))
        theta = settings.densityStepRatio ?? 0.25 * grid.dt * grid.dt * space
        poisson = SpaceTimePoisson(grid: grid, timeWeight: theta)
        product = settings.stepProduct
        relaxation = settings.relaxation
        proxThreads = settings.proxThreads
        lastLinear = (0..<grid.cellsPerLevel).map { prep.linear($0, last: true) }
        initialDiffusion = grid.isViscous ? grid.initialDiffusion(prep.rho0) : []
        // Default τ: the ρ-update ρ − τ∂ₜφ should move densities by a fraction of their size
        // when φ changes by O(1) over the horizon: τ ≈ ρ_typical·T with ρ_typical = 1/|Ω|
        // (unit mass). Residual balancing corrects the ratio from there. (This scale was chosen
        // with θ = 1; with θ < 1 the density step is θτ, and balancing adapts τ.)
        let area = Double(grid.nx) * grid.dx * Double(grid.ny) * grid.dy
        tau = settings.primalStep ?? initialGuess?.primalStep ?? (0.1 * Double(grid.nt) * grid.dt / area)
        sigma = product / tau
        lastTau = tau
        u = GridPrimal(zeroFor: grid)
        for k in 0..<grid.nt {
            for c in 0..<grid.cellsPerLevel { u.rho[c + k * grid.cellsPerLevel] = prep.rho0[c] }
        }
        uPrevious = u
        gradPhi = GridPrimal(zeroFor: grid)
        gradPhiPrevious = gradPhi
        phi = [Double](repeating: 0, count: grid.count)
        z = phi
        residual = phi
        zNew = phi
        phiPrevious = relaxation != 1 ? phi : []
        zPrevious = phiPrevious
        if let guess = initialGuess {
            let (u0, phi0) = guess.prolonged(to: grid)
            u = u0; uPrevious = u0; phi = phi0
            grid.adjoint(phi, into: &gradPhi)
            gradPhiPrevious = gradPhi
            grid.divergence(u, into: &residual)
            for c in 0..<grid.cellsPerLevel { residual[c] -= prep.rho0[c] / grid.dt }
            for c in initialDiffusion.indices { residual[c] -= initialDiffusion[c] }
            poisson.solve(residual, into: &z)
            zNew = z
            adapt = 0.1
        }
    }

    /// One PDHG iteration. On `check` iterations uⁿ and Aᵀφⁿ are kept for the residuals and
    /// Aᵀφⁿ⁺¹ is formed; when relaxing, uⁿ, φⁿ, zⁿ are kept for `relax`, which forms Aᵀφ itself.
    ///
    /// Keeping is done by swapping buffers, never by copying: the prox reads uⁿ from `uPrevious`
    /// and writes uⁿ⁺¹ into `u`'s other buffer, φⁿ⁺¹ is written next to φⁿ, and z, zNew trade
    /// places (a copy of the nine primal arrays cost a fresh allocation, its page faults and a
    /// pass over memory every iteration). The arithmetic is unchanged, so are the iterates.
    mutating func step(check: Bool) {
        let relaxing = relaxation != 1
        let keep = check || relaxing
        if keep { swap(&u, &uPrevious) }
        proximalStep(fromPrevious: keep)
        lastTau = tau
        grid.divergence(u, into: &residual)
        let idt = 1 / grid.dt
        for c in 0..<grid.cellsPerLevel { residual[c] -= prep.rho0[c] * idt }
        for c in initialDiffusion.indices { residual[c] -= initialDiffusion[c] }
        poisson.solve(residual, into: &zNew)
        let s = sigma
        // φⁿ⁺¹ = φⁿ + σ(2zⁿ⁺¹ − zⁿ); then z ← zⁿ⁺¹ (zNew keeps a stale buffer for the next solve).
        func dual(_ p: UnsafeMutablePointer<Double>, _ old: UnsafePointer<Double>, _ zo: UnsafePointer<Double>) {
            zNew.withUnsafeBufferPointer { zn in
                for n in 0..<zn.count { p[n] = old[n] + s * (2 * zn[n] - zo[n]) }
            }
        }
        if relaxing {
            swap(&phi, &phiPrevious); swap(&z, &zPrevious)
            phi.withUnsafeMutableBufferPointer { p in
                phiPrevious.withUnsafeBufferPointer { o in
                    zPrevious.withUnsafeBufferPointer { zo in dual(p.baseAddress!, o.baseAddress!, zo.baseAddress!) }
                }
            }
        } else {
            phi.withUnsafeMutableBufferPointer { p in
                z.withUnsafeBufferPointer { zo in dual(p.baseAddress!, p.baseAddress!, zo.baseAddress!) }
            }
        }
        swap(&z, &zNew)
        if check { swap(&gradPhi, &gradPhiPrevious) }
        if check || !relaxing { grid.adjoint(phi, into: &gradPhi) }
    }

    /// u ← prox_{τf}(u − τ Aᵀφ), cell by cell; with `fromPrevious` the input u is read from
    /// `uPrevious` (all of `u` is overwritten).
    ///
    /// The cell (i, j) at level k owns ρᵏ, the end copies of interval k and the start copies of
    /// interval k+1 (kinetic coefficient α_L/4 in `CellCost` terms, i.e. α_L c²/(8ρ) per copy);
    /// the start copies of the first interval belong to the data ρ₀ and are a plain quadratic,
    /// whose prox is the scaling c̄ ρ₀/(ρ₀ + aτ). Each level is one call of `LevelProx` (the
    /// scalar `CellCost.proxDensity` iteration, several cells at a time in vector lanes).
    mutating func proximalStep(fromPrevious: Bool) {
        let level = grid.cellsPerLevel, nt = grid.nt, total = grid.count
        let tau = self.tau, alpha = 0.25 * prep.alpha, prep = self.prep
        let at = alpha * tau
        let tauRho = theta * tau
        let threads = min(proxThreads, nt)
        /// Reads ρ, fluxes at sr, sf and writes them at dr, df (the same arrays when in place).
        func run(_ sr: UnsafePointer<Double>, _ sf: UnsafePointer<Double>,
                 _ dr: UnsafeMutablePointer<Double>, _ df: UnsafeMutablePointer<Double>) {
            gradPhi.rho.withUnsafeBufferPointer { gr in
            gradPhi.flux.withUnsafeBufferPointer { gf in
            (prep.levelLinear.isEmpty ? prep.obstacle : prep.levelLinear).withUnsafeBufferPointer { q in
            lastLinear.withUnsafeBufferPointer { lastQ in
            prep.rho0.withUnsafeBufferPointer { r0 in
                let g0 = gf.baseAddress!
                // Start copies of the first interval, charged at ρ₀ (along x₂ at α₂/4 when the
                // kinetic weight differs per axis).
                let at2 = prep.alpha2.map { 0.25 * $0 * tau } ?? at
                for c in 0..<level {
                    let shrink = r0[c] > 0 ? r0[c] / (r0[c] + at) : 0
                    let shrink2 = r0[c] > 0 ? r0[c] / (r0[c] + at2) : 0
                    for copy in 4..<8 {
                        let m = copy * total + c
                        df[m] = (sf[m] - tau * g0[m]) * ((copy & 2) == 0 ? shrink : shrink2)
                    }
                }
                // Level k writes ρ and the end copies at level k and the start copies at level
                // k + 1, which no other level touches: levels are dealt to the workers in turn
                // (the cost per level varies with where the mass is, so interleaving balances
                // the load).
                let grBase = gr.baseAddress!, lastBase = lastQ.baseAddress!
                // The linear coefficient: one level for all (λ_Q Q), or one per level (`levelLinear`).
                let qAll = q.baseAddress!, perLevel = !prep.levelLinear.isEmpty
                DispatchQueue.concurrentPerform(iterations: threads) { worker in
                    for k in stride(from: worker, to: nt, by: threads) {
                        let last = k == nt - 1
                        let n0 = k * level
                        let qBase = perLevel ? qAll + n0 : qAll
                        if prep.lambdaC > 0 {
                            LevelProx.runCongested(count: level, tau: tau, tauRho: tauRho, alpha: alpha,
                                                   beta: prep.entropy(last: last), gamma: prep.congestion(last: last),
                                                   exponent: prep.exponent, rho: sr + n0, gradRho: grBase + n0,
                                                   linear: last ? lastBase : qBase, rhoOut: dr + n0, flux: sf + n0,
                                                   gradFlux: g0 + n0, fluxOut: df + n0, stride: total, next: level,
                                                   copies: last ? 4 : 8)
                            continue
                        }
                        if let a2 = prep.alpha2 {
                            LevelProx.runAnisotropic(count: level, tau: tau, tauRho: tauRho, alpha: alpha,
                                                     alpha2: 0.25 * a2, beta: prep.entropy(last: last), rho: sr + n0,
                                                     gradRho: grBase + n0, linear: last ? lastBase : qBase,
                                                     rhoOut: dr + n0, flux: sf + n0, gradFlux: g0 + n0,
                                                     fluxOut: df + n0, stride: total, next: level,
                                                     copies: last ? 4 : 8)
                            continue
                        }
                        LevelProx.run(count: level, tau: tau, tauRho: tauRho, alpha: alpha,
                                      beta: prep.entropy(last: last), rho: sr + n0, gradRho: grBase + n0,
                                      linear: last ? lastBase : qBase, rhoOut: dr + n0, flux: sf + n0,
                                      gradFlux: g0 + n0, fluxOut: df + n0, stride: total, next: level,
                                      copies: last ? 4 : 8)
                    }
                }
            } } } } }
        }
        if fromPrevious {
            uPrevious.rho.withUnsafeBufferPointer { sr in
            uPrevious.flux.withUnsafeBufferPointer { sf in
            u.rho.withUnsafeMutableBufferPointer { dr in
            u.flux.withUnsafeMutableBufferPointer { df in
                run(sr.baseAddress!, sf.baseAddress!, dr.baseAddress!, df.baseAddress!)
            } } } }
        } else {
            u.rho.withUnsafeMutableBufferPointer { dr in
            u.flux.withUnsafeMutableBufferPointer { df in
                run(dr.baseAddress!, df.baseAddress!, dr.baseAddress!, df.baseAddress!)
            } }
        }
    }

    /// Over-relaxation: (u, φ) ← (uⁿ, φⁿ) + γ((ũ, φ̃) − (uⁿ, φⁿ)), where (ũ, φ̃) is the plain PDHG
    /// step from (uⁿ, φⁿ). The same combination is applied to z = H⁻¹(Au − b), which is affine
    /// in u, so it stays consistent without another Poisson solve; Aᵀφ is recomputed (cheaper
    /// than keeping and mixing its nine arrays).
    mutating func relax() {
        guard relaxation != 1 else { return }
        let g = relaxation
        func mix(_ x: inout [Double], _ old: [Double]) {
            x.withUnsafeMutableBufferPointer { x in old.withUnsafeBufferPointer { o in
                for n in 0..<x.count { x[n] = o[n] + g * (x[n] - o[n]) }
            } }
        }
        mix(&u.rho, uPrevious.rho); mix(&u.flux, uPrevious.flux)
        mix(&phi, phiPrevious); mix(&z, zPrevious)
        grid.adjoint(phi, into: &gradPhi)
    }

    /// Residuals and costs at the current iterate (uses the arrays kept by the last step).
    func measure() -> (residuals: GridResiduals, costs: GridCostBreakdown) {
        let omega = grid.cellVolume
        var l1 = 0.0, hm1 = 0.0
        // z = H⁻¹(Au − b) of the last step (`step` left it there; `relax` has not run yet).
        residual.withUnsafeBufferPointer { r in
            z.withUnsafeBufferPointer { zn in
                for n in 0..<r.count { l1 += abs(r[n]); hm1 += r[n] * zn[n] }
            }
        }
        // p = (uⁿ − uⁿ⁺¹)/τ − (Aᵀφⁿ − Aᵀφⁿ⁺¹) ∈ ∂f(uⁿ⁺¹) + Aᵀφⁿ⁺¹;  ξ = p − Aᵀφⁿ⁺¹ ∈ ∂f(uⁿ⁺¹).
        var pp = 0.0, xx = 0.0, gg = 0.0
        func accumulate(_ a: [Double], _ a0: [Double], _ g: [Double], _ g0: [Double], _ step: Double) {
            let it = 1 / step
            a.withUnsafeBufferPointer { a in a0.withUnsafeBufferPointer { a0 in
            g.withUnsafeBufferPointer { g in g0.withUnsafeBufferPointer { g0 in
                for n in 0..<a.count {
                    let p = (a0[n] - a[n]) * it - (g0[n] - g[n])
                    let xi = p - g[n]
                    pp += p * p; xx += xi * xi; gg += g[n] * g[n]
                }
            } } } }
        }
        accumulate(u.rho, uPrevious.rho, gradPhi.rho, gradPhiPrevious.rho, theta * lastTau)
        accumulate(u.flux, uPrevious.flux, gradPhi.flux, gradPhiPrevious.flux, lastTau)
        let scale = max(xx, gg).squareRoot()
        let optimality = scale > 0 ? pp.squareRoot() / scale : pp.squareRoot()
        let res = GridResiduals(constraint: l1 * omega, optimality: optimality,
                                constraintHminus1: (max(hm1, 0) * omega).squareRoot())
        return (res, prep.costs(u))
    }

    /// Residual balancing: grow τ when the optimality residual dominates, shrink it when the
    /// constraint residual does (τσ fixed). (Balancing instead the two halves of the method's
    /// own fixed-point residual, √τ‖p‖ against √σ‖Au − b‖_{H⁻¹}, was tried: it settles at a
    /// large τ where J converges fast but the L¹ constraint residual stalls; see
    /// docs/reference-solver.md.)
    mutating func balanceSteps(_ r: GridResiduals) {
        let ratio = 2.0
        let p = r.optimality, d = r.constraint
        if p > ratio * d {
            tau /= (1 - adapt); adapt *= adaptDecay
        } else if d > ratio * p {
            tau *= (1 - adapt); adapt *= adaptDecay
        } else { return }
        sigma = product / tau
    }

    /// Packs the current iterate as a `GridSolution`.
    func solution(iterations: Int, measured: (residuals: GridResiduals, costs: GridCostBreakdown),
                  converged: Bool) -> GridSolution {
        let level = grid.cellsPerLevel, count = grid.count
        var density = [Double](repeating: 0, count: count + level)
        for c in 0..<level { density[c] = prep.rho0[c] }
        for n in 0..<count { density[level + n] = u.rho[n] }
        var m1 = [Double](repeating: 0, count: count), m2 = m1, potential = m1
        u.flux.withUnsafeBufferPointer { f in
            for n in 0..<count {
                func c(_ copy: FluxCopy) -> Double { f[copy.rawValue * count + n] }
                m1[n] = 0.25 * (c(.endRight) + c(.endLeft) + c(.startRight) + c(.startLeft))
                m2[n] = 0.25 * (c(.endUp) + c(.endDown) + c(.startUp) + c(.startDown))
                potential[n] = -phi[n]
            }
        }
        return GridSolution(geometry: grid, density: density, momentum1: m1, momentum2: m2,
                            potential: potential, primal: u, costs: measured.costs,
                            iterations: iterations, residuals: measured.residuals,
                            converged: converged, primalStep: tau, dualStep: sigma)
    }
}
