import CKernels
import MFGMath

/// The separable part of Φ: q small one-dimensional units per coordinate,
///
///     Φ_S(x, t) = Σᵢ Σⱼ wᵢⱼ σ(yᵢⱼ),   yᵢⱼ = aᵢⱼ xᵢ + bᵢⱼ τ + cᵢⱼ,   τ = t/T,
///
/// (i = 1…d, j = 1…q, σ = log cosh), so Φ can be non-quadratic in every coordinate at once
/// (each coordinate its own bimodal density or 1-D obstacle). With σ′ = tanh, σ″ = 1 − tanh²,
/// σ‴ = −2σ′σ″:
///
///     ∂Φ_S/∂xᵢ = Σⱼ wᵢⱼ aᵢⱼ σ′(yᵢⱼ),  ∂ₜΦ_S = Σᵢⱼ wᵢⱼ bᵢⱼ σ′(yᵢⱼ)/T,  ΔₓΦ_S = Σᵢⱼ wᵢⱼ aᵢⱼ² σ″(yᵢⱼ).
///
/// Per sample that is d·q activations. The forward pass is one C kernel compiled per
/// instruction set (CKernels/Separable.c) that works sample by sample: the pre-activations into
/// one reused row of d·q values, the vectorized activation kernel on that row (σ′, σ″, and σ
/// when Φ is asked for), the sums over units while the row's σ′, σ″ are still in L1; the
/// reverse pass is another C kernel.
///
/// Reverse mode for ℒ = Σₛ [Φ̄ₛΦ + Ḡₛ·∇ₛΦ + Δ̄ₛΔΦ], per unit with gₜ = ḡₜ/T and the drive
/// δ = ḡᵢaᵢⱼ + gₜbᵢⱼ (the adjoint reaching σ′ through ∇ₛΦ):
///
///     ȳ = w[Φ̄σ′ + δσ″ + Δ̄a²σ‴],
///     w̄ += Φ̄σ + δσ′ + Δ̄a²σ″,   ā += w(ḡᵢσ′ + 2Δ̄aσ″) + ȳxᵢ,   b̄ += w gₜσ′ + ȳτ,   c̄ += ȳ,
///     x̄ᵢ += Σⱼ ȳaᵢⱼ,   t̄ += Σᵢⱼ ȳbᵢⱼ/T.
///
/// With trace weights w the trace is Σᵢⱼ wᵢ wᵢⱼ aᵢⱼ² σ″ and every Δ̄ above becomes wᵢΔ̄.
extension PotentialNetwork {
    /// Adds Φ_S, ∇ₛΦ_S and ΔΦ_S to the block held in `ws`, sample by sample in one C kernel: the
    /// sample's pre-activations, the activation kernel over its d·q of them, the sums over units
    /// (`SeparableKernels.forward`). Without `value`, Φ_S and σ itself are skipped (σ′, σ″ only).
    /// The coefficients w⊙a, w⊙b/T, w⊙a² (and the trace weights) are combined once per θ and
    /// weights (`sepCoefKey`), not once per block.
    @inline(__always)
    func separableForward(_ theta: UnsafePointer<T>, _ ws: PotentialWorkspace<T>, _ nb: Int, _ valueOnly: Bool,
                          value: Bool) {
        guard let off = layout.separableOffsets else { return }
        let d = shape.dimension, q = shape.separableWidth, dq = d * q
        let a = theta + off.a, b = theta + off.b, w = theta + off.w
        let invT = T(1 / shape.timeScale)
        let wa = ws.sepCoef, wbT = ws.sepCoef + dq, waa = ws.sepCoef + 2 * dq
        if ws.sepCoefKey != revision {
            for k in 0..<dq { wa[k] = w[k] * a[k]; wbT[k] = w[k] * b[k] * invT; waa[k] = wa[k] * a[k] }
            // Weighted trace: unit (i, j) is entry i + d·j, its second derivative counts wᵢ times.
            if ws.traceWeights != nil { for k in 0..<dq { waa[k] *= ws.traceWeight[k % d] } }
            ws.sepCoefKey = revision
        }
        SeparableKernels.forward(nb: nb, d: d, q: q, a: a, b: b, c: theta + off.c, x: ws.input, invT: invT, w: w,
                                 wa: wa, wbT: wbT, waa: waa, valueOnly: valueOnly, row: ws.sepPre,
                                 act: value || valueOnly ? ws.sepAct : nil, sp: ws.sepSp, spp: ws.sepSpp,
                                 phi: ws.phi, gradient: ws.gradient, laplacian: ws.laplacian)
    }

    /// Reverse mode of the separable part (see the type's documentation; C kernel): adds to the
    /// gradient blocks sep_a, sep_b, sep_c, sep_w and, when `sBar` is given, to the input adjoint
    /// (its t row only with `timeAdjoint`).
    @inline(__always)
    func separableBackward(_ theta: UnsafePointer<T>, _ phiBar: UnsafePointer<T>?, _ gBar: UnsafePointer<T>?,
                           _ lapBar: UnsafePointer<T>?, _ ws: PotentialWorkspace<T>,
                           _ grad: UnsafeMutablePointer<T>, _ sBar: UnsafeMutablePointer<T>?, timeAdjoint: Bool) {
        guard let off = layout.separableOffsets, phiBar != nil || gBar != nil || lapBar != nil else { return }
        SeparableKernels.reverse(nb: ws.count, d: shape.dimension, q: shape.separableWidth, a: theta + off.a,
                                 b: theta + off.b, w: theta + off.w, x: ws.input, invT: T(1 / shape.timeScale),
                                 phiBar: phiBar, gBar: gBar, lapBar: lapBar, act: ws.sepAct, sp: ws.sepSp,
                                 spp: ws.sepSpp, ga: grad + off.a, gb: grad + off.b, gc: grad + off.c,
                                 gw: grad + off.w, sBar: sBar,
                                 traceWeights: ws.traceWeights != nil ? UnsafePointer(ws.traceWeight) : nil,
                                 timeRow: timeAdjoint)
    }
}
