import CKernels
import MFGMath

/// Swift entry points of the time-varying quadratic part's per-sample loops
/// (CKernels/QuadraticColumns.c; formulas in `PotentialNetwork+Quadratic.swift`), at the best
/// instruction set the CPU has. They compute what the Swift loops they replaced computed, in the
/// same order and without contraction, so the bits are the same; Swift's loops were compiled for
/// baseline SSE2, could not vectorize the diagonal products (pointer aliasing) and ran the sums
/// over coordinates one sample at a time.
enum QuadraticKernels {
    /// One run of `len` samples of equal t: y = [μ⊙x; μ′⊙x] when `mu` is given (diagonal), then
    /// Φ (with `valueOnly`, or when `value`), ∇ₛΦ and ΔΦ (unless `valueOnly`).
    @inline(__always)
    static func forward<T: Scalar>(len: Int, d: Int, x: UnsafePointer<T>, mu: UnsafePointer<T>?, v: UnsafePointer<T>,
                                   y: UnsafeMutablePointer<T>, valueOnly: Bool, value: Bool, cValue: T, cSlope: T,
                                   invT: T, trM: T, phi: UnsafeMutablePointer<T>, gradient: UnsafeMutablePointer<T>,
                                   laplacian: UnsafeMutablePointer<T>) {
        if T.self == Float.self {
            mfg_quadratic_forward_f32(2, len, d, W16.f(x), mu.map { W16.f($0) }, W16.f(v), W16.f(y), valueOnly ? 1 : 0,
                                      value ? 1 : 0, unsafeBitCast(cValue, to: Float.self),
                                      unsafeBitCast(cSlope, to: Float.self), unsafeBitCast(invT, to: Float.self),
                                      unsafeBitCast(trM, to: Float.self), W16.f(phi), W16.f(gradient), W16.f(laplacian))
        } else {
            mfg_quadratic_forward_f64(2, len, d, W16.d(x), mu.map { W16.d($0) }, W16.d(v), W16.d(y), valueOnly ? 1 : 0,
                                      value ? 1 : 0, unsafeBitCast(cValue, to: Double.self),
                                      unsafeBitCast(cSlope, to: Double.self), unsafeBitCast(invT, to: Double.self),
                                      unsafeBitCast(trM, to: Double.self), W16.d(phi), W16.d(gradient), W16.d(laplacian))
        }
    }

    /// The diagonal structure's sums over a run: acc0 += Φ̄x + ḡ, acc1 += (ḡₜ/T)x,
    /// accU += (½Φ̄x + ḡ)⊙x, accV += (ḡₜ/2T)x⊙x.
    @inline(__always)
    static func diagonalSums<T: Scalar>(len: Int, d: Int, x: UnsafePointer<T>, phiBar: UnsafePointer<T>?,
                                        gBar: UnsafePointer<T>?, invT: T, acc0: UnsafeMutablePointer<T>,
                                        acc1: UnsafeMutablePointer<T>, accU: UnsafeMutablePointer<T>,
                                        accV: UnsafeMutablePointer<T>) {
        if T.self == Float.self {
            mfg_quadratic_diagonal_sums_f32(2, len, d, W16.f(x), phiBar.map { W16.f($0) }, gBar.map { W16.f($0) },
                                            unsafeBitCast(invT, to: Float.self), W16.f(acc0), W16.f(acc1),
                                            W16.f(accU), W16.f(accV))
        } else {
            mfg_quadratic_diagonal_sums_f64(2, len, d, W16.d(x), phiBar.map { W16.d($0) }, gBar.map { W16.d($0) },
                                            unsafeBitCast(invT, to: Double.self), W16.d(acc0), W16.d(acc1),
                                            W16.d(accU), W16.d(accV))
        }
    }

    /// The x rows of the input adjoint over a run: x̄ += Φ̄(Mx + v) + Mḡ + (ḡₜ/T)(M′x + v′), Mḡ
    /// from the diagonal `mu` or given in `z` (d × len).
    @inline(__always)
    static func inputAdjoint<T: Scalar>(len: Int, d: Int, mu: UnsafePointer<T>?, z: UnsafePointer<T>,
                                        y: UnsafePointer<T>, v: UnsafePointer<T>, phiBar: UnsafePointer<T>?,
                                        gBar: UnsafePointer<T>?, invT: T, sBar: UnsafeMutablePointer<T>) {
        if T.self == Float.self {
            mfg_quadratic_input_adjoint_f32(2, len, d, mu.map { W16.f($0) }, W16.f(z), W16.f(y), W16.f(v),
                                            phiBar.map { W16.f($0) }, gBar.map { W16.f($0) },
                                            unsafeBitCast(invT, to: Float.self), W16.f(sBar))
        } else {
            mfg_quadratic_input_adjoint_f64(2, len, d, mu.map { W16.d($0) }, W16.d(z), W16.d(y), W16.d(v),
                                            phiBar.map { W16.d($0) }, gBar.map { W16.d($0) },
                                            unsafeBitCast(invT, to: Double.self), W16.d(sBar))
        }
    }
}
