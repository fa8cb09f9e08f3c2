import MFGMath
import MFGProblem

/// The sample-based MFG objective and its exact gradient: integrates the characteristics
/// ż = −∇ₓΦ(z, t)/α_L and the log-determinant ℓ̇ = −ΔₓΦ(z, t)/α_L from samples x₀ ~ ρ₀
/// (so log ρ(z(t), t) = log ρ₀(x₀) − ℓ(t)), accumulates the running costs and the HJB residual
/// with the scheme's own weights, adds the terminal cost and terminal mismatch, and
/// differentiates the discrete result (discrete adjoint: reverse mode through every
/// Runge–Kutta stage, replaying each step from its stored state).
///
/// Running integrand at a stage (z, ℓ, t), with ∇Φ, ∂ₜΦ, ΔΦ from the network and log ρ =
/// log ρ₀(x₀) − ℓ, for the running terms k (`CostModel.running`, each a `LocalCost` with weight λₖ,
/// integrand fₖ and variational derivative vₖ = δFₖ/δρ / λₖ):
///   kinetic  |∇ₓΦ|²/(2α_L)
///   term k   λₖ fₖ(z, log ρ)              (e.g. obstacle f = Q(z), entropy f = log ρ)
///   HJB      |−∂ₜΦ + |∇ₓΦ|²/(2α_L) − Σₖ λₖ vₖ(z, log ρ)|
/// Terminal (z_T, log ρ_T), terms j (`CostModel.terminal`): G = Σⱼ λⱼ gⱼ, δG/δρ = Σⱼ λⱼ vⱼ (e.g. KL:
/// g = log ρ − log ρ₁, v = g + 1; preference: g = v = g(z)); mismatch |Φ(z_T, T) − δG/δρ|.
/// All terms are averages over the samples. The reverse pass needs of a term only its partials
/// in z and log ρ: the forward pass keeps, per stage, A = Σₖ λₖ∇fₖ, D = Σₖ λₖ(∇vₖ − ∇fₖ) (only
/// when some term's two gradients differ) and the sums of λₖ∂fₖ/∂ℓ and λₖ∂vₖ/∂ℓ, and the reverse
/// pass combines them with the residual's sign s into (1 − βs)A − βsD and Σλ∂f/∂ℓ − βsΣλ∂v/∂ℓ.
///
/// With noise (`costs.sigma` = σ > 0) the paths follow dz = −∇ₓΦ/α_L dt + σ dW by Euler–Maruyama
/// (`BrownianIncrements`: z_{k+1} = z_k − h∇ₓΦ(z_k, t_k)/α_L + σ√h ξ_k, the increments keyed by
/// `noiseKey` and the sample's index), the HJB residual becomes
/// −∂ₜΦ − (σ²/2)ΔΦ + |∇ₓΦ|²/(2α_L) − Σₖ λₖvₖ (so its reverse pass adds −(σ²/2)β s to Δ̄), and the
/// adjoint of a step is the deterministic one (the increments are fixed data, added to the
/// state). ℓ is still integrated but is no longer log ρ₀ − log ρ along a path: terms that need log ρ
/// are refused with σ > 0 (`ProblemReader.checkNoise`). With σ = 0 nothing of this runs: the
/// numbers are bit for bit those of the deterministic objective.
public final class CharacteristicsObjective<T: Scalar> {
    /// The costs, with the penalty weights in force (the trainer changes `hjbWeight` and
    /// `terminalHJBWeight` between evaluations when the problem has a penalty schedule).
    public var costs: CostModel<T>
    public let stepper: TimeStepper
    public let steps: Int
    public let shape: NetworkShape
    public let partition: (blockSize: Int, threads: Int)
    private var scratch: [TrajectoryScratch<T>] = []
    /// How the costs use the network's trace, refreshed from `costs` at every evaluation.
    private var plan = TracePlan<T>()

    public init(costs: CostModel<T>, stepper: TimeStepper, steps: Int, shape: NetworkShape,
                blockSize: Int = 128, threads: Int = 1) throws(NetworkError) {
        guard costs.dimension == shape.dimension else {
            throw .batchMismatch(expected: "a network of dimension \(costs.dimension)", got: "dimension \(shape.dimension)")
        }
        guard steps >= 1 else { throw .invalidShape("the integrator needs at least one time step, got \(steps)") }
        guard costs.sigma >= 0, costs.sigma.isFinite else { throw .invalidShape("sigma must be finite and ≥ 0, got \(costs.sigma)") }
        let plan = try TracePlan<T>(costs)
        guard !plan.noisy || stepper == .euler else {
            throw .invalidShape("sigma > 0 integrates the paths by Euler–Maruyama; the scheme \(stepper.name) has no noisy form here")
        }
        self.costs = costs; self.stepper = stepper; self.steps = steps; self.shape = shape
        self.partition = (max(1, blockSize), max(1, threads))
        self.plan = plan
    }

    /// The default block size for `shape`: the largest of 128, 64, 32 samples whose network
    /// workspace (what one stage evaluation reads and writes, dominated by the per-sample
    /// Jacobians, m·min(d, m) values per sample and layer) fits in 256 KiB, else 32; so one
    /// stage's data stays well inside the 1.25 MiB L2 next to the other streams. Width 16:
    /// 64 for Float d = 2, 32 for Double d = 2 and for d ≥ 10. Measured (2 threads, n = 8464,
    /// CPU s/it, 128 → chosen): Double d = 2 0.195 → 0.174, d = 10 0.407 → 0.362; Float d = 10
    /// 0.214 → 0.203; d = 100 unchanged (0.468/0.845 → 0.464/0.843); Float d = 2 0.098 → 0.099
    /// (32 there was 8 % slower). The result depends on the block size only through the order of
    /// floating-point sums, and is reproducible for a given block size.
    ///
    /// With a full quadratic part, 128: its gemms multiply d × d matrices that OpenBLAS packs
    /// anew in every call, so larger blocks amortize that (measured d = 100, n = 8464, Float64,
    /// 1 thread, CPU s/it: 2.04 → 1.67…1.93 with 64 → 1.71…1.78 with 128; the network without the
    /// part: 1.12…1.22, 1.04…1.14, 1.04…1.10).
    ///
    /// With the spline form, 128: its tables (d rows of q + 17, seven of them) are per workspace,
    /// not per sample, and its reverse pass expands the tables' adjoints into θ̄ once per block
    /// (2d(q + 5)(p + 1) multiply-adds), so larger blocks amortize it (measured d = 100,
    /// n = 8464, diagonal p = 4 + spline q = 48, Float64, 2 threads: 0.861 s/it with 32, 0.694
    /// with 128).
    public static func suggestedBlockSize(_ shape: NetworkShape) -> Int {
        if shape.quadratic == .full || shape.hasSplineSeparable { return 128 }
        for nb in [128, 64, 32] where PotentialWorkspace<T>.byteCount(shape: shape, capacity: nb) <= 256 * 1024 {
            return nb
        }
        return 32
    }

    private func scratchFor(workers: Int) throws(NetworkError) -> [TrajectoryScratch<T>] {
        plan = try TracePlan(costs)
        defer { for sc in scratch { for ws in sc.stageWorkspaces { try? ws.setTraceWeights(plan.weights) } } }
        if let first = scratch.first,
           first.sumRunning.count != costs.running.count + costs.nonlocal.count
            || first.stateOffset.isEmpty == needsStateOffset { scratch = [] }
        while scratch.count < workers {
            scratch.append(try TrajectoryScratch<T>(shape: shape, capacity: partition.blockSize,
                                                    steps: steps, stages: stepper.stages,
                                                    runningTerms: costs.running.count + costs.nonlocal.count,
                                                    stateOffsets: needsStateOffset))
        }
        return scratch
    }

    /// The objective terms at samples x₀ (d × n) with log ρ₀(x₀) (n); with `gradient`, also
    /// ∂J/∂θ (laid out like θ), summed over blocks in a fixed order (deterministic). With σ > 0
    /// the paths' Brownian increments are those of `noiseKey` (a fixed key: a deterministic
    /// function of θ, which its gradient is the exact derivative of).
    ///
    /// Importance weights: with `weights` (n values wᵢ = ρ₀(xᵢ)/q(xᵢ) for x₀ drawn from a proposal
    /// q, `Density.defensiveProposal`) every average over samples becomes (1/n)Σᵢ wᵢ(·)ᵢ, the
    /// exact (not self-normalised) importance estimate of the ρ₀-average: unbiased because
    /// E_q[w] = 1, and per sample, so blocks stay independent and the discrete adjoint is the same
    /// with the seed of sample i scaled by wᵢ. `logRho0` stays log ρ₀(x₀): the paths carry ρ₀
    /// pushed forward, whatever q drew their starts. With `weightPenalties` false the HJB and
    /// terminal-mismatch penalties keep the plain weight 1/n (the residual is then penalised in
    /// q's measure, more where ρ₀ is thin); the reverse pass then seeds the costs' and the
    /// penalties' partials with their own weights. Without `weights` the numbers are bit for bit
    /// those of the unweighted objective.
    ///
    /// Specialized for Float and Double: unspecialized, every arithmetic operation of the
    /// kernels below would go through the generic witness tables (measured 50–100× slower).
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func evaluate(_ network: PotentialNetwork<T>, x0: [T], logRho0: [T], noiseKey: UInt64 = 0,
                         weights: [Double]? = nil, weightPenalties: Bool = true, gradient: Bool)
        throws(NetworkError) -> (terms: ObjectiveTerms, gradient: [T]?) {
        let d = shape.dimension
        guard network.shape == shape else {
            throw .batchMismatch(expected: "a network of shape \(shape)", got: "\(network.shape)")
        }
        let n = logRho0.count
        guard n >= 1 else { throw .emptyBatch }
        guard x0.count == d * n else {
            throw .batchMismatch(expected: "\(d)×\(n) initial points", got: "\(x0.count) values")
        }
        if let weights {
            guard weights.count == n else { throw .batchMismatch(expected: "\(n) importance weights", got: "\(weights.count)") }
            if let i = weights.firstIndex(where: { !($0.isFinite && $0 >= 0) }) {
                throw .invalidWeight(index: i, value: weights[i])
            }
        }
        let part = BlockPartition(count: n, blockSize: partition.blockSize, threads: partition.threads)
        let scratch = try scratchFor(workers: part.workers)
        let coupled = nonlocalFields(network, part, scratch, x0: x0, logRho0: logRho0, noiseKey: noiseKey,
                                     weights: weights, weightPenalties: weightPenalties, gradient: gradient)
        // Blocks are claimed dynamically by the workers; each block's terms and gradient are
        // kept apart and summed in block order, so the result depends only on n and the block
        // size, never on timing or the thread count. (The per-block gradients hold one θ-sized
        // vector per block, a fraction of the space of the block's own samples.)
        let blocks = part.blockCount, p = network.layout.count
        var termsPerBlock = [ObjectiveTerms](repeating: ObjectiveTerms(), count: blocks)
        var grads = [T](repeating: 0, count: gradient ? blocks * p : 0)
        let weight = 1 / Double(n)
        let importance = weights ?? []
        x0.withUnsafeBufferPointer { xp in
            logRho0.withUnsafeBufferPointer { lp in
                importance.withUnsafeBufferPointer { ip in
                termsPerBlock.withUnsafeMutableBufferPointer { tp in
                    grads.withUnsafeMutableBufferPointer { gp in
                        let tBox = UncheckedSendable(tp.baseAddress!), gBox = UncheckedSendable(gp.baseAddress)
                        part.runDynamic { w, b, range in
                            let sc = scratch[w]
                            let iw = weights == nil ? nil : SampleWeights(values: ip.baseAddress! + range.lowerBound,
                                                                          penalties: weightPenalties)
                            tBox.value[b] = forwardBlock(network, sc, xp.baseAddress! + range.lowerBound * d,
                                                         lp.baseAddress! + range.lowerBound, range.count, weight,
                                                         first: range.lowerBound, noiseKey: noiseKey, importance: iw,
                                                         nonlocal: coupled)
                            if gradient {
                                backwardBlock(network, sc, weight, gBox.value! + b * p, importance: iw,
                                              nonlocal: coupled, first: range.lowerBound)
                            }
                        }
                    }
                }
                }
            }
        }
        var total = ObjectiveTerms()
        for t in termsPerBlock { total = total + t }
        guard gradient else { return (total, nil) }
        var g = [T](repeating: 0, count: p)
        for b in 0..<blocks { for i in 0..<p { g[i] += grads[b * p + i] } }
        return (total, g)
    }

    /// The characteristics z(tₙ) (d × n per step, n = 0…steps) and ℓ(tₙ) from x₀.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func paths(_ network: PotentialNetwork<T>, x0: [T], logRho0: [T], noiseKey: UInt64 = 0)
        throws(NetworkError) -> (z: [[T]], ell: [[T]]) {
        let d = shape.dimension, n = logRho0.count
        guard n >= 1 else { throw .emptyBatch }
        guard x0.count == d * n else {
            throw .batchMismatch(expected: "\(d)×\(n) initial points", got: "\(x0.count) values")
        }
        let part = BlockPartition(count: n, blockSize: partition.blockSize, threads: 1)
        let sc = try scratchFor(workers: 1)[0]
        var z = [[T]](repeating: [T](repeating: 0, count: d * n), count: steps + 1)
        var ell = [[T]](repeating: [T](repeating: 0, count: n), count: steps + 1)
        x0.withUnsafeBufferPointer { xp in
            logRho0.withUnsafeBufferPointer { lp in
                part.run { _, range in
                    _ = forwardBlock(network, sc, xp.baseAddress! + range.lowerBound * d,
                                     lp.baseAddress! + range.lowerBound, range.count, 1,
                                     first: range.lowerBound, noiseKey: noiseKey)
                    for k in 0...steps {
                        z[k].withUnsafeMutableBufferPointer {
                            ($0.baseAddress! + range.lowerBound * d).update(from: sc.z[k], count: range.count * d)
                        }
                        ell[k].withUnsafeMutableBufferPointer {
                            ($0.baseAddress! + range.lowerBound).update(from: sc.ell[k], count: range.count)
                        }
                    }
                }
            }
        }
        return (z, ell)
    }

    /// One integration, everything per sample: each sample's own kinetic cost ∫|∇ₓΦ|²/(2α_L) dt,
    /// running interaction cost ∫Σₖλₖfₖ dt (both by the scheme's quadrature) and
    /// terminal cost G, unaveraged, and its end point z_T (d × n); with the averaged `terms`,
    /// summed per block in block order exactly as `evaluate` sums them (so they are equal to
    /// `evaluate`'s without gradient, bit for bit). For standard errors and paired comparisons
    /// (`PairedEstimate`).
    ///
    /// `interactionInfluence` is each sample's first-order share of the running cost's
    /// fluctuation, for its standard error: the local terms' ∫λf dt as in `interaction`, and for a
    /// sample-coupled term ∫λvᵢ dt (vᵢ ≈ δF/δρ(xᵢ), `NonlocalCost`) in place of ∫λfᵢ dt. Such a
    /// term's estimate is a U-statistic over the paths, F̂ = (λ/2)/(n(n−1)) Σᵢ Σⱼ≠ᵢ H(i, j) with
    /// H(i, j) = ∫K(zᵢ(t) − zⱼ(t)) dt; its fᵢ are not independent (each pair enters two of them),
    /// and its first-order (Hoeffding) fluctuation is F̂ − F ≈ (1/n) Σᵢ λ(h₁(i) − E h₁),
    /// h₁(i) = E_j H(i, j), i.e. twice what fᵢ = ½Vᵢ alone would suggest. vᵢ = Vᵢ estimates h₁ at
    /// sample i, so sd(influence)/√n is the first-order standard error, Var F̂ ≈ 4σ₁²(λ/2)²/n,
    /// σ₁² = Var h₁ (for a sample-free term vᵢ is not computed, and the two arrays are equal).
    /// Its mean is not F (it counts the interaction twice): use it for spreads only.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func sampleCosts(_ network: PotentialNetwork<T>, x0: [T], logRho0: [T], noiseKey: UInt64 = 0) throws(NetworkError)
        -> (terms: ObjectiveTerms, kinetic: [Double], interaction: [Double], terminal: [Double], terminalMismatch: [Double],
            terminalPoints: [T], interactionInfluence: [Double]) {
        let d = shape.dimension, n = logRho0.count
        guard n >= 1 else { throw .emptyBatch }
        guard x0.count == d * n else {
            throw .batchMismatch(expected: "\(d)×\(n) initial points", got: "\(x0.count) values")
        }
        let part = BlockPartition(count: n, blockSize: partition.blockSize, threads: partition.threads)
        let scratch = try scratchFor(workers: part.workers)
        var termsPerBlock = [ObjectiveTerms](repeating: ObjectiveTerms(), count: part.blockCount)
        var perSample = [Double](repeating: 0, count: 4 * n)      // kinetic | interaction | terminal | mismatch
        var zT = [T](repeating: 0, count: d * n)
        let lambdas = costs.running.map(\.weight) + costs.nonlocal.map(\.weight), weight = 1 / Double(n)
        let coupled = nonlocalFields(network, part, scratch, x0: x0, logRho0: logRho0, noiseKey: noiseKey,
                                     weights: nil, weightPenalties: true, gradient: false)
        x0.withUnsafeBufferPointer { xp in
            logRho0.withUnsafeBufferPointer { lp in
                termsPerBlock.withUnsafeMutableBufferPointer { tb in
                    perSample.withUnsafeMutableBufferPointer { ps in
                        zT.withUnsafeMutableBufferPointer { zp in
                            // Each block writes only its own entries of the outputs.
                            let out = UncheckedSendable((tb.baseAddress!, ps.baseAddress!, zp.baseAddress!))
                            part.runDynamic { w, b, range in
                                let sc = scratch[w], lo = range.lowerBound, nb = range.count
                                out.value.0[b] = forwardBlock(network, sc, xp.baseAddress! + lo * d,
                                                              lp.baseAddress! + lo, nb, weight,
                                                              first: lo, noiseKey: noiseKey, nonlocal: coupled)
                                (out.value.1 + lo).update(from: sc.sumKinetic, count: nb)
                                (out.value.1 + 2 * n + lo).update(from: sc.terminalCost, count: nb)
                                (out.value.1 + 3 * n + lo).update(from: sc.terminalMismatch, count: nb)
                                for col in 0..<nb {
                                    var f = 0.0
                                    for (k, lambda) in lambdas.enumerated() { f += lambda * sc.sumRunning[k][col] }
                                    out.value.1[n + lo + col] = f
                                }
                                (out.value.2 + lo * d).update(from: sc.z[steps], count: nb * d)
                            }
                        }
                    }
                }
            }
        }
        var total = ObjectiveTerms()
        for t in termsPerBlock { total = total + t }
        let interaction = Array(perSample[n..<(2 * n)])
        return (total, Array(perSample[0..<n]), interaction, Array(perSample[(2 * n)..<(3 * n)]),
                Array(perSample[(3 * n)...]), zT, influence(interaction, coupled))
    }

    /// `interaction` with each sample-coupled term's ∫λfᵢ dt replaced by ∫λvᵢ dt (the first-order
    /// influence of sample i on the term's U-statistic; see `sampleCosts`), by the same quadrature
    /// as the running sums: node (step s, stage i) weighs h·bᵢ.
    private func influence(_ interaction: [Double], _ fields: NonlocalFields<T>?) -> [Double] {
        guard let fields else { return interaction }
        var out = interaction
        let n = fields.n, h = costs.horizon / Double(steps)
        for (k, term) in costs.nonlocal.enumerated() {
            var extra = [Double](repeating: 0, count: n)
            for s in 0..<steps {
                for i in 0..<stepper.stages {
                    let slot = s * stepper.stages + i, wgt = h * stepper.b[i]
                    let f = fields.f(k, slot), v = fields.v(k, slot)
                    for col in 0..<n { extra[col] += wgt * (Double(v[col]) - Double(f[col])) }
                }
            }
            for col in 0..<n { out[col] += term.weight * extra[col] }
        }
        return out
    }

    // MARK: - The sample-coupled terms, over the whole batch

    /// The nonlocal terms' fields for this evaluation (nil without such terms; `NonlocalFields`):
    /// phase 1 integrates every block once, recording each quadrature node's points and local
    /// residual (the paths do not depend on F); phase 2 evaluates each term at each node over all
    /// n samples, forms the residual signs and, with `gradient`, the terms' pullback with the
    /// cost seeds aᵢ = λwᵢ/n and the penalty seeds bᵢ = −β_HJB λ wᵖᵢ sᵢ/n (wᵢ the importance
    /// weights or 1; wᵖᵢ = wᵢ, or 1 with unweighted penalties). The node's quadrature weight h bᵢ is
    /// applied by the per-block passes. Nodes are processed in order and each term sums in a fixed
    /// order, so the fields do not depend on the thread count or the block size (the per-block
    /// passes still sum their blocks in block order).
    private func nonlocalFields(_ network: PotentialNetwork<T>, _ part: BlockPartition, _ scratch: [TrajectoryScratch<T>],
                                x0: [T], logRho0: [T], noiseKey: UInt64, weights: [Double]?, weightPenalties: Bool,
                                gradient: Bool) -> NonlocalFields<T>? {
        guard !costs.nonlocal.isEmpty else { return nil }
        let d = shape.dimension, n = logRho0.count, slots = steps * stepper.stages
        let fields = NonlocalFields<T>(n: n, d: d, slots: slots, terms: costs.nonlocal.count, gradient: gradient)
        x0.withUnsafeBufferPointer { xp in
            logRho0.withUnsafeBufferPointer { lp in
                part.runDynamic { w, _, range in
                    _ = forwardBlock(network, scratch[w], xp.baseAddress! + range.lowerBound * d,
                                     lp.baseAddress! + range.lowerBound, range.count, 1,
                                     first: range.lowerBound, noiseKey: noiseKey, nonlocal: fields)
                }
            }
        }
        fields.recording = false
        var points = [Double](repeating: 0, count: d * n), bar = [Double](repeating: 0, count: d * n)
        var f = [Double](repeating: 0, count: n), v = f, a = f, b = f
        var r = [T](repeating: 0, count: n)
        let invN = 1 / Double(n), betaH = costs.hjbWeight, threads = partition.threads
        let wCost = weights ?? [Double](repeating: 1, count: n)
        let wPen = (weights != nil && weightPenalties) ? wCost : [Double](repeating: 1, count: n)
        weights.withOptionalBuffer { wp in
            for slot in 0..<slots {
                let z = fields.z(slot)
                for idx in 0..<(d * n) { points[idx] = Double(z[idx]) }
                r.withUnsafeMutableBufferPointer { $0.baseAddress!.update(from: fields.residual(slot), count: n) }
                points.withUnsafeBufferPointer { pp in
                    let input = NonlocalCostInput(points: pp.baseAddress!, weights: wp, dimension: d, count: n)
                    for (k, term) in costs.nonlocal.enumerated() {
                        f.withUnsafeMutableBufferPointer { fp in
                            v.withUnsafeMutableBufferPointer { vp in
                                term.evaluate(input, value: fp.baseAddress!, derivative: vp.baseAddress!, threads: threads)
                            }
                        }
                        let fk = fields.f(k, slot), vk = fields.v(k, slot), lambda = T(term.weight)
                        for i in 0..<n { fk[i] = T(f[i]); vk[i] = T(v[i]); r[i] -= lambda * vk[i] }
                    }
                    guard gradient, let out = fields.bar(slot) else { return }
                    for idx in 0..<(d * n) { bar[idx] = 0 }
                    for term in costs.nonlocal {
                        let lambda = term.weight
                        for i in 0..<n {
                            let s: Double = r[i] > 0 ? 1 : (r[i] < 0 ? -1 : 0)
                            a[i] = lambda * wCost[i] * invN
                            b[i] = -betaH * lambda * wPen[i] * s * invN
                        }
                        bar.withUnsafeMutableBufferPointer { bp in
                            term.pullback(input, valueSeed: a, derivativeSeed: b, pointsBar: bp.baseAddress!, threads: threads)
                        }
                    }
                    for idx in 0..<(d * n) { out[idx] = T(bar[idx]) }
                }
            }
        }
        return fields
    }

    // MARK: - One block, forward

    /// Fills the network input with (z, t).
    @inline(__always)
    private func setInput(_ sc: TrajectoryScratch<T>, _ z: UnsafePointer<T>, _ t: T, _ nb: Int) {
        let d = shape.dimension, dd = d + 1
        for col in 0..<nb {
            (sc.input + col * dd).update(from: z + col * d, count: d)
            sc.input[col * dd + d] = t
        }
    }

    /// Evaluates one cost term at nb samples (z, log ρ) into the scratch's term buffers.
    @inline(__always)
    private func evaluateTerm(_ term: any LocalCost, _ sc: TrajectoryScratch<T>, _ z: UnsafePointer<T>,
                              _ logRho: UnsafePointer<T>, _ nb: Int) {
        term.evaluate(generic: LocalCostInput(points: z, logDensity: logRho, dimension: shape.dimension, count: nb),
                      LocalCostOutput(value: sc.termValue, derivative: sc.termDerivative,
                                      valueGradient: sc.termValueGradient, derivativeGradient: sc.termDerivativeGradient,
                                      valueSlope: sc.termValueSlope, derivativeSlope: sc.termDerivativeSlope))
    }

    /// Whether some term of `terms` depends on the state.
    private static func anyStateDependence(_ terms: [any LocalCost]) -> Bool { terms.contains { $0.dependsOnState } }
    /// Whether some term's ∇ₓ(δC/δρ) differs from its ∇ₓf (then the scratch keeps `stateOffset`).
    private var needsStateOffset: Bool {
        (costs.running + costs.terminal).contains { $0.dependsOnState && !$0.stateGradientsAgree }
    }

    /// Clears the slot's sums of the terms' partials that are added to (the state sum is
    /// assigned by the first state-dependent term, see `addTermPartials`).
    @inline(__always)
    private func clearTermPartials(_ sc: TrajectoryScratch<T>, slot: Int, nb: Int) {
        if !sc.stateOffset.isEmpty { sc.stateOffset[slot].update(repeating: 0, count: shape.dimension * nb) }
        sc.densityValueAdjoint[slot].update(repeating: 0, count: nb)
        sc.densityDerivativeAdjoint[slot].update(repeating: 0, count: nb)
    }

    /// Adds λ × the partials of the term just evaluated (in the term buffers) to the slot's sums:
    /// A = Σλ∇f (assigned when `firstStateTerm`), D = Σλ(∇v − ∇f) for terms whose gradients
    /// differ, and the two density slopes.
    @inline(__always)
    private func addTermPartials(_ term: any LocalCost, _ sc: TrajectoryScratch<T>, slot: Int, nb: Int,
                                 firstStateTerm: Bool) {
        let lambda = T(term.weight)
        if term.dependsOnState {
            let dn = shape.dimension * nb
            let a = sc.stateAdjoint[slot], gf = sc.termValueGradient
            if firstStateTerm {
                for idx in 0..<dn { a[idx] = lambda * gf[idx] }
            } else {
                for idx in 0..<dn { a[idx] += lambda * gf[idx] }
            }
            if !term.stateGradientsAgree {
                let off = sc.stateOffset[slot], gv = sc.termDerivativeGradient
                for idx in 0..<dn { off[idx] += lambda * (gv[idx] - gf[idx]) }
            }
        }
        if term.dependsOnDensity {
            let af = sc.densityValueAdjoint[slot], av = sc.densityDerivativeAdjoint[slot]
            let sf = sc.termValueSlope, sv = sc.termDerivativeSlope
            for col in 0..<nb { af[col] += lambda * sf[col]; av[col] += lambda * sv[col] }
        }
    }

    /// Evaluates every term of `terms` at (z, log ρ) in the scratch's `stageLogRho`, keeps their
    /// weighted partials in `slot`, and calls `use(k, λₖ)` after term k's evaluation (its f and
    /// v in the term buffers).
    @inline(__always)
    private func evaluateTerms(_ terms: [any LocalCost], _ sc: TrajectoryScratch<T>, _ z: UnsafePointer<T>,
                               slot: Int, nb: Int, _ use: (Int, Double) -> Void) {
        clearTermPartials(sc, slot: slot, nb: nb)
        var firstStateTerm = true
        for (k, term) in terms.enumerated() {
            evaluateTerm(term, sc, z, sc.stageLogRho, nb)
            use(k, term.weight)
            addTermPartials(term, sc, slot: slot, nb: nb, firstStateTerm: firstStateTerm)
            if term.dependsOnState { firstStateTerm = false }
        }
    }

    /// Evaluates stage i of step n at (zᵢ, ℓᵢ): network values, slopes Kᵢ, every running term,
    /// and the running integrands; adds h·bᵢ·weight × integrands to the per-sample sums when
    /// `accumulate`; keeps the residual's sign and the terms' weighted partials for the reverse pass.
    @inline(__always)
    private func evaluateStage(_ network: PotentialNetwork<T>, _ sc: TrajectoryScratch<T>, stage i: Int,
                               slot: Int, time t: Double, nb: Int, accumulate: Bool,
                               nonlocal: NonlocalFields<T>? = nil, first: Int = 0) {
        let d = shape.dimension, dd = d + 1
        let alpha = plan.alphaL
        let ws = sc.stageWorkspaces[slot]
        setInput(sc, sc.stageZ[i], T(t), nb)
        try! network.forward(sc.input, count: nb, workspace: ws, value: false)   // stages use ∇Φ, ΔΦ only
        let h = costs.horizon / Double(steps)
        let wgt = h * stepper.b[i]
        let kz = sc.slopeZ[i], kl = sc.slopeEll[i], residual = sc.stageResidualSign[slot]
        let halfSigma2 = plan.residualScale   // the viscous term (σ²/2)ΔΦ (or Σᵢ(σᵢ²/2)∂ᵢᵢΦ) of the residual
        let alphas = plan.alphas, ellDivisor = plan.ellDivisor
        for col in 0..<nb {
            let g = ws.gradient + col * dd
            var g2: T = 0
            let kinetic: T
            if let alphas {
                // Anisotropic: vⱼ = −∂ⱼΦ/αⱼ, H = Σⱼ(∂ⱼΦ)²/(2αⱼ); ws.laplacian is Σⱼ∂ⱼⱼΦ/αⱼ (σ = 0).
                for j in 0..<d { let v = g[j], a = alphas[j]; g2 += v * v / a; kz[col * d + j] = -v / a }
                kinetic = g2 / 2
            } else {
                for j in 0..<d { let v = g[j]; g2 += v * v; kz[col * d + j] = -v / alpha }
                kinetic = g2 / (2 * alpha)
            }
            kl[col] = ellDivisor.map { -ws.laplacian[col] / $0 } ?? 0
            sc.stageLogRho[col] = sc.logRho0[col] - sc.stageEll[i][col]
            residual[col] = -g[d] + kinetic
            if halfSigma2 != 0 { residual[col] -= halfSigma2 * ws.laplacian[col] }
            if accumulate { sc.sumKinetic[col] += wgt * Double(kinetic) }
        }
        // r = −∂ₜΦ + H − Σₖ λₖvₖ, built in the sign buffer and turned into sign(r) below.
        evaluateTerms(costs.running, sc, sc.stageZ[i], slot: slot, nb: nb) { k, weight in
            let lambda = T(weight)
            for col in 0..<nb { residual[col] -= lambda * sc.termDerivative[col] }
            if accumulate {
                let sum = sc.sumRunning[k]
                for col in 0..<nb { sum[col] += wgt * Double(sc.termValue[col]) }
            }
        }
        if let nonlocal {
            if nonlocal.recording {
                // Phase 1: keep the node's points and the residual without the nonlocal terms.
                (nonlocal.z(slot) + first * d).update(from: sc.stageZ[i], count: d * nb)
                (nonlocal.residual(slot) + first).update(from: residual, count: nb)
            } else {
                // After the global phase: r −= Σₖλₖvₖ (the same operations, in the same order, as
                // the global phase's sign), and the running sums gain h bᵢ fₖ.
                let local = costs.running.count
                for k in 0..<costs.nonlocal.count {
                    let lambda = T(costs.nonlocal[k].weight)
                    let v = nonlocal.v(k, slot) + first, f = nonlocal.f(k, slot) + first
                    for col in 0..<nb { residual[col] -= lambda * v[col] }
                    if accumulate {
                        let sum = sc.sumRunning[local + k]
                        for col in 0..<nb { sum[col] += wgt * Double(f[col]) }
                    }
                }
            }
        }
        for col in 0..<nb {
            let r = residual[col]
            if accumulate { sc.sumHJB[col] += wgt * Double(abs(r)) }
            residual[col] = r > 0 ? 1 : (r < 0 ? -1 : 0)
        }
    }

    /// Runs all stages of step n from (zₙ, ℓₙ) and writes (zₙ₊₁, ℓₙ₊₁); with σ > 0 (Euler only)
    /// adds the Brownian increment σ√h ξₙ drawn from the samples' `generators` to zₙ₊₁.
    private func step(_ network: PotentialNetwork<T>, _ sc: TrajectoryScratch<T>, _ n: Int, _ nb: Int,
                      accumulate: Bool, generators: inout [RandomSource], nonlocal: NonlocalFields<T>? = nil, first: Int = 0) {
        let d = shape.dimension
        let h = costs.horizon / Double(steps)
        let tn = Double(n) * h
        let dn = d * nb
        for i in 0..<stepper.stages {
            let zi = sc.stageZ[i], li = sc.stageEll[i]
            if i == 0 {
                zi.update(from: sc.z[n], count: dn); li.update(from: sc.ell[n], count: nb)
            } else {
                let ha = T(h * stepper.a[i])
                let kz = sc.slopeZ[i - 1], kl = sc.slopeEll[i - 1], zn = sc.z[n], ln = sc.ell[n]
                for idx in 0..<dn { zi[idx] = zn[idx] + ha * kz[idx] }
                for col in 0..<nb { li[col] = ln[col] + ha * kl[col] }
            }
            evaluateStage(network, sc, stage: i, slot: n * stepper.stages + i, time: tn + stepper.c[i] * h,
                          nb: nb, accumulate: accumulate, nonlocal: nonlocal, first: first)
        }
        let zNext = sc.z[n + 1], lNext = sc.ell[n + 1]
        zNext.update(from: sc.z[n], count: dn); lNext.update(from: sc.ell[n], count: nb)
        for i in 0..<stepper.stages {
            let hb = T(h * stepper.b[i])
            let kz = sc.slopeZ[i], kl = sc.slopeEll[i]
            for idx in 0..<dn { zNext[idx] += hb * kz[idx] }
            for col in 0..<nb { lNext[col] += hb * kl[col] }
        }
        if plan.noisy {
            BrownianIncrements.draw(&generators, dimension: d, into: sc.noise)
            if let sigmas = plan.sigmas {
                let root = h.squareRoot()
                BrownianIncrements.addNoise(zNext, sc.noise, scales: sigmas.map { T($0 * root) }, count: dn)
            } else {
                BrownianIncrements.addNoise(zNext, sc.noise, scale: T(costs.sigma * h.squareRoot()), count: dn)
            }
        }
    }

    /// Integrates one block from x₀ and returns its contribution (× weight) to the objective;
    /// `first` is the index of the block's first sample in the batch (it keys the samples'
    /// Brownian increments with `noiseKey` when σ > 0).
    private func forwardBlock(_ network: PotentialNetwork<T>, _ sc: TrajectoryScratch<T>,
                              _ x0: UnsafePointer<T>, _ logRho0: UnsafePointer<T>, _ nb: Int,
                              _ weight: Double, first: Int, noiseKey: UInt64,
                              importance: SampleWeights? = nil, nonlocal: NonlocalFields<T>? = nil) -> ObjectiveTerms {
        let d = shape.dimension
        sc.count = nb
        sc.z[0].update(from: x0, count: d * nb)
        sc.ell[0].update(repeating: 0, count: nb)
        sc.logRho0.update(from: logRho0, count: nb)
        for buf in [sc.sumKinetic, sc.sumHJB] + sc.sumRunning { buf.update(repeating: 0, count: nb) }
        var generators = plan.noisy ? BrownianIncrements.generators(key: noiseKey, first: first, count: nb) : []
        for n in 0..<steps { step(network, sc, n, nb, accumulate: true, generators: &generators, nonlocal: nonlocal, first: first) }

        // Terminal cost and mismatch.
        var terms = ObjectiveTerms()
        let terminalByTerm = terminalValues(network, sc, nb, importance: importance?.values)
        let lambdas = costs.running.map(\.weight) + costs.nonlocal.map(\.weight)
        var runningByTerm = [Double](repeating: 0, count: lambdas.count)
        // Sample i's costs × wᵢ and its penalties × wᵢ or × 1 (importance sampling); without
        // weights wᵢ = 1, which multiplies exactly, so the sums are the unweighted ones bit for bit.
        let penaltiesWeighted = importance?.penalties ?? false
        for col in 0..<nb {
            let wi = importance?.values[col] ?? 1, wp = penaltiesWeighted ? wi : 1
            terms.kinetic += wi * sc.sumKinetic[col]
            var f = 0.0
            for (k, lambda) in lambdas.enumerated() {
                let fk = lambda * sc.sumRunning[k][col]
                f += fk; runningByTerm[k] += wi * fk
            }
            terms.interaction += wi * f
            terms.hjb += wp * sc.sumHJB[col]
            terms.terminal += wi * sc.terminalCost[col]
            terms.terminalHJB += wp * abs(sc.terminalMismatch[col])
        }
        terms.kinetic *= weight; terms.interaction *= weight; terms.hjb *= weight
        terms.terminal *= weight; terms.terminalHJB *= weight
        let runningNames = costs.running.map(\.name) + costs.nonlocal.map(\.name)
        terms.runningByTerm = zip(runningNames, runningByTerm).map { TermValue(name: $0, value: $1 * weight) }
        terms.terminalByTerm = zip(costs.terminal, terminalByTerm).map { TermValue(name: $0.name, value: $1 * weight) }
        terms.total = terms.kinetic + terms.interaction + terms.terminal
            + costs.hjbWeight * terms.hjb + costs.terminalHJBWeight * terms.terminalHJB
        return terms
    }

    /// Evaluates Φ(z_T, T) (left in the terminal workspace, the last one) and the terminal
    /// terms: writes G and Φ(z_T, T) − δG/δρ per sample (`terminalCost`, `terminalMismatch`), the
    /// terms' weighted partials in the terminal slot, and returns each term's sum Σ λⱼgⱼ over the
    /// block (unaveraged; with `importance`, Σ wᵢλⱼgⱼ).
    private func terminalValues(_ network: PotentialNetwork<T>, _ sc: TrajectoryScratch<T>, _ nb: Int,
                                importance: UnsafePointer<Double>? = nil) -> [Double] {
        let zT = sc.z[steps], lT = sc.ell[steps], slot = steps * stepper.stages
        let ws = sc.stageWorkspaces[slot]
        setInput(sc, zT, T(costs.horizon), nb)
        // Only Φ(z_T, T) enters the objective (and its reverse pass is given Φ̄ only).
        try! network.forward(sc.input, count: nb, workspace: ws, valueOnly: true)
        for col in 0..<nb {
            sc.stageLogRho[col] = sc.logRho0[col] - lT[col]
            sc.terminalCost[col] = 0
            sc.terminalMismatch[col] = Double(ws.phi[col])
        }
        var byTerm = [Double](repeating: 0, count: costs.terminal.count)
        evaluateTerms(costs.terminal, sc, zT, slot: slot, nb: nb) { j, lambda in
            for col in 0..<nb {
                let g = lambda * Double(sc.termValue[col])
                sc.terminalCost[col] += g
                if let importance { byTerm[j] += importance[col] * g } else { byTerm[j] += g }
                sc.terminalMismatch[col] -= lambda * Double(sc.termDerivative[col])
            }
        }
        return byTerm
    }

    // MARK: - One block, reverse

    /// Adds weight × ∂(block objective)/∂θ to `grad`, using the states and stage workspaces
    /// stored by `forwardBlock` (no stage is evaluated again).
    ///
    /// With `importance` the seed of sample i is w·wᵢ for its costs and w·wᵢ (weighted penalties)
    /// or w (unweighted) for its penalties: `wObj` and `wPen` below. When the two agree (no
    /// weights, or weighted penalties) the original single-weight formulas are used, so the
    /// unweighted gradient is bit for bit unchanged.
    private func backwardBlock(_ network: PotentialNetwork<T>, _ sc: TrajectoryScratch<T>, _ weight: Double,
                               _ grad: UnsafeMutablePointer<T>, importance: SampleWeights? = nil,
                               nonlocal: NonlocalFields<T>? = nil, first: Int = 0) {
        let d = shape.dimension, dd = d + 1, nb = sc.count, dn = d * nb
        let w = T(weight)
        var wObj = [T](repeating: w, count: nb), wPen = [T](repeating: w, count: nb)
        if let iw = importance {
            for col in 0..<nb {
                wObj[col] = T(weight * iw.values[col])
                wPen[col] = iw.penalties ? wObj[col] : w
            }
        }
        let split = importance.map { !$0.penalties } ?? false
        let alpha = plan.alphaL
        let betaH = T(costs.hjbWeight), betaT = T(costs.terminalHJBWeight)
        let runningDependsOnState = Self.anyStateDependence(costs.running)
        let halfSigma2 = plan.residualScale
        let alphas = plan.alphas, ellDivisor = plan.ellDivisor

        // Terminal: ȳ_T from G and β_T|Φ(z_T,T) − δG/δρ|.
        let mismatch = sc.terminalMismatch
        let zBar = sc.yBarZ, lBar = sc.yBarEll
        // G = Σⱼλⱼgⱼ(z, log ρ), mismatch = Φ − Σⱼλⱼvⱼ(z, log ρ), log ρ = log ρ₀ − ℓ_T:
        // z̄ = w(Σλ∇g − β_T s Σλ∇v) = w((1 − β_T s)A − β_T s D) with A = Σλ∇g, D = Σλ(∇v − ∇g);
        // ℓ̄ = −w(Σλ∂g/∂ℓ − β_T s Σλ∂v/∂ℓ); Φ̄ = w β_T s.
        let tSlot = steps * stepper.stages
        let tA: UnsafeMutablePointer<T>? = Self.anyStateDependence(costs.terminal) ? sc.stateAdjoint[tSlot] : nil
        let tD: UnsafeMutablePointer<T>? = sc.stateOffset.isEmpty ? nil : sc.stateOffset[tSlot]
        let tlf = sc.densityValueAdjoint[tSlot], tlv = sc.densityDerivativeAdjoint[tSlot]
        for col in 0..<nb {
            let s = T(mismatch[col] > 0 ? 1 : (mismatch[col] < 0 ? -1 : 0))
            let bs = betaT * s
            if split {
                // Costs seeded with wo, the mismatch penalty with wp:
                // z̄ = wo A − wp β_T s (A + D), ℓ̄ = −(wo Σλ∂g/∂ℓ − wp β_T s Σλ∂v/∂ℓ), Φ̄ = wp β_T s.
                let wo = wObj[col], wp = wPen[col]
                sc.phiBar[col] = wp * bs
                lBar[col] = -(wo * tlf[col] - wp * bs * tlv[col])
                for j in 0..<d {
                    let idx = col * d + j
                    var c: T = 0
                    if let tA { c = wo * tA[idx] - wp * bs * tA[idx] }
                    if let tD { c -= wp * bs * tD[idx] }
                    zBar[idx] = c
                }
                continue
            }
            let w = wObj[col]
            sc.phiBar[col] = w * bs
            lBar[col] = -w * (tlf[col] - bs * tlv[col])
            for j in 0..<d {
                let idx = col * d + j
                var c: T = 0
                if let tA { c = (1 - bs) * tA[idx] }
                if let tD { c -= bs * tD[idx] }
                zBar[idx] = w * c
            }
        }
        network.backward(phiBar: sc.phiBar, gradientBar: nil, laplacianBar: nil,
                         workspace: sc.stageWorkspaces[steps * stepper.stages], parameterGradient: grad,
                         inputGradient: sc.inputBar, timeAdjoint: false)
        for col in 0..<nb { for j in 0..<d { zBar[col * d + j] += sc.inputBar[col * dd + j] } }

        // Steps in reverse, from the stage workspaces kept by the forward pass.
        let h = costs.horizon / Double(steps)
        var n = steps - 1
        while n >= 0 {
            for i in 0..<stepper.stages {
                let hb = T(h * stepper.b[i])
                let kz = sc.kBarZ[i], kl = sc.kBarEll[i]
                for idx in 0..<dn { kz[idx] = hb * zBar[idx] }
                for col in 0..<nb { kl[col] = hb * lBar[col] }
            }
            var i = stepper.stages - 1
            while i >= 0 {
                let slot = n * stepper.stages + i
                let ws = sc.stageWorkspaces[slot]
                let hbi = T(h * stepper.b[i])      // quadrature weight of this stage's running integrand
                let kz = sc.kBarZ[i], kl = sc.kBarEll[i], sign = sc.stageResidualSign[slot]
                let zA: UnsafeMutablePointer<T>? = runningDependsOnState ? sc.stateAdjoint[slot] : nil
                let zD: UnsafeMutablePointer<T>? = sc.stateOffset.isEmpty ? nil : sc.stateOffset[slot]
                let lf = sc.densityValueAdjoint[slot], lv = sc.densityDerivativeAdjoint[slot]
                // The nonlocal terms' pullback at this node (cost and HJB penalty, cross terms included).
                let xBar: UnsafeMutablePointer<T>? = nonlocal?.bar(slot).map { $0 + first * d }
                // Adjoints of the stage outputs: ∇ₛΦ (Ḡ), ΔΦ (Δ̄), and direct (z, ℓ) terms.
                let stageZBar = sc.inputBar   // reused below as the network's input adjoint
                for col in 0..<nb {
                    let g = ws.gradient + col * dd, gb = sc.gradientBar + col * dd
                    let s = sign[col]
                    // wc: the sample's weight × the quadrature weight (costs); wcp: the same for the penalty.
                    let wc = wObj[col] * hbi, wcp = wPen[col] * hbi
                    // slope: K_z = −∇ₓΦ/α, K_ℓ = −ΔΦ/α; kinetic |∇Φ|²/(2α); HJB β|r|.
                    if let alphas {
                        // ∂/∂∂ⱼΦ of K_z,j = −∂ⱼΦ/αⱼ and of (wc + β s)Σⱼ(∂ⱼΦ)²/(2αⱼ).
                        let coef = split ? wc + wcp * betaH * s : wc * (1 + betaH * s)
                        for j in 0..<d { gb[j] = (-kz[col * d + j] + coef * g[j]) / alphas[j] }
                    } else {
                        let kineticCoef = split ? (wc + wcp * betaH * s) / alpha : wc * (1 + betaH * s) / alpha
                        for j in 0..<d { gb[j] = -kz[col * d + j] / alpha + kineticCoef * g[j] }
                    }
                    gb[d] = -wcp * betaH * s
                    sc.laplacianBar[col] = ellDivisor.map { -kl[col] / $0 } ?? 0
                    // The residual's −(σ²/2)ΔΦ: ∂(wc β|r|)/∂ΔΦ = −wc β s σ²/2.
                    if halfSigma2 != 0 { sc.laplacianBar[col] -= wcp * betaH * s * halfSigma2 }
                }
                network.backward(phiBar: nil, gradientBar: sc.gradientBar, laplacianBar: sc.laplacianBar,
                                 workspace: ws, parameterGradient: grad, inputGradient: stageZBar, timeAdjoint: false)
                // Ȳᵢ = network input adjoint (z part) + direct dependence of the integrands.
                let prevKz: UnsafeMutablePointer<T>? = i > 0 ? sc.kBarZ[i - 1] : nil
                let prevKl: UnsafeMutablePointer<T>? = i > 0 ? sc.kBarEll[i - 1] : nil
                let ha = T(h * stepper.a[i])
                for col in 0..<nb {
                    let bs = betaH * sign[col]
                    let wc = wObj[col] * hbi, wcp = wPen[col] * hbi
                    // ∂/∂z of the running terms Σλf (weight wc) and of −βΣλv inside the residual
                    // (weight wcp, = wc unless split); ∂/∂ℓ the same with log ρ = log ρ₀ − ℓ (hence the minus).
                    let ellBar = split ? -(wc * lf[col] - wcp * bs * lv[col]) : -wc * (lf[col] - bs * lv[col])
                    for j in 0..<d {
                        let idx = col * d + j
                        var v = stageZBar[col * dd + j]
                        if split {
                            if let zA { v += wc * zA[idx] - wcp * (bs * zA[idx]) }
                            if let zD { v -= wcp * (bs * zD[idx]) }
                        } else {
                            if let zA { v += wc * ((1 - bs) * zA[idx]) }
                            if let zD { v -= wc * (bs * zD[idx]) }
                        }
                        if let xBar { v += hbi * xBar[idx] }
                        zBar[idx] += v
                        if let prevKz { prevKz[idx] += ha * v }
                    }
                    lBar[col] += ellBar
                    if let prevKl { prevKl[col] += ha * ellBar }
                }
                i -= 1
            }
            n -= 1
        }
    }
}

/// Per-sample importance weights of one block (`CharacteristicsObjective.evaluate`): wᵢ for the
/// block's samples, and whether the HJB penalties take them too.
struct SampleWeights {
    let values: UnsafePointer<Double>
    let penalties: Bool
}

/// How the objective uses the network's trace: one weighting per problem, chosen from the costs.
///
/// - σ = 0: the trace enters only ℓ̇ = −Σᵢ∂ᵢᵢΦ/αᵢ (log ρ along a path). Isotropic α_L: the plain
///   Laplacian, divided by α_L (today's path, bit for bit); per-coordinate αᵢ: weights 1/αᵢ.
/// - σ > 0: the trace enters only the HJB residual's −Σᵢ(σᵢ²/2)∂ᵢᵢΦ (ℓ is not log ρ along a
///   noisy path, and the density terms that would read it are refused). One σ: the plain
///   Laplacian times σ²/2 (today's path), with ℓ still integrated as −ΔΦ/α_L when α_L is one
///   number; per-coordinate σᵢ: weights σᵢ²/2 and ℓ not integrated (its slope is 0), nor with
///   per-coordinate αᵢ and one σ.
struct TracePlan<T: Scalar> {
    /// The workspace's trace weights (nil: the Laplacian).
    var weights: [Double]?
    /// ℓ̇ = −trace / ellDivisor (nil: ℓ is not integrated).
    var ellDivisor: T?
    /// The residual's −residualScale · trace (0: no viscous term).
    var residualScale: T = 0
    /// αᵢ when they differ between coordinates.
    var alphas: [T]?
    /// α_L when they do not.
    var alphaL: T = 1
    /// σᵢ when given per coordinate.
    var sigmas: [Double]?
    /// Whether the paths are noisy (some σᵢ > 0).
    var noisy = false

    init() {}

    init(_ costs: CostModel<T>) throws(NetworkError) {
        let d = costs.dimension
        if let a = costs.kineticWeights {
            guard a.count == d else { throw .batchMismatch(expected: "\(d) kinetic weights", got: "\(a.count)") }
            for (i, v) in a.enumerated() where !(v > 0 && v.isFinite) {
                throw .invalidShape("kinetic weight \(i + 1) must be finite and > 0, got \(v)")
            }
        }
        if let s = costs.sigmas {
            guard s.count == d else { throw .batchMismatch(expected: "\(d) noise levels σᵢ", got: "\(s.count)") }
            for (i, v) in s.enumerated() where !(v >= 0 && v.isFinite) {
                throw .invalidShape("sigma \(i + 1) must be finite and ≥ 0, got \(v)")
            }
        }
        let anisotropic = costs.kineticWeights.map { Set($0).count > 1 } ?? false
        alphas = anisotropic ? costs.kineticWeights!.map { T($0) } : nil
        let alphaL = anisotropic ? 1 : (costs.kineticWeights?.first ?? costs.kineticWeight)
        self.alphaL = T(alphaL)
        sigmas = costs.sigmas.flatMap { Set($0).count > 1 ? $0 : nil }
        let sigma = sigmas == nil ? (costs.sigmas?.first ?? costs.sigma) : 0
        noisy = sigma > 0 || (sigmas?.contains { $0 > 0 } ?? false)
        if let sigmas {
            weights = sigmas.map { $0 * $0 / 2 }
            residualScale = 1
        } else if noisy {
            residualScale = T(sigma * sigma / 2)
            ellDivisor = anisotropic ? nil : T(alphaL)
        } else if anisotropic {
            weights = costs.kineticWeights!.map { 1 / $0 }
            ellDivisor = 1
        } else {
            ellDivisor = T(alphaL)
        }
    }
}
