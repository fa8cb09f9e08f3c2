import CKernels
import MFGMath

/// Swift entry points of the separable part's C kernels (CKernels/Separable.c, formulas in
/// `PotentialNetwork+Separable.swift`), at the best instruction set the CPU has; the
/// scalar-type test folds away in the specialized callers. (The block passes `pre` and `sums`
/// that the fused forward replaced stay in C, where tests compare the fused kernel with them.)
enum SeparableKernels {
    /// The forward pass fused per sample (pre-activations into `row`, d·q values reused by every
    /// sample; σ′, σ″ and, when `act` is given, σ; then Φ += Σ wσ (with `act`) and, unless
    /// `valueOnly`, ∇ₛΦ += (Σⱼ waσ′, Σ (wb/T)σ′), ΔΦ += Σ wa²σ″): the same bits as the block
    /// passes `mfg_separable_pre`, the activation kernel and `mfg_separable_sums`, without the
    /// block-sized pre-activation array and the second pass over σ′, σ″.
    @inline(__always)
    static func forward<T: Scalar>(nb: Int, d: Int, q: Int, a: UnsafePointer<T>, b: UnsafePointer<T>,
                                   c: UnsafePointer<T>, x: UnsafePointer<T>, invT: T, w: UnsafePointer<T>,
                                   wa: UnsafePointer<T>, wbT: UnsafePointer<T>, waa: UnsafePointer<T>,
                                   valueOnly: Bool, row: UnsafeMutablePointer<T>, act: UnsafeMutablePointer<T>?,
                                   sp: UnsafeMutablePointer<T>, spp: UnsafeMutablePointer<T>,
                                   phi: UnsafeMutablePointer<T>, gradient: UnsafeMutablePointer<T>,
                                   laplacian: UnsafeMutablePointer<T>) {
        if T.self == Float.self {
            mfg_separable_forward_f32(2, nb, d, q, W16.f(a), W16.f(b), W16.f(c), W16.f(x),
                                      unsafeBitCast(invT, to: Float.self), W16.f(w), W16.f(wa), W16.f(wbT), W16.f(waa),
                                      valueOnly ? 1 : 0, W16.f(row), act.map { W16.f($0) }, W16.f(sp), W16.f(spp),
                                      W16.f(phi), W16.f(gradient), W16.f(laplacian))
        } else {
            mfg_separable_forward_f64(2, nb, d, q, W16.d(a), W16.d(b), W16.d(c), W16.d(x),
                                      unsafeBitCast(invT, to: Double.self), W16.d(w), W16.d(wa), W16.d(wbT), W16.d(waa),
                                      valueOnly ? 1 : 0, W16.d(row), act.map { W16.d($0) }, W16.d(sp), W16.d(spp),
                                      W16.d(phi), W16.d(gradient), W16.d(laplacian))
        }
    }

    /// The reverse pass: adds to ā, b̄, c̄, w̄ and (when `sBar` is given) to the input adjoint,
    /// its t row only with `timeRow`.
    @inline(__always)
    static func reverse<T: Scalar>(nb: Int, d: Int, q: Int, a: UnsafePointer<T>, b: UnsafePointer<T>,
                                   w: UnsafePointer<T>, x: UnsafePointer<T>, invT: T, phiBar: UnsafePointer<T>?,
                                   gBar: UnsafePointer<T>?, lapBar: UnsafePointer<T>?, act: UnsafePointer<T>,
                                   sp: UnsafePointer<T>, spp: UnsafePointer<T>, ga: UnsafeMutablePointer<T>,
                                   gb: UnsafeMutablePointer<T>, gc: UnsafeMutablePointer<T>,
                                   gw: UnsafeMutablePointer<T>, sBar: UnsafeMutablePointer<T>?,
                                   traceWeights: UnsafePointer<T>? = nil, timeRow: Bool = true) {
        if T.self == Float.self {
            mfg_separable_reverse_rows_f32(2, nb, d, q, W16.f(a), W16.f(b), W16.f(w), W16.f(x),
                                      unsafeBitCast(invT, to: Float.self), phiBar.map { W16.f($0) },
                                      gBar.map { W16.f($0) }, lapBar.map { W16.f($0) }, W16.f(act), W16.f(sp),
                                      W16.f(spp), W16.f(ga), W16.f(gb), W16.f(gc), W16.f(gw), sBar.map { W16.f($0) },
                                      traceWeights.map { W16.f($0) }, timeRow ? 1 : 0)
        } else {
            mfg_separable_reverse_rows_f64(2, nb, d, q, W16.d(a), W16.d(b), W16.d(w), W16.d(x),
                                      unsafeBitCast(invT, to: Double.self), phiBar.map { W16.d($0) },
                                      gBar.map { W16.d($0) }, lapBar.map { W16.d($0) }, W16.d(act), W16.d(sp),
                                      W16.d(spp), W16.d(ga), W16.d(gb), W16.d(gc), W16.d(gw), sBar.map { W16.d($0) },
                                      traceWeights.map { W16.d($0) }, timeRow ? 1 : 0)
        }
    }

    /// The forward pass of time-scaled units over samples that share one τ (`alpha` = a + eτ
    /// there; wa, wbT, waa formed from alpha, weT = w⊙e/T): as `forward`, with
    /// ∂ₜΦ += Σ (wbT + weT·xᵢ)σ′.
    @inline(__always)
    static func timeScaledForward<T: Scalar>(nb: Int, d: Int, q: Int, alpha: UnsafePointer<T>, b: UnsafePointer<T>,
                                             c: UnsafePointer<T>, x: UnsafePointer<T>, invT: T,
                                             w: UnsafePointer<T>, wa: UnsafePointer<T>, wbT: UnsafePointer<T>,
                                             weT: UnsafePointer<T>, waa: UnsafePointer<T>, valueOnly: Bool,
                                             row: UnsafeMutablePointer<T>, act: UnsafeMutablePointer<T>?,
                                             sp: UnsafeMutablePointer<T>, spp: UnsafeMutablePointer<T>,
                                             phi: UnsafeMutablePointer<T>, gradient: UnsafeMutablePointer<T>,
                                             laplacian: UnsafeMutablePointer<T>) {
        if T.self == Float.self {
            mfg_separable_ts_forward_f32(2, nb, d, q, W16.f(alpha), W16.f(b), W16.f(c), W16.f(x),
                                         unsafeBitCast(invT, to: Float.self), W16.f(w), W16.f(wa), W16.f(wbT),
                                         W16.f(weT), W16.f(waa), valueOnly ? 1 : 0, W16.f(row), act.map { W16.f($0) },
                                         W16.f(sp), W16.f(spp), W16.f(phi), W16.f(gradient), W16.f(laplacian))
        } else {
            mfg_separable_ts_forward_f64(2, nb, d, q, W16.d(alpha), W16.d(b), W16.d(c), W16.d(x),
                                         unsafeBitCast(invT, to: Double.self), W16.d(w), W16.d(wa), W16.d(wbT),
                                         W16.d(weT), W16.d(waa), valueOnly ? 1 : 0, W16.d(row), act.map { W16.d($0) },
                                         W16.d(sp), W16.d(spp), W16.d(phi), W16.d(gradient), W16.d(laplacian))
        }
    }

    /// The reverse pass of time-scaled units (each sample its own τ): as `reverse`, adding also
    /// to ē (`ge`).
    @inline(__always)
    static func timeScaledReverse<T: Scalar>(nb: Int, d: Int, q: Int, a: UnsafePointer<T>, e: UnsafePointer<T>,
                                             b: UnsafePointer<T>, w: UnsafePointer<T>, x: UnsafePointer<T>, invT: T,
                                             phiBar: UnsafePointer<T>?, gBar: UnsafePointer<T>?,
                                             lapBar: UnsafePointer<T>?, act: UnsafePointer<T>,
                                             sp: UnsafePointer<T>, spp: UnsafePointer<T>,
                                             ga: UnsafeMutablePointer<T>, ge: UnsafeMutablePointer<T>,
                                             gb: UnsafeMutablePointer<T>, gc: UnsafeMutablePointer<T>,
                                             gw: UnsafeMutablePointer<T>, sBar: UnsafeMutablePointer<T>?,
                                             traceWeights: UnsafePointer<T>? = nil, timeRow: Bool = true) {
        if T.self == Float.self {
            mfg_separable_ts_reverse_f32(2, nb, d, q, W16.f(a), W16.f(e), W16.f(b), W16.f(w), W16.f(x),
                                         unsafeBitCast(invT, to: Float.self), phiBar.map { W16.f($0) },
                                         gBar.map { W16.f($0) }, lapBar.map { W16.f($0) }, W16.f(act), W16.f(sp),
                                         W16.f(spp), W16.f(ga), W16.f(ge), W16.f(gb), W16.f(gc), W16.f(gw),
                                         sBar.map { W16.f($0) }, traceWeights.map { W16.f($0) }, timeRow ? 1 : 0)
        } else {
            mfg_separable_ts_reverse_f64(2, nb, d, q, W16.d(a), W16.d(e), W16.d(b), W16.d(w), W16.d(x),
                                         unsafeBitCast(invT, to: Double.self), phiBar.map { W16.d($0) },
                                         gBar.map { W16.d($0) }, lapBar.map { W16.d($0) }, W16.d(act), W16.d(sp),
                                         W16.d(spp), W16.d(ga), W16.d(ge), W16.d(gb), W16.d(gc), W16.d(gw),
                                         sBar.map { W16.d($0) }, traceWeights.map { W16.d($0) }, timeRow ? 1 : 0)
        }
    }
}
