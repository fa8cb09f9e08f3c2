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
///
/// **Time-scaled units** (`SeparableForm.timeScaled`, block sep_e): yᵢⱼ = αᵢⱼ xᵢ + bᵢⱼ τ + cᵢⱼ
/// with the slope αᵢⱼ = aᵢⱼ + eᵢⱼ τ. A fixed unit's shape only translates in time (its width
/// 1/a is the same at every τ); where two fronts of mass meet, the velocity slope ∂ₓv = ∂ₓₓΦ
/// grows like −k/(1 − kt) over a width that shrinks, and a unit whose slope grows with τ can
/// follow it. Exactly, with ∂ₓᵢy = α and ∂ₜy = (e xᵢ + b)/T:
///
///     ∂Φ_S/∂xᵢ = Σⱼ w α σ′,  ∂ₜΦ_S = Σᵢⱼ w (e xᵢ + b) σ′/T,  ΔₓΦ_S = Σᵢⱼ w α² σ″.
///
/// At one τ this is a fixed unit with slope α plus the term Σ (w e/T) xᵢ σ′ in ∂ₜΦ, so the
/// forward pass forms α, wα, wb/T, wα², we/T once per θ revision and τ (one τ per Runge–Kutta
/// stage in training; a block of mixed times is split into runs of equal t) and runs the fixed
/// kernel's loops on them. Reverse mode, with the drive δ = ḡᵢα + gₜ(e xᵢ + b),
/// ȳ = w[Φ̄σ′ + δσ″ + Δ̄α²σ‴] and ᾱ = w(ḡᵢσ′ + 2Δ̄ασ″) + ȳxᵢ (α's adjoint, directly and through y):
///
///     ā += ᾱ,  ē += ᾱτ + w gₜ xᵢ σ′,  b̄ += w gₜ σ′ + ȳτ,  c̄ += ȳ,  w̄ += Φ̄σ + δσ′ + Δ̄α²σ″,
///     x̄ᵢ += ȳα + w gₜ e σ′,  t̄ += Σᵢⱼ [ȳ(e xᵢ + b) + (ᾱ − ȳxᵢ) e]/T.
///
/// Cost: the same activations as fixed units; the reverse pass forms α per unit and sample (a
/// few more multiplications per unit beside the activation's division and polynomial).
extension PotentialNetwork {
    /// Adds Φ_S, ∇ₛΦ_S and ΔΦ_S to the block held in `ws`, sample by sample in one C kernel: the
    /// sample's pre-activations, the activation kernel over its d·q of them, the sums over units
    /// (`SeparableKernels.forward`). Without `value`, Φ_S and σ itself are skipped (σ′, σ″ only).
    /// The coefficients w⊙a, w⊙b/T, w⊙a² (and the trace weights) are combined once per θ and
    /// weights (`sepCoefKey`), not once per block.
    @inline(__always)
    func separableForward(_ theta: UnsafePointer<T>, _ ws: PotentialWorkspace<T>, _ nb: Int, _ valueOnly: Bool,
                          value: Bool) {
        if shape.hasSplineSeparable { splineForward(theta, ws, nb, valueOnly, value: value); return }
        guard let off = layout.separableOffsets else { return }
        if let eOff = off.e {
            timeScaledForward(theta, eOff, off, ws, nb, valueOnly, value: value)
            return
        }
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
        if shape.hasSplineSeparable {
            splineBackward(theta, phiBar, gBar, lapBar, ws, grad, sBar, timeAdjoint: timeAdjoint)
            return
        }
        guard let off = layout.separableOffsets, phiBar != nil || gBar != nil || lapBar != nil else { return }
        if let eOff = off.e {
            SeparableKernels.timeScaledReverse(
                nb: ws.count, d: shape.dimension, q: shape.separableWidth, a: theta + off.a, e: theta + eOff,
                b: theta + off.b, w: theta + off.w, x: ws.input, invT: T(1 / shape.timeScale), phiBar: phiBar,
                gBar: gBar, lapBar: lapBar, act: ws.sepAct, sp: ws.sepSp, spp: ws.sepSpp, ga: grad + off.a,
                ge: grad + eOff, gb: grad + off.b, gc: grad + off.c, gw: grad + off.w, sBar: sBar,
                traceWeights: ws.traceWeights != nil ? UnsafePointer(ws.traceWeight) : nil, timeRow: timeAdjoint)
            return
        }
        SeparableKernels.reverse(nb: ws.count, d: shape.dimension, q: shape.separableWidth, a: theta + off.a,
                                 b: theta + off.b, w: theta + off.w, x: ws.input, invT: T(1 / shape.timeScale),
                                 phiBar: phiBar, gBar: gBar, lapBar: lapBar, act: ws.sepAct, sp: ws.sepSp,
                                 spp: ws.sepSpp, ga: grad + off.a, gb: grad + off.b, gc: grad + off.c,
                                 gw: grad + off.w, sBar: sBar,
                                 traceWeights: ws.traceWeights != nil ? UnsafePointer(ws.traceWeight) : nil,
                                 timeRow: timeAdjoint)
    }

    /// The forward pass of time-scaled units: the block split into maximal runs of equal t (in
    /// training one run: every sample of a block sits at the same stage time), the coefficients
    /// α = a + eτ, wα, wb/T, wα² (⊙ trace weights), we/T formed for the run's τ unless the
    /// workspace holds them for this θ revision and τ, then the fused C kernel on the run.
    @inline(__always)
    private func timeScaledForward(_ theta: UnsafePointer<T>, _ eOff: Int, _ off: ParameterLayout.SeparableOffsets,
                                   _ ws: PotentialWorkspace<T>, _ nb: Int, _ valueOnly: Bool, value: Bool) {
        let d = shape.dimension, q = shape.separableWidth, dq = d * q, dd = d + 1
        let a = theta + off.a, b = theta + off.b, w = theta + off.w, e = theta + eOff
        let invT = T(1 / shape.timeScale)
        let alpha = ws.sepCoef, wa = ws.sepCoef + dq, wbT = ws.sepCoef + 2 * dq, waa = ws.sepCoef + 3 * dq
        let weT = ws.sepCoef + 4 * dq
        let x = UnsafePointer(ws.input)
        forEachTimeRun(x, count: nb) { start, end in
            let t = x[start * dd + d]
            // The same τ as the kernel's pre-activations (t·invT in T).
            let tau = t * invT
            if ws.sepCoefKey != revision || ws.sepCoefTau != tau {
                for k in 0..<dq {
                    let al = a[k] + e[k] * tau
                    alpha[k] = al; wa[k] = w[k] * al; wbT[k] = w[k] * b[k] * invT
                    waa[k] = wa[k] * al; weT[k] = w[k] * e[k] * invT
                }
                if ws.traceWeights != nil { for k in 0..<dq { waa[k] *= ws.traceWeight[k % d] } }
                ws.sepCoefKey = revision
                ws.sepCoefTau = tau
            }
            let act: UnsafeMutablePointer<T>? = value || valueOnly ? ws.sepAct + start * dq : nil
            SeparableKernels.timeScaledForward(
                nb: end - start, d: d, q: q, alpha: alpha, b: b, c: theta + off.c, x: x + start * dd, invT: invT,
                w: w, wa: wa, wbT: wbT, weT: weT, waa: waa, valueOnly: valueOnly, row: ws.sepPre, act: act,
                sp: ws.sepSp + start * dq, spp: ws.sepSpp + start * dq, phi: ws.phi + start,
                gradient: ws.gradient + start * dd, laplacian: ws.laplacian + start)
        }
    }
}
