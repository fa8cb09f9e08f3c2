import CKernels
import MFGMath

/// Swift entry points of the spline form's C kernels (CKernels/Spline.c, formulas in
/// `PotentialNetwork+Spline.swift`), at the best instruction set the CPU has.
enum SplineKernels {
    /// Adds Φ (with `value`), and unless `valueOnly` ∇ₛΦ and ΔΦ, of nb samples sharing the tables'
    /// τ: c0 = c(τ), c1 = c′(τ) (d rows of K + 17).
    @inline(__always)
    static func forward<T: Scalar>(nb: Int, d: Int, K: Int, x: UnsafePointer<T>, lo: T, invh: T,
                                   c0: UnsafePointer<T>, c1: UnsafePointer<T>, traceWeights: UnsafePointer<T>?,
                                   value: Bool, valueOnly: Bool, phi: UnsafeMutablePointer<T>,
                                   gradient: UnsafeMutablePointer<T>, laplacian: UnsafeMutablePointer<T>) {
        if T.self == Float.self {
            mfg_spline_forward_f32(2, nb, d, K, W16.f(x), unsafeBitCast(lo, to: Float.self),
                                   unsafeBitCast(invh, to: Float.self), W16.f(c0), W16.f(c1),
                                   traceWeights.map { W16.f($0) }, value ? 1 : 0, valueOnly ? 1 : 0, W16.f(phi),
                                   W16.f(gradient), W16.f(laplacian))
        } else {
            mfg_spline_forward_f64(2, nb, d, K, W16.d(x), unsafeBitCast(lo, to: Double.self),
                                   unsafeBitCast(invh, to: Double.self), W16.d(c0), W16.d(c1),
                                   traceWeights.map { W16.d($0) }, value ? 1 : 0, valueOnly ? 1 : 0, W16.d(phi),
                                   W16.d(gradient), W16.d(laplacian))
        }
    }

    /// Adds to the table adjoints c̄ (c0Bar), c̄′ (c1Bar) and, when `sBar` is given, to the input
    /// adjoint (its t row only with `timeRow`, which reads c2 = c″(τ)).
    @inline(__always)
    static func reverse<T: Scalar>(nb: Int, d: Int, K: Int, x: UnsafePointer<T>, lo: T, invh: T,
                                   c0: UnsafePointer<T>, c1: UnsafePointer<T>, c2: UnsafePointer<T>,
                                   traceWeights: UnsafePointer<T>?, phiBar: UnsafePointer<T>?,
                                   gBar: UnsafePointer<T>?, lapBar: UnsafePointer<T>?,
                                   c0Bar: UnsafeMutablePointer<T>, c1Bar: UnsafeMutablePointer<T>,
                                   sBar: UnsafeMutablePointer<T>?, timeRow: Bool) {
        if T.self == Float.self {
            mfg_spline_reverse_f32(2, nb, d, K, W16.f(x), unsafeBitCast(lo, to: Float.self),
                                   unsafeBitCast(invh, to: Float.self), W16.f(c0), W16.f(c1), W16.f(c2),
                                   traceWeights.map { W16.f($0) }, phiBar.map { W16.f($0) }, gBar.map { W16.f($0) },
                                   lapBar.map { W16.f($0) }, W16.f(c0Bar), W16.f(c1Bar), sBar.map { W16.f($0) },
                                   timeRow ? 1 : 0)
        } else {
            mfg_spline_reverse_f64(2, nb, d, K, W16.d(x), unsafeBitCast(lo, to: Double.self),
                                   unsafeBitCast(invh, to: Double.self), W16.d(c0), W16.d(c1), W16.d(c2),
                                   traceWeights.map { W16.d($0) }, phiBar.map { W16.d($0) }, gBar.map { W16.d($0) },
                                   lapBar.map { W16.d($0) }, W16.d(c0Bar), W16.d(c1Bar), sBar.map { W16.d($0) },
                                   timeRow ? 1 : 0)
        }
    }

    /// `forward` for samples at mixed times: each forms its coefficients from `theta` (block
    /// sep_spline) and its own time basis (`timeBasis`: per sample φₖ, φₖ′/T, φₖ″/T², k = 0…p).
    @inline(__always)
    static func mixedForward<T: Scalar>(nb: Int, d: Int, K: Int, p: Int, x: UnsafePointer<T>, lo: T, invh: T,
                                        theta: UnsafePointer<T>, timeBasis: UnsafePointer<T>,
                                        traceWeights: UnsafePointer<T>?, value: Bool, valueOnly: Bool,
                                        phi: UnsafeMutablePointer<T>,
                                        gradient: UnsafeMutablePointer<T>, laplacian: UnsafeMutablePointer<T>) {
        if T.self == Float.self {
            mfg_spline_forward_mixed_f32(2, nb, d, K, Int32(p), W16.f(x), unsafeBitCast(lo, to: Float.self),
                                         unsafeBitCast(invh, to: Float.self), W16.f(theta), W16.f(timeBasis),
                                         traceWeights.map { W16.f($0) }, value ? 1 : 0, valueOnly ? 1 : 0,
                                         W16.f(phi), W16.f(gradient), W16.f(laplacian))
        } else {
            mfg_spline_forward_mixed_f64(2, nb, d, K, Int32(p), W16.d(x), unsafeBitCast(lo, to: Double.self),
                                         unsafeBitCast(invh, to: Double.self), W16.d(theta), W16.d(timeBasis),
                                         traceWeights.map { W16.d($0) }, value ? 1 : 0, valueOnly ? 1 : 0,
                                         W16.d(phi), W16.d(gradient), W16.d(laplacian))
        }
    }

    /// `reverse` for samples at mixed times: adds to `gTheta` (the gradient's block sep_spline).
    @inline(__always)
    static func mixedReverse<T: Scalar>(nb: Int, d: Int, K: Int, p: Int, x: UnsafePointer<T>, lo: T, invh: T,
                                        theta: UnsafePointer<T>, timeBasis: UnsafePointer<T>,
                                        traceWeights: UnsafePointer<T>?, phiBar: UnsafePointer<T>?, gBar: UnsafePointer<T>?, lapBar: UnsafePointer<T>?,
                                        gTheta: UnsafeMutablePointer<T>, sBar: UnsafeMutablePointer<T>?, timeRow: Bool) {
        if T.self == Float.self {
            mfg_spline_reverse_mixed_f32(2, nb, d, K, Int32(p), W16.f(x), unsafeBitCast(lo, to: Float.self),
                                         unsafeBitCast(invh, to: Float.self), W16.f(theta), W16.f(timeBasis),
                                         traceWeights.map { W16.f($0) }, phiBar.map { W16.f($0) },
                                         gBar.map { W16.f($0) }, lapBar.map { W16.f($0) }, W16.f(gTheta),
                                         sBar.map { W16.f($0) }, timeRow ? 1 : 0)
        } else {
            mfg_spline_reverse_mixed_f64(2, nb, d, K, Int32(p), W16.d(x), unsafeBitCast(lo, to: Double.self),
                                         unsafeBitCast(invh, to: Double.self), W16.d(theta), W16.d(timeBasis),
                                         traceWeights.map { W16.d($0) }, phiBar.map { W16.d($0) },
                                         gBar.map { W16.d($0) }, lapBar.map { W16.d($0) }, W16.d(gTheta),
                                         sBar.map { W16.d($0) }, timeRow ? 1 : 0)
        }
    }
}
