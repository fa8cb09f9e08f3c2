import MFGMath

/// Per-worker memory for integrating and differentiating the characteristics of one block of
/// samples: one network workspace per Runge–Kutta stage of every step, plus one for the
/// terminal evaluation (so the reverse pass reads every stage's intermediates instead of
/// replaying the step: one network evaluation per stage saved, for memory that is fixed by
/// the block size, never by the number of samples), the states yₙ = (zₙ, ℓₙ) at every step,
/// and the stage values and adjoints. Allocated once per worker; nothing is allocated per step.
final class TrajectoryScratch<T: Scalar> {
    let d: Int, capacity: Int, steps: Int, stages: Int
    let stageWorkspaces: [PotentialWorkspace<T>]
    var count = 0
    private let arena: ScratchArena

    /// zₙ, d × nb for n = 0…steps; ℓₙ, nb.
    let z: [UnsafeMutablePointer<T>]
    let ell: [UnsafeMutablePointer<T>]
    /// log ρ₀(x₀) for each sample.
    let logRho0: UnsafeMutablePointer<T>
    /// Stage values Yᵢ = (zᵢ, ℓᵢ) and slopes Kᵢ = (−∇ₓΦ/α_L, −ΔΦ/α_L).
    let stageZ: [UnsafeMutablePointer<T>], stageEll: [UnsafeMutablePointer<T>], slopeZ: [UnsafeMutablePointer<T>], slopeEll: [UnsafeMutablePointer<T>]
    /// The HJB residual sign at each stage of every step (index n·stages + i), and the cost terms'
    /// partials summed with their weights there (slot steps·stages: the terminal terms'), kept for
    /// the reverse pass, with v = δC/δρ / λ and ℓ = log ρ: A = Σₖ λₖ∇ₓfₖ (d × nb), D = Σₖ λₖ(∇ₓvₖ − ∇ₓfₖ)
    /// (d × nb; allocated only when some term's two gradients differ, else empty), Σₖ λₖ∂fₖ/∂ℓ and
    /// Σₖ λₖ∂vₖ/∂ℓ (nb each).
    let stageResidualSign: [UnsafeMutablePointer<T>]
    let stateAdjoint: [UnsafeMutablePointer<T>], stateOffset: [UnsafeMutablePointer<T>]
    let densityValueAdjoint: [UnsafeMutablePointer<T>], densityDerivativeAdjoint: [UnsafeMutablePointer<T>]
    /// One cost term's evaluation (`LocalCostOutput`), reused term after term; and log ρ at the
    /// stage (its `LocalCostInput`).
    let termValue: UnsafeMutablePointer<T>, termDerivative: UnsafeMutablePointer<T>
    let termValueGradient: UnsafeMutablePointer<T>, termDerivativeGradient: UnsafeMutablePointer<T>
    let termValueSlope: UnsafeMutablePointer<T>, termDerivativeSlope: UnsafeMutablePointer<T>, stageLogRho: UnsafeMutablePointer<T>
    /// Network input s = (z, t), (d+1) × nb.
    let input: UnsafeMutablePointer<T>
    /// One step's standard normal draws ξ (d × nb), for the Euler–Maruyama step when σ > 0.
    let noise: UnsafeMutablePointer<T>
    /// Adjoint buffers.
    let yBarZ: UnsafeMutablePointer<T>, yBarEll: UnsafeMutablePointer<T>, kBarZ: [UnsafeMutablePointer<T>], kBarEll: [UnsafeMutablePointer<T>]
    let gradientBar: UnsafeMutablePointer<T>, laplacianBar: UnsafeMutablePointer<T>, phiBar: UnsafeMutablePointer<T>, inputBar: UnsafeMutablePointer<T>
    /// Φ(z_T, T) − δG/δρ per sample, kept from the forward pass for the reverse pass.
    let terminalMismatch: UnsafeMutablePointer<Double>
    /// G per sample (before averaging), for reporting.
    let terminalCost: UnsafeMutablePointer<Double>
    /// Per-sample running sums (kinetic, HJB residual, and ∫fₖ of every running term k), for reporting.
    let sumKinetic: UnsafeMutablePointer<Double>, sumHJB: UnsafeMutablePointer<Double>, sumRunning: [UnsafeMutablePointer<Double>]

    /// Bytes a scratch for `shape`, blocks of `capacity` samples and `steps` steps of a
    /// `stages`-stage scheme with `runningTerms` running-cost terms (and `stateOffsets`, see
    /// `stateOffset`) holds (without allocating one), as `init` allocates them.
    static func byteCount(shape: NetworkShape, capacity nb: Int, steps: Int, stages: Int, runningTerms: Int = 2,
                          stateOffsets: Bool = false) -> Double {
        let d = Double(shape.dimension), n = Double(nb), s = Double(steps), k = Double(stages)
        let workspaces = (s * k + 1) * Double(PotentialWorkspace<T>.byteCount(shape: shape, capacity: nb))
        let perSampleVectors = (s + 1) + 3 * k + (stateOffsets ? 2 : 1) * (s * k + 1) + 4    // z, stage values/slopes/adjoints, A (D), ȳ, term gradients, ξ
        let perSampleScalars = (s + 1) + 3 * k + 3 * s * k + 2 + 9      // ℓ, stage ℓ's/slopes/adjoints, signs, term slope sums, log ρ₀, ȳ, Δ̄, Φ̄, term values
        let values = perSampleVectors * d * n + perSampleScalars * n + 3 * (d + 1) * n
        return workspaces + values * Double(MemoryLayout<T>.stride) + Double(4 + runningTerms) * n * 8
    }

    /// Bytes this scratch holds (its workspaces and its own arrays).
    var allocatedBytes: Int { stageWorkspaces.reduce(arena.bytes) { $0 + $1.byteCount } }

    init(shape: NetworkShape, capacity: Int, steps: Int, stages: Int, runningTerms: Int = 2,
         stateOffsets: Bool = false) throws(NetworkError) {
        d = shape.dimension; self.capacity = capacity; self.steps = steps; self.stages = stages
        stageWorkspaces = try (0...(steps * stages)).map { (_) throws(NetworkError) in
            try PotentialWorkspace<T>(shape: shape, capacity: capacity)
        }
        let dn = d * capacity
        let arena = ScratchArena()
        self.arena = arena
        func arr(_ n: Int) -> UnsafeMutablePointer<T> { arena.allocate(n) }
        z = (0...steps).map { _ in arr(dn) }
        ell = (0...steps).map { _ in arr(capacity) }
        logRho0 = arr(capacity)
        stageZ = (0..<stages).map { _ in arr(dn) }
        stageEll = (0..<stages).map { _ in arr(capacity) }
        slopeZ = (0..<stages).map { _ in arr(dn) }
        slopeEll = (0..<stages).map { _ in arr(capacity) }
        stageResidualSign = (0..<(steps * stages)).map { _ in arr(capacity) }
        stateAdjoint = (0...(steps * stages)).map { _ in arr(dn) }
        stateOffset = stateOffsets ? (0...(steps * stages)).map { _ in arr(dn) } : []
        densityValueAdjoint = (0...(steps * stages)).map { _ in arr(capacity) }
        densityDerivativeAdjoint = (0...(steps * stages)).map { _ in arr(capacity) }
        termValue = arr(capacity); termDerivative = arr(capacity)
        termValueGradient = arr(dn); termDerivativeGradient = arr(dn)
        termValueSlope = arr(capacity); termDerivativeSlope = arr(capacity); stageLogRho = arr(capacity)
        input = arr((d + 1) * capacity)
        noise = arr(dn)
        yBarZ = arr(dn); yBarEll = arr(capacity)
        kBarZ = (0..<stages).map { _ in arr(dn) }
        kBarEll = (0..<stages).map { _ in arr(capacity) }
        gradientBar = arr((d + 1) * capacity); laplacianBar = arr(capacity); phiBar = arr(capacity)
        inputBar = arr((d + 1) * capacity)
        terminalMismatch = arena.allocate(capacity)
        terminalCost = arena.allocate(capacity)
        sumKinetic = arena.allocate(capacity); sumHJB = arena.allocate(capacity)
        sumRunning = (0..<runningTerms).map { _ in arena.allocate(capacity) }
    }
}
