import CKernels
import MFGMath

/// Swift entry points of the C width-16 Jacobian-layer kernels (CKernels/Width16Jacobian.c,
/// where the formulas are): the scalar-type test folds away in the specialized callers, and
/// the instruction set is the best the CPU has.
extension W16 {
    /// Forward Jacobian layer: P = K J_prev per sample and column, q = row sums of P², and
    /// J_next = J_prev + hσ′ ⊙ P when `next` is given.
    @inline(__always)
    static func jacobianForward<T: Scalar>(K: UnsafePointer<T>, samples nb: Int, columns dJ: Int,
                                           jPrev: UnsafePointer<T>, sp: UnsafePointer<T>, h: T,
                                           p: UnsafeMutablePointer<T>, q: UnsafeMutablePointer<T>,
                                           next: UnsafeMutablePointer<T>?) {
        if T.self == Float.self {
            mfg_w16_jacobian_forward_f32(2, nb, dJ, f(K), f(jPrev), f(sp), unsafeBitCast(h, to: Float.self),
                                         f(p), f(q), next.map { f($0) })
        } else {
            mfg_w16_jacobian_forward_f64(2, nb, dJ, d(K), d(jPrev), d(sp), unsafeBitCast(h, to: Double.self),
                                         d(p), d(q), next.map { d($0) })
        }
    }

    /// Reverse Jacobian layer: P̄, J̄ ← J̄ + KᵀP̄ in place (J̄ read as zero when `jBarIsZero`),
    /// ā and z̄ updated.
    @inline(__always)
    static func jacobianReverse<T: Scalar>(K: UnsafePointer<T>, samples nb: Int, columns dJ: Int,
                                           lapBar: UnsafePointer<T>, p: UnsafePointer<T>,
                                           jBar: UnsafeMutablePointer<T>, jBarIsZero: Bool,
                                           pBar: UnsafeMutablePointer<T>, sp: UnsafePointer<T>,
                                           spp: UnsafePointer<T>, z: UnsafePointer<T>, q: UnsafePointer<T>,
                                           aBar: UnsafeMutablePointer<T>, zBar: UnsafeMutablePointer<T>, h: T) {
        if T.self == Float.self {
            mfg_w16_jacobian_reverse_f32(2, nb, dJ, f(K), f(lapBar), f(p), f(jBar), jBarIsZero ? 1 : 0, f(pBar),
                                         f(sp), f(spp), f(z), f(q), f(aBar), f(zBar), unsafeBitCast(h, to: Float.self))
        } else {
            mfg_w16_jacobian_reverse_f64(2, nb, dJ, d(K), d(lapBar), d(p), d(jBar), jBarIsZero ? 1 : 0, d(pBar),
                                         d(sp), d(spp), d(z), d(q), d(aBar), d(zBar), unsafeBitCast(h, to: Double.self))
        }
    }

    /// c += α·a·bᵀ with a, b 16 × n and c 16 × 16 (a weight adjoint K̄ summed over the samples).
    @inline(__always)
    static func outerAccumulate<T: Scalar>(n: Int, alpha: T, _ a: UnsafePointer<T>, _ b: UnsafePointer<T>,
                                           into c: UnsafeMutablePointer<T>) {
        if T.self == Float.self {
            mfg_w16_outer_accumulate_f32(2, n, unsafeBitCast(alpha, to: Float.self), f(a), f(b), f(c))
        } else {
            mfg_w16_outer_accumulate_f64(2, n, unsafeBitCast(alpha, to: Double.self), d(a), d(b), d(c))
        }
    }

    /// c ← α·op(K)·x + β·c for the 16 × 16 weights K and 16 × n columns x, c (β = 0: c not read).
    @inline(__always)
    static func product<T: Scalar>(transposed: Bool, n: Int, alpha: T, _ K: UnsafePointer<T>, _ x: UnsafePointer<T>,
                                   beta: T, into c: UnsafeMutablePointer<T>) {
        if T.self == Float.self {
            mfg_w16_product_f32(2, transposed ? 1 : 0, n, unsafeBitCast(alpha, to: Float.self), f(K), f(x),
                                unsafeBitCast(beta, to: Float.self), f(c))
        } else {
            mfg_w16_product_f64(2, transposed ? 1 : 0, n, unsafeBitCast(alpha, to: Double.self), d(K), d(x),
                                unsafeBitCast(beta, to: Double.self), d(c))
        }
    }

    @inline(__always) static func f<T>(_ p: UnsafePointer<T>) -> UnsafePointer<Float> {
        UnsafeRawPointer(p).assumingMemoryBound(to: Float.self)
    }
    @inline(__always) static func f<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Float> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: Float.self)
    }
    @inline(__always) static func d<T>(_ p: UnsafePointer<T>) -> UnsafePointer<Double> {
        UnsafeRawPointer(p).assumingMemoryBound(to: Double.self)
    }
    @inline(__always) static func d<T>(_ p: UnsafeMutablePointer<T>) -> UnsafeMutablePointer<Double> {
        UnsafeMutableRawPointer(p).assumingMemoryBound(to: Double.self)
    }
}
