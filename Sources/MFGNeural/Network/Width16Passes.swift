import MFGMath

/// Per-sample passes of the network sweeps for width m = 16 with one SIMD16 vector per
/// 16-row column, generic over the scalar type T (Float or Double; the type test folds away
/// in the specialized callers). Swift neither vectorizes floating-point sums (that would
/// reassociate them) nor removes the aliasing checks of the generic per-column loops over
/// m = 16 entries; here every sum runs in 16 lanes and is reduced once with `sum()`, and the
/// elementwise updates keep the operation order of the generic loops (same rounding).
enum W16 {
    /// Whether the m = 16 paths apply: width 16 and T is Float or Double.
    @inline(__always)
    static func applies<T: Scalar>(_: T.Type, width m: Int) -> Bool {
        m == 16 && (T.self == Float.self || T.self == Double.self)
    }

    /// Σᵢ aᵢ bᵢ cᵢ over 16 entries (lane-wise products, then one reduction).
    @inline(__always)
    static func tripleDot<T: Scalar>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>, _ c: UnsafePointer<T>) -> T {
        if T.self == Float.self {
            return unsafeBitCast(dot3(SIMD16<Float>.self, UnsafeRawPointer(a), UnsafeRawPointer(b), UnsafeRawPointer(c)),
                                 to: T.self)
        }
        return unsafeBitCast(dot3(SIMD16<Double>.self, UnsafeRawPointer(a), UnsafeRawPointer(b), UnsafeRawPointer(c)),
                             to: T.self)
    }

    /// Σᵢ aᵢ bᵢ over 16 entries.
    @inline(__always)
    static func dot<T: Scalar>(_ a: UnsafePointer<T>, _ b: UnsafePointer<T>) -> T {
        if T.self == Float.self {
            let v = (ld(SIMD16<Float>.self, a) * ld(SIMD16<Float>.self, b)).sum()
            return unsafeBitCast(v, to: T.self)
        }
        let v = (ld(SIMD16<Double>.self, a) * ld(SIMD16<Double>.self, b)).sum()
        return unsafeBitCast(v, to: T.self)
    }

    /// acc[0..<16] += Σ over `count` columns of x (16 × count, contiguous): column sums,
    /// accumulated column by column in the same order as the generic loop.
    @inline(__always)
    static func addColumnSums<T: Scalar>(_ x: UnsafePointer<T>, count: Int, into acc: UnsafeMutablePointer<T>) {
        if T.self == Float.self { colSums(SIMD16<Float>.self, UnsafeRawPointer(x), count, UnsafeMutableRawPointer(acc)) }
        else { colSums(SIMD16<Double>.self, UnsafeRawPointer(x), count, UnsafeMutableRawPointer(acc)) }
    }

    /// dst_j = s ⊙ src_j for j < columns (16-row columns).
    @inline(__always)
    static func scaleColumns<T: Scalar>(_ s: UnsafePointer<T>, _ src: UnsafePointer<T>, columns: Int,
                                        _ dst: UnsafeMutablePointer<T>) {
        if T.self == Float.self { scaleCols(SIMD16<Float>.self, UnsafeRawPointer(s), UnsafeRawPointer(src), columns, UnsafeMutableRawPointer(dst)) }
        else { scaleCols(SIMD16<Double>.self, UnsafeRawPointer(s), UnsafeRawPointer(src), columns, UnsafeMutableRawPointer(dst)) }
    }

    // MARK: - SIMD bodies

    @inline(__always)
    static func ld<V: SIMD, T>(_: V.Type, _ p: UnsafePointer<T>) -> V { UnsafeRawPointer(p).loadUnaligned(as: V.self) }

    @inline(__always)
    static func dot3<V: SIMD>(_: V.Type, _ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ c: UnsafeRawPointer) -> V.Scalar
        where V.Scalar: BinaryFloatingPoint {
        (a.loadUnaligned(as: V.self) * b.loadUnaligned(as: V.self) * c.loadUnaligned(as: V.self)).sum()
    }

    @inline(__always)
    static func colSums<V: SIMD>(_: V.Type, _ x: UnsafeRawPointer, _ n: Int, _ acc: UnsafeMutableRawPointer)
        where V.Scalar: BinaryFloatingPoint {
        let stride = MemoryLayout<V>.size
        var s = acc.loadUnaligned(as: V.self)
        for col in 0..<n { s += x.loadUnaligned(fromByteOffset: col * stride, as: V.self) }
        acc.storeBytes(of: s, as: V.self)
    }

    @inline(__always)
    static func scaleCols<V: SIMD>(_: V.Type, _ s: UnsafeRawPointer, _ src: UnsafeRawPointer, _ n: Int,
                                   _ dst: UnsafeMutableRawPointer) where V.Scalar: BinaryFloatingPoint {
        let stride = MemoryLayout<V>.size
        let sv = s.loadUnaligned(as: V.self)
        for j in 0..<n {
            dst.storeBytes(of: sv * src.loadUnaligned(fromByteOffset: j * stride, as: V.self),
                           toByteOffset: j * stride, as: V.self)
        }
    }
}
