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
/// Per sample that is d·q activations, evaluated for the whole block in one pass of the
/// vectorized activation kernel (σ, σ′, σ″ together); the sums over units are matrix–vector
/// products over the block.
///
/// Reverse mode for ℒ = Σₛ [Φ̄ₛΦ + Ḡₛ·∇ₛΦ + Δ̄ₛΔΦ], per unit with gₜ = ḡₜ/T and the drive
/// δ = ḡᵢaᵢⱼ + gₜbᵢⱼ (the adjoint reaching σ′ through ∇ₛΦ):
///
///     ȳ = w[Φ̄σ′ + δσ″ + Δ̄a²σ‴],
///     w̄ += Φ̄σ + δσ′ + Δ̄a²σ″,   ā += w(ḡᵢσ′ + 2Δ̄aσ″) + ȳxᵢ,   b̄ += w gₜσ′ + ȳτ,   c̄ += ȳ,
///     x̄ᵢ += Σⱼ ȳaᵢⱼ,   t̄ += Σᵢⱼ ȳbᵢⱼ/T.
extension PotentialNetwork {
    /// Adds Φ_S, ∇ₛΦ_S and ΔΦ_S to the block held in `ws`.
    @inline(__always)
    func separableForward(_ theta: UnsafePointer<T>, _ ws: PotentialWorkspace<T>, _ nb: Int, _ valueOnly: Bool) {
        guard let off = layout.separableOffsets else { return }
        let d = shape.dimension, dd = d + 1, q = shape.separableWidth, dq = d * q
        let a = theta + off.a, b = theta + off.b, c = theta + off.c, w = theta + off.w
        let invT = T(1 / shape.timeScale)
        let x = UnsafePointer(ws.input), pre = ws.sepPre
        for s in 0..<nb {
            let xc = x + s * dd, tau = xc[d] * invT, ps = pre + s * dq
            for j in 0..<q {
                let o = j * d
                for i in 0..<d { ps[o + i] = a[o + i] * xc[i] + (b[o + i] * tau + c[o + i]) }
            }
        }
        ActivationKernel.apply(count: dq * nb, pre: pre, prev: nil, h: 0, act: ws.sepAct, sp: ws.sepSp,
                               spp: ws.sepSpp)
        // Φ += σᵀw per sample.
        T.blasGemv(.transposed, dq, nb, 1, ws.sepAct, dq, w, 1, ws.phi)
        if valueOnly { return }
        let wa = ws.sepCoef, wbT = ws.sepCoef + dq, waa = ws.sepCoef + 2 * dq
        for k in 0..<dq { wa[k] = w[k] * a[k]; wbT[k] = w[k] * b[k] * invT; waa[k] = wa[k] * a[k] }
        // ∂ₜΦ (the t row of the gradient, stride d + 1) and ΔΦ.
        T.blasGemm(.none, .none, 1, nb, dq, 1, wbT, 1, ws.sepSp, dq, 1, ws.gradient + d, dd)
        T.blasGemv(.transposed, dq, nb, 1, ws.sepSpp, dq, waa, 1, ws.laplacian)
        for s in 0..<nb {
            let g = ws.gradient + s * dd, sp = ws.sepSp + s * dq
            for j in 0..<q {
                let o = j * d
                for i in 0..<d { g[i] += wa[o + i] * sp[o + i] }
            }
        }
    }

    /// Reverse mode of the separable part (see the type's documentation): adds to the gradient
    /// blocks sep_a, sep_b, sep_c, sep_w and, when `sBar` is given, to the input adjoint.
    @inline(__always)
    func separableBackward(_ theta: UnsafePointer<T>, _ phiBar: UnsafePointer<T>?, _ gBar: UnsafePointer<T>?,
                           _ lapBar: UnsafePointer<T>?, _ ws: PotentialWorkspace<T>,
                           _ grad: UnsafeMutablePointer<T>, _ sBar: UnsafeMutablePointer<T>?) {
        guard let off = layout.separableOffsets, phiBar != nil || gBar != nil || lapBar != nil else { return }
        let d = shape.dimension, dd = d + 1, q = shape.separableWidth, dq = d * q, nb = ws.count
        let a = theta + off.a, b = theta + off.b, w = theta + off.w
        let ga = grad + off.a, gb = grad + off.b, gc = grad + off.c, gw = grad + off.w
        let invT = T(1 / shape.timeScale)
        let x = UnsafePointer(ws.input), yBar = ws.sepPre
        for s in 0..<nb {
            let xc = x + s * dd, tau = xc[d] * invT
            let pb: T = phiBar?[s] ?? 0, lb: T = lapBar?[s] ?? 0
            let gt: T = (gBar?[s * dd + d] ?? 0) * invT
            let gx: UnsafePointer<T>? = gBar.map { $0 + s * dd }
            let base = s * dq
            let act = ws.sepAct + base, sp = ws.sepSp + base, spp = ws.sepSpp + base, yb = yBar + base
            // One unit: gi is the adjoint of ∂Φ/∂xᵢ (0 without Ḡ).
            @inline(__always) func unit(_ k: Int, _ xi: T, _ gi: T) {
                let s1 = sp[k], s2 = spp[k], s3 = -2 * s1 * s2, wk = w[k], ak = a[k]
                let drive = gi * ak + gt * b[k]
                let aa = ak * ak
                let ybar = wk * (pb * s1 + drive * s2 + lb * aa * s3)
                gw[k] += pb * act[k] + drive * s1 + lb * aa * s2
                ga[k] += wk * (gi * s1 + 2 * lb * ak * s2) + ybar * xi
                gb[k] += wk * gt * s1 + ybar * tau
                gc[k] += ybar
                yb[k] = ybar
            }
            for j in 0..<q {
                let o = j * d
                if let gx { for i in 0..<d { unit(o + i, xc[i], gx[i]) } } else { for i in 0..<d { unit(o + i, xc[i], 0) } }
            }
            if let sBar {
                let sb = sBar + s * dd
                for j in 0..<q {
                    let o = j * d
                    for i in 0..<d { sb[i] += yb[o + i] * a[o + i] }
                }
            }
        }
        if let sBar {
            // t̄ += Σᵢⱼ ȳ bᵢⱼ/T per sample (the t row of the input adjoint, stride d + 1).
            let bT = ws.sepCoef
            for k in 0..<dq { bT[k] = b[k] * invT }
            T.blasGemm(.none, .none, 1, nb, dq, 1, bT, 1, yBar, dq, 1, sBar + d, dd)
        }
    }
}
