/// Layer 0 of the reverse trace sweep for width m = 16, one SIMD16 vector per 16-row column,
/// over all samples of a block. Same formulas and operation order as the generic loop in
/// `PotentialNetwork+Backward.swift` (σ‴ = −2σ′σ″; layers k ≥ 1 are the C kernel
/// `mfg_w16_jacobian_reverse_*`). The carried matrix P₀ = K₀E (or L) is shared by all
/// samples and q₀ holds its row sums:
///   ā += σ″ ⊙ Σⱼ P₀ⱼ ⊙ J̄ⱼ + Δ̄ σ‴ ⊙ z ⊙ q₀,  z̄ += Δ̄ σ″ ⊙ q₀,  P̄₀ⱼ += σ′ ⊙ J̄ⱼ (summed over
///   samples) and, after the loop, P̄₀ⱼ += (Σ_samples 2Δ̄ σ″ ⊙ z) ⊙ P₀ⱼ.
extension Width16 {
    /// Layer 0 for `nb` samples: updates ā, z̄ and adds the adjoint of the carried matrix P₀
    /// (16 × dJ) to `p0Bar`.
    @inline(__always)
    static func traceReverseLayer0<V: SIMD>(_: V.Type, samples nb: Int, columns dJ: Int, lapBar: UnsafeRawPointer,
                                            p0: UnsafeRawPointer, q0: UnsafeRawPointer, jBar: UnsafeRawPointer?,
                                            p0Bar: UnsafeMutableRawPointer, sp: UnsafeRawPointer,
                                            spp: UnsafeRawPointer, z: UnsafeRawPointer,
                                            aBar: UnsafeMutableRawPointer, zBar: UnsafeMutableRawPointer)
        where V.Scalar: BinaryFloatingPoint {
        let vs = MemoryLayout<V>.size, ss = MemoryLayout<V.Scalar>.size, md = vs * dJ
        let q0v = q0.loadUnaligned(as: V.self)
        var coefSum = V()
        for col in 0..<nb {
            let lb = lapBar.load(fromByteOffset: col * ss, as: V.Scalar.self)
            let o = col * vs
            let spv = sp.loadUnaligned(fromByteOffset: o, as: V.self)
            let sppv = spp.loadUnaligned(fromByteOffset: o, as: V.self)
            let zv = z.loadUnaligned(fromByteOffset: o, as: V.self)
            var cross = V()
            if let jBar {
                let jb = jBar + col * md
                for j in 0..<dJ {
                    let jbj = jb.loadUnaligned(fromByteOffset: j * vs, as: V.self)
                    cross += p0.loadUnaligned(fromByteOffset: j * vs, as: V.self) * jbj
                    let g = p0Bar.loadUnaligned(fromByteOffset: j * vs, as: V.self) + spv * jbj
                    p0Bar.storeBytes(of: g, toByteOffset: j * vs, as: V.self)
                }
            }
            let sppp = -2 * spv * sppv
            let ab = aBar.loadUnaligned(fromByteOffset: o, as: V.self) + (sppv * cross + lb * sppp * zv * q0v)
            aBar.storeBytes(of: ab, toByteOffset: o, as: V.self)
            let zb = zBar.loadUnaligned(fromByteOffset: o, as: V.self) + lb * sppv * q0v
            zBar.storeBytes(of: zb, toByteOffset: o, as: V.self)
            coefSum += 2 * lb * sppv * zv
        }
        for j in 0..<dJ {
            let g = p0Bar.loadUnaligned(fromByteOffset: j * vs, as: V.self)
                + coefSum * p0.loadUnaligned(fromByteOffset: j * vs, as: V.self)
            p0Bar.storeBytes(of: g, toByteOffset: j * vs, as: V.self)
        }
    }
}
