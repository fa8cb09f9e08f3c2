import MFGMath
import MFGProblem

/// The time-varying symmetric quadratic part of Φ,
///
///     Φ_Q(x, t) = ½ xᵀM(τ)x + v(τ)ᵀx,   M(τ) = Σₖ φₖ(τ) Sₖ,  v(τ) = Σₖ φₖ(τ) vₖ,  τ = t/T,
///
/// with φₖ the shifted Legendre basis (`TimeBasis`) and Sₖ symmetric, indefinite allowed:
/// - `full`: Sₖ = Lₖ + Lₖᵀ − diag(Lₖ), Lₖ the lower triangle (diagonal included) of the stored
///   d × d block Sk. The strict upper triangle is not used: its gradient is 0, so training
///   leaves it at its initial 0 and the stored block is the lower triangle of Sₖ. (Storing the
///   lower triangle, not ½(B + Bᵀ), keeps every reverse-mode access contiguous: the gradient of
///   a column of Lₖ is a column of the symmetric products below, no transposed reads.)
/// - `diagonal`: Sₖ = diag(stored d-vector).
///
/// With primes for d/dτ:
///
///     ∇ₓΦ_Q = M x + v,   ∂ₜΦ_Q = (½ xᵀM′x + v′ᵀx)/T,   ΔₓΦ_Q = tr M
///
/// (Σᵢ wᵢ Mᵢᵢ with trace weights w; the Δ̄ terms of the reverse mode below then carry wᵢ:
/// (ΣΔ̄) I becomes (ΣΔ̄) W).
///
/// Every sample of a training block sits at the same Runge–Kutta stage time, so M and M′ are
/// formed once per run of equal t (O((p + 1)d²), and kept by the workspace while θ and τ stay
/// the same: once per stage and optimizer step in training) and the block costs ONE gemm
/// [M; M′]·X (2d × d × nb). Blocks whose t differ (points given by users) are split into
/// maximal runs of equal t, each with its own coefficients: correct for any input, fast for the
/// common case.
///
/// Reverse mode for ℒ = Σₛ [Φ̄ₛΦ + Ḡₛ·∇ₛΦ + Δ̄ₛΔΦ] (ḡ = Ḡ's x rows, ḡₜ its t row), per run, with
/// G = ∂ℒ/∂M and G′ = ∂ℒ/∂M′ (as if M, M′ were unconstrained) and their symmetric parts:
///
///     sym G = ½(U Xᵀ + X Uᵀ) + (Σₛ Δ̄ₛ) I,  U = ½Φ̄ X + Ḡₓ           (one syr2k: lower triangle),
///     G′    = X diag(ḡₜ/(2T)) Xᵀ                    (two syrk, over the columns with ḡₜ > 0 and < 0),
///     ∂ℒ/∂Lₖ = φₖ (2 sym G − diag G) + φₖ′ (2 G′ − diag G′)   (lower triangle),
///     ∂ℒ/∂vₖ = φₖ Σₛ (Φ̄ₛ xₛ + ḡₛ) + φₖ′ Σₛ (ḡₜₛ/T) xₛ,
///     ∂ℒ/∂x  = Φ̄(Mx + v) + M ḡ + (ḡₜ/T)(M′x + v′)                           (one gemm M·Ḡ),
///     ∂ℒ/∂t  = Φ̄ ∂ₜΦ_Q + ḡ·(M′x + v′)/T + ḡₜ(½ xᵀM″x + v″ᵀx)/T² + Δ̄ tr M′/T  (gemm M″·X, p ≥ 2).
///
/// In the stage reverse passes of training Φ̄ is absent, so U = Ḡₓ and the syr2k reads Ḡ's x
/// rows in place (no copy). The gradient needs sym G and G′ as two separate matrices: they enter
/// ∂ℒ/∂Lₖ with different weights φₖ and φₖ′, so folding G′ into the syr2k (W = U + X·diag(ḡₜ/2T),
/// ½(WXᵀ + XWᵀ) = sym G + G′ without the Δ̄ term) would give only their sum, and per k
/// (Wₖ = φₖU + φₖ′X·diag) it would take p + 1 syr2k instead of one syr2k and d² of syrk.
/// Per sample and stage the part costs 9d² flops in BLAS (forward 4d², syr2k 2d², syrk d²,
/// M ḡ 2d²), about a quarter of the width-16 ResNet's at d = 100.
///
/// The diagonal structure does the same with d-vectors, elementwise (O(d) per sample).
///
/// **The time-only term** c(t) = Σₖ φₖ(τ) cₖ (`NetworkShape.timeTerm`, coefficients `c_time`)
/// completes the quadratic ansatz: the exact potential of Gaussian transport is
/// ½xᵀM(t)x + v(t)ᵀx + c(t), and the HJB equation −∂ₜΦ + |∇ₓΦ|²/(2α_L) = 0 splits into
/// M′ = M²/α_L, v′ = Mv/α_L and c′ = |v|²/(2α_L). The last one is not polynomial in t when the
/// spread changes (with the mean moving at speed u: c′ = α_L u² σ₀²/(2σ(t)²)), and without c(t)
/// the only time-only parts of Φ are cᵀs (c′ constant), ½|a_t|²t² (c″ ≥ 0 only) and the ResNet.
/// On the samples of a d-dimensional Gaussian, xᵀDx ≈ tr(DΣ) (relative spread √(2/d)), so a
/// time-only residual r₀(t) can be cancelled in the L1 penalty by a uniform error D ∝ I of the
/// curvature equation (M′ − M²/α_L = −2D), which changes every coordinate's flow the same way:
/// every terminal standard deviation a little short, G first-order off. c(t) lets r₀ vanish
/// without touching the flow: ∇ₓc = 0 and Δₓc = 0, so it changes neither the characteristics
/// nor L, G or the log-determinants; it enters only ∂ₜΦ (HJB residual) and Φ(·, T) (terminal
/// mismatch). Forward: Φ += c(τ), ∂ₜΦ += c′(τ)/T. Reverse: ∂ℒ/∂cₖ = φₖ Σₛ Φ̄ₛ + φₖ′ Σₛ ḡₜₛ/T,
/// ∂ℒ/∂t += Φ̄ c′/T + ḡₜ c″/T².
extension PotentialNetwork {
    /// Calls `body(start, end)` for each maximal run of columns of the block with equal t.
    @inline(__always)
    func forEachTimeRun(_ input: UnsafePointer<T>, count nb: Int, _ body: (Int, Int) -> Void) {
        let dd = shape.inputSize, d = shape.dimension
        var start = 0
        while start < nb {
            let t = input[start * dd + d]
            var end = start + 1
            while end < nb && input[end * dd + d] == t { end += 1 }
            body(start, end)
            start = end
        }
    }

    /// τ = t/T of the run starting at column `start`.
    @inline(__always)
    func tau(_ ws: PotentialWorkspace<T>, column start: Int) -> Double {
        Double(ws.input[start * shape.inputSize + shape.dimension]) / shape.timeScale
    }

    /// Σₖ weightₖ Sₖ into `dst`: a d × d matrix with leading dimension `ld` (full: the lower
    /// triangles Lₖ accumulated, then mirrored, so M is exactly symmetric) or a d-vector (diagonal).
    @inline(__always)
    private func combineMatrices(_ theta: UnsafePointer<T>, _ weights: SIMD8<Double>,
                                 into dst: UnsafeMutablePointer<T>, ld: Int) {
        let d = shape.dimension, offsets = layout.quadraticMatrixOffsets
        if shape.quadratic == .diagonal {
            dst.update(repeating: 0, count: d)
            for k in offsets.indices {
                let f = T(weights[k]), s = theta + offsets[k]
                for i in 0..<d { dst[i] += f * s[i] }
            }
            return
        }
        for j in 0..<d { (dst + j + j * ld).update(repeating: 0, count: d - j) }
        for k in offsets.indices {
            let f = T(weights[k]), s = theta + offsets[k]
            if f == 0 { continue }
            for j in 0..<d {
                let col = dst + j * ld, sc = s + j * d
                for i in j..<d { col[i] += f * sc[i] }
            }
        }
        for j in 0..<d { for i in (j + 1)..<d { dst[j + i * ld] = dst[i + j * ld] } }
    }

    /// Σₖ weightₖ vₖ into `dst` (d).
    @inline(__always)
    private func combineVectors(_ theta: UnsafePointer<T>, _ weights: SIMD8<Double>, into dst: UnsafeMutablePointer<T>) {
        let d = shape.dimension
        dst.update(repeating: 0, count: d)
        for (k, off) in layout.quadraticVectorOffsets.enumerated() {
            let f = T(weights[k]), vk = theta + off
            for i in 0..<d { dst[i] += f * vk[i] }
        }
    }

    /// M and M′ (full: the stack [M; M′], leading dimension 2d; diagonal: μ, μ′) and v, v′ at τ,
    /// unless the workspace holds them already for this θ and τ.
    @inline(__always)
    private func formQuadratic(_ theta: UnsafePointer<T>, _ ws: PotentialWorkspace<T>, tau: Double) {
        if let key = ws.quadKey, key.revision == revision, key.tau == tau { return }
        let d = shape.dimension, basis = TimeBasis(degree: shape.timeDegree, at: tau)
        let ld = shape.quadratic == .full ? 2 * d : 1
        combineMatrices(theta, basis.value, into: ws.quadCoef, ld: ld)
        combineMatrices(theta, basis.first, into: ws.quadCoef + d, ld: ld)
        combineVectors(theta, basis.value, into: ws.quadVec)
        combineVectors(theta, basis.first, into: ws.quadVec + d)
        ws.quadKey = (revision, tau)
    }

    /// M″ (full: d × d after the stack; diagonal: μ″) and v″ at τ, unless held already.
    @inline(__always)
    private func formQuadraticSecond(_ theta: UnsafePointer<T>, _ ws: PotentialWorkspace<T>, tau: Double) {
        if let key = ws.quadSecondKey, key.revision == revision, key.tau == tau { return }
        let d = shape.dimension, basis = TimeBasis(degree: shape.timeDegree, at: tau)
        let full = shape.quadratic == .full
        combineMatrices(theta, basis.second, into: ws.quadCoef + 2 * d * (full ? d : 1), ld: full ? d : 1)
        combineVectors(theta, basis.second, into: ws.quadVec + 2 * d)
        ws.quadSecondKey = (revision, tau)
    }

    /// tr M and tr M′ of the coefficients held; with the workspace's trace weights w,
    /// Σᵢ wᵢ Mᵢᵢ and Σᵢ wᵢ M′ᵢᵢ.
    @inline(__always)
    private func quadraticTraces(_ ws: PotentialWorkspace<T>) -> (T, T) {
        let d = shape.dimension, c = ws.quadCoef
        var t0: T = 0, t1: T = 0
        if ws.traceWeights != nil {
            let w = ws.traceWeight
            let stride = shape.quadratic == .full ? 2 * d + 1 : 1
            for i in 0..<d { t0 += w[i] * c[i * stride]; t1 += w[i] * c[d + i * stride] }
            return (t0, t1)
        }
        if shape.quadratic == .full {
            for i in 0..<d { t0 += c[i + i * 2 * d]; t1 += c[d + i + i * 2 * d] }
        } else {
            for i in 0..<d { t0 += c[i]; t1 += c[d + i] }
        }
        return (t0, t1)
    }

    /// Adds Φ_Q, ∇ₛΦ_Q and ΔΦ_Q to the block held in `ws` (after the ResNet part); without
    /// `value` (and without `valueOnly`) Φ_Q is skipped, as the forward pass allows. The
    /// per-sample work is a C kernel (`QuadraticKernels.forward`), the same bits as Swift loops.
    @inline(__always)
    func quadraticForward(_ theta: UnsafePointer<T>, _ ws: PotentialWorkspace<T>, _ nb: Int, _ valueOnly: Bool,
                          value: Bool = true) {
        let d = shape.dimension, dd = d + 1, d2 = 2 * d
        let x = UnsafePointer(ws.input), y = ws.quadY, vec = ws.quadVec
        let invT = T(1 / shape.timeScale), full = shape.quadratic == .full
        forEachTimeRun(x, count: nb) { start, end in
            let tau = tau(ws, column: start)
            formQuadratic(theta, ws, tau: tau)
            // The time-only term c(τ) and c′(τ)/T (0 without one).
            var cValue: T = 0, cSlope: T = 0
            if let off = layout.timeTermOffset {
                let basis = TimeBasis(degree: shape.timeDegree, at: tau)
                for k in 0..<shape.timeBasisCount {
                    cValue += T(basis.value[k]) * theta[off + k]; cSlope += T(basis.first[k]) * theta[off + k]
                }
                cSlope *= invT
            }
            // [M x; M′ x] for the run's columns (kept for the reverse pass, also after a
            // value-only call, whose reverse pass needs M′x for the t adjoint): one gemm for the
            // full structure; the kernel forms μ⊙x, μ′⊙x for the diagonal one.
            if full {
                T.blasGemm(.none, .none, d2, end - start, d, 1, ws.quadCoef, d2, x + start * dd, dd,
                           0, y + start * d2, d2)
            }
            let (trM, _) = quadraticTraces(ws)
            QuadraticKernels.forward(len: end - start, d: d, x: x + start * dd, mu: full ? nil : UnsafePointer(ws.quadCoef),
                                     v: vec, y: y + start * d2, valueOnly: valueOnly, value: value, cValue: cValue,
                                     cSlope: cSlope, invT: invT, trM: trM, phi: ws.phi + start,
                                     gradient: ws.gradient + start * dd, laplacian: ws.laplacian + start)
        }
    }

    /// Reverse mode of the quadratic part (see the type's documentation): adds to the gradient
    /// blocks S0…Sp, v0…vp and, when `sBar` is given, to the input adjoint (its t row only
    /// with `timeAdjoint`).
    @inline(__always)
    func quadraticBackward(_ theta: UnsafePointer<T>, _ phiBar: UnsafePointer<T>?, _ gBar: UnsafePointer<T>?,
                           _ lapBar: UnsafePointer<T>?, _ ws: PotentialWorkspace<T>,
                           _ grad: UnsafeMutablePointer<T>, _ sBar: UnsafeMutablePointer<T>?, timeAdjoint: Bool) {
        guard phiBar != nil || gBar != nil || lapBar != nil else { return }
        let d = shape.dimension, dd = d + 1, d2 = 2 * d, nb = ws.count
        let full = shape.quadratic == .full, weighted = ws.traceWeights != nil
        let x = UnsafePointer(ws.input), y = ws.quadY, vec = ws.quadVec
        let invT = T(1 / shape.timeScale), invT2 = invT * invT
        let acc0 = ws.quadAcc, acc1 = ws.quadAcc + d, accU = ws.quadAcc + 2 * d, accV = ws.quadAcc + 3 * d
        let sOff = layout.quadraticMatrixOffsets, vOff = layout.quadraticVectorOffsets
        forEachTimeRun(x, count: nb) { start, end in
            let len = end - start, xs = x + start * dd
            let tau = tau(ws, column: start), basis = TimeBasis(degree: shape.timeDegree, at: tau)
            formQuadratic(theta, ws, tau: tau)
            let (_, trM1) = quadraticTraces(ws)
            // Per-coordinate sums of the run; full: U = ½Φ̄x + ḡ (d × len) and the columns
            // √|ḡₜ/(2T)| x, those with ḡₜ > 0 from the front, < 0 from the back (d × len);
            // diagonal: the four sums of `QuadraticKernels.diagonalSums` (C kernel).
            ws.quadAcc.update(repeating: 0, count: 4 * d)
            var lapSum: T = 0
            if let lapBar { for col in start..<end { lapSum += lapBar[col] } }
            let u = ws.quadW, scaled = ws.quadW + d * len
            var positive = 0, negative = 0
            if !full {
                QuadraticKernels.diagonalSums(len: len, d: d, x: xs, phiBar: phiBar.map { $0 + start },
                                              gBar: gBar.map { $0 + start * dd }, invT: invT, acc0: acc0, acc1: acc1,
                                              accU: accU, accV: accV)
            }
            for c in 0..<(full ? len : 0) {
                let col = start + c, xc = x + col * dd, uc = u + c * d
                let pb: T = phiBar?[col] ?? 0
                guard let gBar else {
                    for i in 0..<d { let ui = pb / 2 * xc[i]; uc[i] = ui; acc0[i] += pb * xc[i] }
                    continue
                }
                let gc = gBar + col * dd, gt = gc[d] * invT
                if phiBar == nil {
                    // U = ḡ: the syr2k below reads ḡ in place, no copy.
                    for i in 0..<d { acc0[i] += gc[i]; acc1[i] += gt * xc[i] }
                } else {
                    for i in 0..<d {
                        let ui = pb / 2 * xc[i] + gc[i]
                        uc[i] = ui
                        acc0[i] += pb * xc[i] + gc[i]; acc1[i] += gt * xc[i]
                    }
                }
                let cv = gt / 2
                if cv != 0 {
                    let r = cv.magnitude.squareRoot()
                    let dst = scaled + (cv > 0 ? positive : len - 1 - negative) * d
                    for i in 0..<d { dst[i] = r * xc[i] }
                    if cv > 0 { positive += 1 } else { negative += 1 }
                }
            }
            // ∂ℒ/∂Sₖ.
            if full {
                let gu = ws.quadG, gv = ws.quadG + d * d
                let hasU = phiBar != nil || gBar != nil, hasV = positive + negative > 0
                if hasU {
                    if phiBar == nil, let gBar {   // U = ḡ, read in place (leading dimension d + 1)
                        T.blasSyr2kLower(d, len, T(0.5), gBar + start * dd, dd, xs, dd, 0, gu, d)
                    } else {
                        T.blasSyr2kLower(d, len, T(0.5), u, d, xs, dd, 0, gu, d)
                    }
                }
                if hasV {
                    if positive > 0 { T.blasSyrkLower(d, positive, 1, scaled, d, 0, gv, d) }
                    else { for j in 0..<d { (gv + j + j * d).update(repeating: 0, count: d - j) } }
                    if negative > 0 {
                        T.blasSyrkLower(d, negative, -1, scaled + (len - negative) * d, d, 1, gv, d)
                    }
                }
                // Column j of both products is read once from memory and used for every k (kept
                // in L1), rather than both d × d products streamed again for each k.
                for j in 0..<d {
                    let uj = gu + j * d, vj = gv + j * d
                    for k in sOff.indices {
                        let f0 = T(basis.value[k]), f1 = T(basis.first[k]), col = grad + sOff[k] + j * d
                        col[j] += f0 * (weighted ? lapSum * ws.traceWeight[j] : lapSum)
                        switch (hasU, hasV) {
                        case (true, true):
                            col[j] += f0 * uj[j] + f1 * vj[j]
                            for i in (j + 1)..<d { col[i] += 2 * (f0 * uj[i] + f1 * vj[i]) }
                        case (true, false):
                            col[j] += f0 * uj[j]
                            for i in (j + 1)..<d { col[i] += 2 * f0 * uj[i] }
                        case (false, true):
                            col[j] += f1 * vj[j]
                            for i in (j + 1)..<d { col[i] += 2 * f1 * vj[i] }
                        case (false, false):
                            break
                        }
                    }
                }
            } else {
                for k in sOff.indices {
                    let f0 = T(basis.value[k]), f1 = T(basis.first[k]), bk = grad + sOff[k]
                    if weighted {
                        for i in 0..<d { bk[i] += f0 * (accU[i] + lapSum * ws.traceWeight[i]) + f1 * accV[i] }
                    } else {
                        for i in 0..<d { bk[i] += f0 * (accU[i] + lapSum) + f1 * accV[i] }
                    }
                }
            }
            // ∂ℒ/∂vₖ.
            for k in vOff.indices {
                let f0 = T(basis.value[k]), f1 = T(basis.first[k]), vk = grad + vOff[k]
                for i in 0..<d { vk[i] += f0 * acc0[i] + f1 * acc1[i] }
            }
            // ∂ℒ/∂cₖ of the time-only term: φₖ Σ Φ̄ + φₖ′ Σ ḡₜ/T over the run.
            var cSlope: T = 0, cCurvature: T = 0   // c′(τ)/T and c″(τ)/T², for the t adjoint
            if let off = layout.timeTermOffset {
                var phiSum: T = 0, gtSum: T = 0
                for col in start..<end {
                    if let phiBar { phiSum += phiBar[col] }
                    if let gBar { gtSum += gBar[col * dd + d] }
                }
                for k in 0..<shape.timeBasisCount {
                    grad[off + k] += T(basis.value[k]) * phiSum + T(basis.first[k]) * gtSum * invT
                    cSlope += T(basis.first[k]) * theta[off + k]
                    cCurvature += T(basis.second[k]) * theta[off + k]
                }
                cSlope *= invT; cCurvature *= invT2
            }
            guard let sBar else { return }
            // ∂ℒ/∂x and ∂ℒ/∂t. Z = M ḡ (full) and Z″ = M″ x (d × len each) reuse the scratch.
            let z = ws.quadW, z2 = ws.quadW + d * len
            let needSecond = timeAdjoint && gBar != nil && shape.timeDegree >= 2
            if full, let gBar {
                T.blasGemm(.none, .none, d, len, d, 1, ws.quadCoef, d2, gBar + start * dd, dd, 0, z, d)
            }
            if needSecond {
                let m2 = ws.quadCoef + 2 * d * (full ? d : 1)
                formQuadraticSecond(theta, ws, tau: tau)
                if full {
                    T.blasGemm(.none, .none, d, len, d, 1, m2, d, xs, dd, 0, z2, d)
                } else {
                    for c in 0..<len {
                        let xc = xs + c * dd, zc = z2 + c * d
                        for i in 0..<d { zc[i] = m2[i] * xc[i] }
                    }
                }
            }
            // The x rows: Φ̄(Mx + v) + M ḡ + (ḡₜ/T)(M′x + v′) (C kernel; diagonal: M ḡ = μ⊙ḡ inside).
            QuadraticKernels.inputAdjoint(len: len, d: d, mu: full ? nil : UnsafePointer(ws.quadCoef), z: z,
                                          y: y + start * d2, v: vec, phiBar: phiBar.map { $0 + start },
                                          gBar: gBar.map { $0 + start * dd }, invT: invT, sBar: sBar + start * dd)
            guard timeAdjoint else { return }
            // The t row.
            for c in 0..<len {
                let col = start + c, xc = x + col * dd, yc = y + col * d2, sb = sBar + col * dd
                let pb: T = phiBar?[col] ?? 0, lb: T = lapBar?[col] ?? 0
                var dtQ: T = 0
                for i in 0..<d { dtQ += xc[i] * (yc[d + i] / 2 + vec[d + i]) }
                var tBar = pb * (dtQ * invT + cSlope) + lb * trM1 * invT
                if let gBar {
                    let gc = gBar + col * dd
                    var cross: T = 0
                    for i in 0..<d { cross += gc[i] * (yc[d + i] + vec[d + i]) }
                    tBar += cross * invT + gc[d] * cCurvature
                    if needSecond {
                        let z2c = z2 + c * d
                        var q: T = 0
                        for i in 0..<d { q += xc[i] * (z2c[i] / 2 + vec[2 * d + i]) }
                        tBar += gc[d] * q * invT2
                    }
                }
                sb[d] += tBar
            }
        }
    }
}
