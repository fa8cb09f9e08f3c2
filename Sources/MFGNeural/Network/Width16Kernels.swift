/// Per-sample passes of the trace sweeps for width m = 16, one whole column of a Jacobian
/// (16 values) per SIMD vector: the row sums stay in registers and there are no aliasing
/// checks per 16-element inner loop (the generic loops spend most of their time on those at
/// small d). Same arithmetic as the generic loops; `V` is SIMD16<Float> or SIMD16<Double>.
enum Width16 {
    /// Forward, one sample: q = Σⱼ P_j ⊙ P_j and, when `next` is given, J_next,j = J_j + hσ′ ⊙ P_j.
    @inline(__always)
    static func forwardColumn<V: SIMD>(_: V.Type, columns dJ: Int, p: UnsafeRawPointer, jPrev: UnsafeRawPointer,
                                       next: UnsafeMutableRawPointer?, hsp: V, q: UnsafeMutableRawPointer)
        where V.Scalar: BinaryFloatingPoint {
        let stride = MemoryLayout<V>.size
        var acc = V()
        if let next {
            for j in 0..<dJ {
                let pj = p.loadUnaligned(fromByteOffset: j * stride, as: V.self)
                acc += pj * pj
                let jj = jPrev.loadUnaligned(fromByteOffset: j * stride, as: V.self)
                next.storeBytes(of: jj + hsp * pj, toByteOffset: j * stride, as: V.self)
            }
        } else {
            for j in 0..<dJ {
                let pj = p.loadUnaligned(fromByteOffset: j * stride, as: V.self)
                acc += pj * pj
            }
        }
        q.storeBytes(of: acc, as: V.self)
    }

    /// Reverse, one sample: P̄_j = hσ′ ⊙ J̄_j + hc ⊙ P_j and returns Σⱼ P_j ⊙ J̄_j (J̄ = nil: zero).
    @inline(__always)
    static func reverseColumn<V: SIMD>(_: V.Type, columns dJ: Int, p: UnsafeRawPointer, jBar: UnsafeRawPointer?,
                                       pBar: UnsafeMutableRawPointer, hsp: V, hcoef: V) -> V
        where V.Scalar: BinaryFloatingPoint {
        let stride = MemoryLayout<V>.size
        var cross = V()
        if let jBar {
            for j in 0..<dJ {
                let pj = p.loadUnaligned(fromByteOffset: j * stride, as: V.self)
                let bj = jBar.loadUnaligned(fromByteOffset: j * stride, as: V.self)
                cross += pj * bj
                pBar.storeBytes(of: hsp * bj + hcoef * pj, toByteOffset: j * stride, as: V.self)
            }
        } else {
            for j in 0..<dJ {
                let pj = p.loadUnaligned(fromByteOffset: j * stride, as: V.self)
                pBar.storeBytes(of: hcoef * pj, toByteOffset: j * stride, as: V.self)
            }
        }
        return cross
    }

    @inline(__always)
    static func load<V: SIMD>(_: V.Type, _ ptr: UnsafeRawPointer) -> V { ptr.loadUnaligned(as: V.self) }
}
