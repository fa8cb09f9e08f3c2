import MFGMath

/// Scratch memory for evaluating and differentiating the network on a block of ≤ `capacity`
/// samples. Allocated once and reused for every block, so a training iteration allocates
/// nothing in its inner loops and its memory does not grow with the number of samples.
///
/// Layout conventions (column-major, one sample per column):
/// - activations aₖ, uₖ, σ′(aₖ), σ″(aₖ), backward states zₖ: m × nb each, k = 0…R;
/// - Jacobians Jₖ = ∂uₖ/∂x: m × d per sample, stored as an m × (d·nb) matrix whose columns
///   j + d·s hold sample s, so Kₖ times all Jacobians is one gemm;
/// - Pₖ = Kₖ Jₖ₋₁ (k = 1…R): same layout.
public final class PotentialWorkspace<T: Scalar> {
    public let shape: NetworkShape
    public let capacity: Int
    /// Number of samples in the block currently held.
    public internal(set) var count = 0

    // Forward state.
    let input: UnsafeMutablePointer<T>      // (d+1) × nb
    let a: [UnsafeMutablePointer<T>]        // pre-activations, R+1 of m × nb
    let u: [UnsafeMutablePointer<T>]        // activations
    let sp: [UnsafeMutablePointer<T>]       // σ′(aₖ)
    let spp: [UnsafeMutablePointer<T>]      // σ″(aₖ)
    let z: [UnsafeMutablePointer<T>]        // ∂Φ/∂uₖ (without the quadratic part)
    let g: [UnsafeMutablePointer<T>]        // σ′(aₖ) ⊙ zₖ
    let jac: [UnsafeMutablePointer<T>]      // Jₖ, k = 0…R−1
    let p: [UnsafeMutablePointer<T>]        // Pₖ, k = 1…R (index k−1)
    let pNorms: [UnsafeMutablePointer<T>]   // row sums Σⱼ(Pₖ)ᵢⱼ², m × nb, k = 1…R (index k−1)
    let as_: UnsafeMutablePointer<T>        // A·s, r × nb
    let p0RowNorms: UnsafeMutablePointer<T> // ‖row i of K₀[:, :d]‖², m
    /// When d > m: K₀E = L Qᵀ with L (m × m, lower triangular) and Qᵀ (m × d, orthonormal rows),
    /// from a Householder QR of (K₀E)ᵀ; the trace sweep carries L in place of K₀E.
    let factorL: UnsafeMutablePointer<T>, factorQt: UnsafeMutablePointer<T>
    let factorWork: UnsafeMutablePointer<T>  // 3·d·m + m
    let factorBar: UnsafeMutablePointer<T>   // L̄, m × m
    /// The K₀E that `factorL`/`factorQt` were computed from (recomputed only when it changes).
    let factorSource: UnsafeMutablePointer<T>
    var factorValid = false

    /// Φ at each sample (nb).
    public let phi: UnsafeMutablePointer<T>
    /// ∇ₛΦ = (∇ₓΦ, ∂ₜΦ) at each sample, (d+1) × nb.
    public let gradient: UnsafeMutablePointer<T>
    /// ΔₓΦ (trace of the spatial Hessian) at each sample (nb); with `traceWeights` w, the
    /// weighted trace Σᵢ wᵢ ∂²Φ/∂xᵢ² instead.
    public let laplacian: UnsafeMutablePointer<T>

    /// Per-coordinate weights wᵢ ≥ 0 of the trace `laplacian` holds (nil: all 1, the plain
    /// Laplacian, through the unweighted code path). Set with `setTraceWeights`; `forward` and
    /// `backward` both read them, so a block is differentiated with the weights it was
    /// evaluated with.
    public private(set) var traceWeights: [Double]?
    /// √wᵢ and wᵢ (d each), K₀E diag(√w) (m × d, the seed of the weighted trace sweep) and its
    /// adjoint: allocated by the first `setTraceWeights` with weights (one value each before), so
    /// a workspace without weights holds what it held before they existed.
    private(set) var traceRoot: UnsafeMutablePointer<T>, traceWeight: UnsafeMutablePointer<T>
    private(set) var weightedK0: UnsafeMutablePointer<T>, weightedK0Bar: UnsafeMutablePointer<T>
    private var weightBuffersAllocated = false

    // Reverse-mode scratch.
    let aBar: [UnsafeMutablePointer<T>]
    let zBar: [UnsafeMutablePointer<T>]
    let uBar0: UnsafeMutablePointer<T>, uBar1: UnsafeMutablePointer<T>
    let gBar: UnsafeMutablePointer<T>
    let jBar0: UnsafeMutablePointer<T>     // J̄, updated in place layer by layer
    let pBar: UnsafeMutablePointer<T>
    let rScratch0: UnsafeMutablePointer<T>, rScratch1: UnsafeMutablePointer<T>  // r × nb
    let colScratch: UnsafeMutablePointer<T> // nb
    let rowScratch: UnsafeMutablePointer<T> // m
    let rowScratch2: UnsafeMutablePointer<T> // m
    let rowScratch3: UnsafeMutablePointer<T> // m
    let gBarScratchInput: UnsafeMutablePointer<T> // (d+1) × nb: the input adjoint being built

    // Time-varying quadratic ½xᵀM(t)x + v(t)ᵀx (buffers of one value when the shape has none).
    /// Full: [M; M′] (2d × d, leading dimension 2d) followed by M″ (d × d); diagonal: μ, μ′, μ″
    /// (d each). Derivatives are with respect to τ = t/T. Formed for one run of equal t at a time.
    let quadCoef: UnsafeMutablePointer<T>
    /// v(τ), v′(τ), v″(τ) (d each) for the same run.
    let quadVec: UnsafeMutablePointer<T>
    /// [M x; M′ x] per sample (2d × nb), from the forward pass.
    let quadY: UnsafeMutablePointer<T>
    /// Reverse scratch (d × nb twice): U = ½Φ̄x + ḡ and the columns √|ḡₜ/2T|·x, then M ḡ and M″ x.
    let quadW: UnsafeMutablePointer<T>
    /// Reverse scratch (full only): the lower triangles of ½(UXᵀ + XUᵀ) and X diag(ḡₜ/2T) Xᵀ
    /// (d × d each).
    let quadG: UnsafeMutablePointer<T>
    /// Reverse scratch: four per-coordinate sums over the run (4d).
    let quadAcc: UnsafeMutablePointer<T>
    /// The (θ revision, τ) the coefficients held were formed for: M, M′, v, v′ (`quadKey`) and
    /// M″, v″ (`quadSecondKey`). At a Runge–Kutta stage every block has the same τ, so a
    /// workspace kept per stage forms them once per optimizer step instead of once per block.
    var quadKey: (revision: UInt64, tau: Double)?, quadSecondKey: (revision: UInt64, tau: Double)?

    // Separable part Σᵢ Σⱼ wᵢⱼ σ(aᵢⱼ xᵢ + bᵢⱼ τ + cᵢⱼ), per sample d·q values, entry i + d·j.
    /// The pre-activations of the sample being evaluated (dq: one row, reused sample by sample,
    /// so it stays in L1; nothing reads it after the forward pass).
    let sepPre: UnsafeMutablePointer<T>
    /// σ, σ′, σ″ of the pre-activations (dq × nb each).
    let sepAct: UnsafeMutablePointer<T>, sepSp: UnsafeMutablePointer<T>, sepSpp: UnsafeMutablePointer<T>
    /// w ⊙ a, w ⊙ b / T, w ⊙ a ⊙ a (dq each; the last times the trace weights when set). For
    /// time-scaled units five rows at one τ: α = a + eτ, w ⊙ α, w ⊙ b / T, w ⊙ α ⊙ α (⊙ trace
    /// weights), w ⊙ e / T.
    let sepCoef: UnsafeMutablePointer<T>
    /// The θ revision `sepCoef` was formed for (nil: not formed, or the trace weights changed).
    var sepCoefKey: UInt64?
    /// The τ of time-scaled units' `sepCoef` (with `sepCoefKey`): at a Runge–Kutta stage every
    /// block has the same τ, so a workspace kept per stage forms them once per optimizer step.
    var sepCoefTau: T = 0

    // Spline form: tables of d rows of q + 17 (PotentialNetwork+Spline.swift).
    /// c(τ), c′(τ), c″(τ) of the spline coefficients at the key's τ (three tables).
    let splineTables: UnsafeMutablePointer<T>
    /// The table adjoints c̄, c̄′ of the run being reversed (two tables, zero between runs), then
    /// room for their coordinate-fastest copies (two more).
    let splineTableBars: UnsafeMutablePointer<T>
    /// Per sample φₖ(τ), φₖ′(τ)/T, φₖ″(τ)/T² (3(p + 1) values each) for blocks at mixed times.
    let splineTimeBasis: UnsafeMutablePointer<T>
    /// The (θ revision, τ) `splineTables` hold, and whether c″ is among them.
    var splineKey: (revision: UInt64, tau: Double, second: Bool)?

    private var owned: [UnsafeMutablePointer<T>] = []

    /// Workspace for blocks of up to `capacity` samples (capacity ≥ 1).
    public init(shape: NetworkShape, capacity: Int) throws(NetworkError) {
        guard capacity >= 1 else { throw .emptyBatch }
        self.shape = shape
        self.capacity = capacity
        let m = shape.width, d = shape.dimension, dd = shape.inputSize, R = shape.residualLayers
        var owned: [UnsafeMutablePointer<T>] = []
        func alloc(_ n: Int) -> UnsafeMutablePointer<T> {
            let ptr = UnsafeMutablePointer<T>.allocate(capacity: max(1, n))
            ptr.initialize(repeating: 0, count: max(1, n))
            owned.append(ptr)
            return ptr
        }
        let mn = m * capacity, jn = m * shape.jacobianWidth * capacity
        input = alloc(dd * capacity)
        a = (0...R).map { _ in alloc(mn) }
        u = (0...R).map { _ in alloc(mn) }
        sp = (0...R).map { _ in alloc(mn) }
        spp = (0...R).map { _ in alloc(mn) }
        z = (0...R).map { _ in alloc(mn) }
        g = (0...R).map { _ in alloc(mn) }
        jac = (0..<R).map { _ in alloc(jn) }
        p = (0..<R).map { _ in alloc(jn) }
        pNorms = (0..<R).map { _ in alloc(mn) }
        as_ = alloc(shape.rank * capacity)
        p0RowNorms = alloc(m)
        let gram = shape.usesGramFactor
        factorL = alloc(gram ? m * m : 1); factorQt = alloc(gram ? m * d : 1)
        factorWork = alloc(gram ? 3 * d * m + m : 1); factorBar = alloc(gram ? m * m : 1)
        factorSource = alloc(gram ? m * d : 1)
        phi = alloc(capacity)
        gradient = alloc(dd * capacity)
        laplacian = alloc(capacity)
        aBar = (0...R).map { _ in alloc(mn) }
        zBar = (0...R).map { _ in alloc(mn) }
        uBar0 = alloc(mn); uBar1 = alloc(mn)
        gBar = alloc(mn)
        jBar0 = alloc(jn)
        pBar = alloc(jn)
        rScratch0 = alloc(shape.rank * capacity); rScratch1 = alloc(shape.rank * capacity)
        colScratch = alloc(capacity)
        rowScratch = alloc(m); rowScratch2 = alloc(m); rowScratch3 = alloc(m)
        gBarScratchInput = alloc(dd * capacity)
        let qs = Self.quadraticSizes(shape: shape, capacity: capacity)
        quadCoef = alloc(qs.coef); quadVec = alloc(qs.vec); quadY = alloc(qs.perSample); quadW = alloc(qs.perSample)
        quadG = alloc(qs.gram); quadAcc = alloc(qs.acc)
        let units = shape.hasSplineSeparable ? 0 : shape.dimension * shape.separableWidth
        sepPre = alloc(units)
        sepAct = alloc(units * capacity); sepSp = alloc(units * capacity); sepSpp = alloc(units * capacity)
        sepCoef = alloc(Self.separableCoefficientRows(shape) * units)
        let table = Self.splineTableSize(shape)
        splineTables = alloc(3 * table); splineTableBars = alloc(4 * table)
        splineTimeBasis = alloc(Self.splineTimeBasisSize(shape) * capacity)
        traceRoot = alloc(1); traceWeight = alloc(1)
        weightedK0 = alloc(1); weightedK0Bar = alloc(1)
        self.owned = owned
    }

    /// Makes `laplacian` the weighted trace Σᵢ wᵢ ∂²Φ/∂xᵢ² = tr(W^{1/2} H W^{1/2}) (d weights,
    /// each finite and ≥ 0), or the plain Laplacian again with nil. An all-ones list is stored as
    /// nil, so it runs the unweighted path and gives its values bit for bit.
    ///
    /// How the parts weight it: the ResNet's trace sweep is seeded with K₀E W^{1/2} instead of
    /// K₀E (every later layer is linear in the seed's columns, so the sum of squared row norms it
    /// accumulates becomes Σᵢ wᵢ ∂ᵢᵢ); the rank-r quadratic gives Σⱼ wⱼ‖(AE)ⱼ‖², the
    /// time-varying quadratic Σᵢ wᵢ Mᵢᵢ(t), the separable units Σᵢⱼ wᵢ wᵢⱼ aᵢⱼ² σ″.
    public func setTraceWeights(_ weights: [Double]?) throws(NetworkError) {
        if let weights, weights.count != shape.dimension {
            throw .batchMismatch(expected: "\(shape.dimension) trace weights", got: "\(weights.count)")
        }
        let effective = weights.flatMap { $0.contains(where: { $0 != 1 }) ? $0 : nil }
        if effective == traceWeights { return }
        factorValid = false
        sepCoefKey = nil
        guard let weights = effective else { traceWeights = nil; return }
        for (i, w) in weights.enumerated() where !(w >= 0 && w.isFinite) { throw .invalidTraceWeight(index: i, value: w) }
        if !weightBuffersAllocated {
            let d = shape.dimension, md = shape.width * d
            func alloc(_ n: Int) -> UnsafeMutablePointer<T> {
                let ptr = UnsafeMutablePointer<T>.allocate(capacity: n)
                ptr.initialize(repeating: 0, count: n)
                owned.append(ptr)
                return ptr
            }
            traceRoot = alloc(d); traceWeight = alloc(d); weightedK0 = alloc(md); weightedK0Bar = alloc(md)
            weightBuffersAllocated = true
        }
        for (i, w) in weights.enumerated() { traceWeight[i] = T(w); traceRoot[i] = T(w.squareRoot()) }
        traceWeights = weights
        factorValid = false
    }

    deinit { for ptr in owned { ptr.deallocate() } }

    /// Bytes held by this workspace (with trace weights, 2·m·d + 2d values more than
    /// `byteCount(shape:capacity:)`).
    public var byteCount: Int {
        Self.byteCount(shape: shape, capacity: capacity)
            + (weightBuffersAllocated ? (2 * shape.width * shape.dimension + 2 * shape.dimension) * MemoryLayout<T>.stride : 0)
    }

    /// Bytes a workspace for `shape` and `capacity` samples holds (without allocating one).
    public static func byteCount(shape: NetworkShape, capacity nb: Int) -> Int {
        let m = shape.width, d = shape.dimension, dd = shape.inputSize, R = shape.residualLayers
        let dj = shape.jacobianWidth
        let factor = shape.usesGramFactor ? 2 * m * m + 4 * m * d + m : 4
        let values = dd * nb * 3 + 6 * (R + 1) * m * nb + 2 * R * m * dj * nb + shape.rank * nb * 3
            + m + 3 * nb + 2 * (R + 1) * m * nb + 3 * m * nb + 2 * m * dj * nb + factor + R * m * nb
        let qs = quadraticSizes(shape: shape, capacity: nb)
        let quadratic = shape.hasQuadratic ? qs.coef + qs.vec + 2 * qs.perSample + qs.gram + qs.acc : 0
        let dq = shape.dimension * shape.separableWidth
        let separable = shape.hasSplineSeparable ? 7 * splineTableSize(shape) + splineTimeBasisSize(shape) * nb
            : shape.hasSeparable ? 3 * dq * nb + (1 + separableCoefficientRows(shape)) * dq : 0
        return (values + quadratic + separable) * MemoryLayout<T>.stride
    }

    /// Values of one spline table, d rows of q + 17 (0 without the spline form).
    static func splineTableSize(_ shape: NetworkShape) -> Int {
        shape.hasSplineSeparable ? shape.dimension * PotentialNetwork<T>.splineTableRow(shape) : 0
    }

    /// Values of one sample's time basis for the spline form, 3(p + 1) (0 without it).
    static func splineTimeBasisSize(_ shape: NetworkShape) -> Int {
        shape.hasSplineSeparable ? 3 * (shape.timeDegree + 1) : 0
    }

    /// Rows of d·q coefficients the separable part keeps (3 fixed, 5 time-scaled).
    static func separableCoefficientRows(_ shape: NetworkShape) -> Int { shape.hasTimeScaledSeparable ? 5 : 3 }

    /// Sizes of the quadratic part's buffers (0 without one; allocations round them up to 1).
    private static func quadraticSizes(shape: NetworkShape, capacity nb: Int)
        -> (coef: Int, vec: Int, perSample: Int, gram: Int, acc: Int) {
        let d = shape.dimension
        switch shape.quadratic {
        case .none: return (0, 0, 0, 0, 0)
        case .diagonal: return (3 * d, 3 * d, 2 * d * nb, 0, 4 * d)
        case .full: return (3 * d * d, 3 * d, 2 * d * nb, 2 * d * d, 4 * d)
        }
    }
}
