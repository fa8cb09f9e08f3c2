import MFGMath
import MFGProblem

/// The sample-coupled running terms (`CostModel.nonlocal`, `NonlocalCost`) of one objective
/// evaluation, at every quadrature node (slot = step × stages + stage) and for ALL n samples of the
/// batch, indexed by the sample's place in the batch.
///
/// The objective fills it in two phases (`CharacteristicsObjective.nonlocalFields`):
/// 1. *recording* — a first per-block forward pass (the paths do not depend on F) writes each
///    node's points `stageZ` and the HJB residual without the nonlocal terms, `localResidual`;
/// 2. *global* — per node, over all samples at once: each term's fᵢ and vᵢ (`value`,
///    `derivative`), the residual's sign sᵢ = sign(rᵢ − Σₖλₖvₖᵢ), and with a gradient the terms'
///    pullback x̄ (`pointsBar`, summed over the terms) for the seeds aᵢ = λwᵢ/n (the cost) and
///    bᵢ = −β_HJB λ wᵖᵢ sᵢ/n (the HJB penalty) — the cross terms included, since the signs of all
///    samples are known once the forward values are.
/// The per-block pass that follows (*applying*) subtracts Σλv from the residual, adds h bᵢ λ fᵢ to
/// the running sums, and its reverse pass adds h bᵢ x̄ to the stage's state adjoint.
final class NonlocalFields<T: Scalar>: @unchecked Sendable {
    let n: Int, d: Int, slots: Int, terms: Int
    /// Whether the per-block pass records (phase 1) or applies (after phase 2).
    var recording = true
    let stageZ: UnsafeMutablePointer<T>          // slots × (d × n)
    let localResidual: UnsafeMutablePointer<T>   // slots × n
    let value: UnsafeMutablePointer<T>           // terms × slots × n
    let derivative: UnsafeMutablePointer<T>      // terms × slots × n
    let pointsBar: UnsafeMutablePointer<T>?      // slots × (d × n), with a gradient only

    init(n: Int, d: Int, slots: Int, terms: Int, gradient: Bool) {
        self.n = n; self.d = d; self.slots = slots; self.terms = terms
        stageZ = .allocate(capacity: slots * d * n)
        localResidual = .allocate(capacity: slots * n)
        value = .allocate(capacity: terms * slots * n)
        derivative = .allocate(capacity: terms * slots * n)
        pointsBar = gradient ? .allocate(capacity: slots * d * n) : nil
        pointsBar?.update(repeating: 0, count: slots * d * n)
    }

    /// The bytes `init` allocates for these sizes (the memory estimate's part, `SolverMemory`):
    /// the node points (slots·d·n), the local residuals (slots·n), fᵢ and vᵢ per term
    /// (2·terms·slots·n) and, with a gradient, the pullback (slots·d·n), in T.
    static func byteCount(n: Int, d: Int, slots: Int, terms: Int, gradient: Bool) -> Double {
        let values = slots * d * n + slots * n + 2 * terms * slots * n + (gradient ? slots * d * n : 0)
        return Double(values * MemoryLayout<T>.stride)
    }

    /// The bytes this instance allocated (for the test that `byteCount` is exact).
    var allocatedBytes: Int {
        (slots * d * n + slots * n + 2 * terms * slots * n + (pointsBar == nil ? 0 : slots * d * n)) * MemoryLayout<T>.stride
    }

    deinit {
        stageZ.deallocate(); localResidual.deallocate(); value.deallocate(); derivative.deallocate()
        pointsBar?.deallocate()
    }

    @inline(__always) func z(_ slot: Int) -> UnsafeMutablePointer<T> { stageZ + slot * d * n }
    @inline(__always) func residual(_ slot: Int) -> UnsafeMutablePointer<T> { localResidual + slot * n }
    @inline(__always) func f(_ k: Int, _ slot: Int) -> UnsafeMutablePointer<T> { value + (k * slots + slot) * n }
    @inline(__always) func v(_ k: Int, _ slot: Int) -> UnsafeMutablePointer<T> { derivative + (k * slots + slot) * n }
    @inline(__always) func bar(_ slot: Int) -> UnsafeMutablePointer<T>? { pointsBar.map { $0 + slot * d * n } }
}

extension Optional where Wrapped == [Double] {
    /// The array's base address (nil when the array is nil) for the duration of `body`.
    func withOptionalBuffer<R>(_ body: (UnsafePointer<Double>?) -> R) -> R {
        switch self {
        case .none: return body(nil)
        case .some(let a): return a.withUnsafeBufferPointer { body($0.baseAddress) }
        }
    }
}
