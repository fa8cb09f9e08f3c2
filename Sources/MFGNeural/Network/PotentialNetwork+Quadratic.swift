import MFGMath
import MFGProblem

/// The time-varying symmetric quadratic part of Φ,
///
///     Φ_Q(x, t) = ½ xᵀM(τ)x + v(τ)ᵀx,   M(τ) = Σₖ φₖ(τ) Sₖ,  v(τ) = Σₖ φₖ(τ) vₖ,  τ = t/T,
///
/// with Sₖ = ½(Bₖ + Bₖᵀ) for the stored d × d blocks Bₖ (`full`; any stored matrix gives a
/// symmetric M, and training keeps Bₖ symmetric since its gradient is symmetric and it starts
/// at 0) or Sₖ = diag(Bₖ) for stored d-vectors (`diagonal`), and φₖ the shifted Legendre basis
/// (`TimeBasis`). With primes for d/dτ:
///
///     ∇ₓΦ_Q = M x + v,   ∂ₜΦ_Q = (½ xᵀM′x + v′ᵀx)/T,   ΔₓΦ_Q = tr M.
///
/// Every sample of a training block sits at the same Runge–Kutta stage time, so M and M′ are
/// formed once per run of equal t (O((p + 1)d²)) and the block costs ONE gemm [M; M′]·X
/// (2d × d × nb). Blocks whose t differ (points given by users) are split into maximal runs of
/// equal t, each with its own coefficients: correct for any input, fast for the common case.
///
/// Reverse mode for ℒ = Σₛ [Φ̄ₛΦ + Ḡₛ·∇ₛΦ + Δ̄ₛΔΦ] (ḡ = Ḡ's x rows, ḡₜ its t row), per run:
///
///     ∂ℒ/∂M  = Σₛ (½Φ̄ₛ xₛ + ḡₛ) xₛᵀ + (Σₛ Δ̄ₛ) I,   ∂ℒ/∂M′ = Σₛ ḡₜₛ/(2T) xₛxₛᵀ,
///     ∂ℒ/∂Bₖ = φₖ sym(∂ℒ/∂M) + φₖ′ sym(∂ℒ/∂M′)        (sym(G) = ½(G + Gᵀ); one gemm [U; V]·Xᵀ),
///     ∂ℒ/∂vₖ = φₖ Σₛ (Φ̄ₛ xₛ + ḡₛ) + φₖ′ Σₛ (ḡₜₛ/T) xₛ,
///     ∂ℒ/∂x  = Φ̄(Mx + v) + M ḡ + (ḡₜ/T)(M′x + v′)                        (one gemm M·Ḡ),
///     ∂ℒ/∂t  = Φ̄ ∂ₜΦ_Q + ḡ·(M′x + v′)/T + ḡₜ(½ xᵀM″x + v″ᵀx)/T² + Δ̄ tr M′/T   (gemm M″·X, p ≥ 2).
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

    /// The time basis at the run starting at column `start`.
    @inline(__always)
    private func timeBasis(_ ws: PotentialWorkspace<T>, column start: Int) -> TimeBasis {
        let t = Double(ws.input[start * shape.inputSize + shape.dimension])
        return TimeBasis(degree: shape.timeDegree, at: t / shape.timeScale)
    }

    /// Σₖ weightₖ Sₖ into `dst`: a d × d matrix with leading dimension `ld` (full; symmetrized,
    /// so exactly symmetric) or a d-vector (diagonal).
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
        for j in 0..<d { (dst + j * ld).update(repeating: 0, count: d) }
        for k in offsets.indices {
            let f = T(weights[k]), s = theta + offsets[k]
            if f == 0 { continue }
            for j in 0..<d {
                let col = dst + j * ld, sc = s + j * d
                for i in 0..<d { col[i] += f * sc[i] }
            }
        }
        symmetrize(dst, ld: ld)
    }

    /// G ← ½(G + Gᵀ) for the d × d matrix at `g` with leading dimension `ld`.
    @inline(__always)
    private func symmetrize(_ g: UnsafeMutablePointer<T>, ld: Int) {
        let d = shape.dimension
        for j in 0..<d {
            for i in 0..<j {
                let v = (g[i + j * ld] + g[j + i * ld]) / 2
                g[i + j * ld] = v; g[j + i * ld] = v
            }
        }
    }

    /// v(τ), v′(τ) (and v″(τ) with `second`) into `ws.quadVec`.
    @inline(__always)
    private func combineVectors(_ theta: UnsafePointer<T>, _ basis: TimeBasis, _ ws: PotentialWorkspace<T>,
                                second: Bool) {
        let d = shape.dimension, vec = ws.quadVec
        vec.update(repeating: 0, count: (second ? 3 : 2) * d)
        for (k, off) in layout.quadraticVectorOffsets.enumerated() {
            let f0 = T(basis.value[k]), f1 = T(basis.first[k]), f2 = T(basis.second[k]), vk = theta + off
            for i in 0..<d { vec[i] += f0 * vk[i]; vec[d + i] += f1 * vk[i] }
            if second { for i in 0..<d { vec[2 * d + i] += f2 * vk[i] } }
        }
    }

    /// M and M′ (full: the stack [M; M′], leading dimension 2d; diagonal: μ, μ′) and v, v′ for a run.
    @inline(__always)
    private func formQuadratic(_ theta: UnsafePointer<T>, _ ws: PotentialWorkspace<T>, _ basis: TimeBasis) {
        let d = shape.dimension
        if shape.quadratic == .full {
            combineMatrices(theta, basis.value, into: ws.quadCoef, ld: 2 * d)
            combineMatrices(theta, basis.first, into: ws.quadCoef + d, ld: 2 * d)
        } else {
            combineMatrices(theta, basis.value, into: ws.quadCoef, ld: 1)
            combineMatrices(theta, basis.first, into: ws.quadCoef + d, ld: 1)
        }
        combineVectors(theta, basis, ws, second: false)
    }

    /// tr M and tr M′ of the coefficients held.
    @inline(__always)
    private func quadraticTraces(_ ws: PotentialWorkspace<T>) -> (T, T) {
        let d = shape.dimension, c = ws.quadCoef
        var t0: T = 0, t1: T = 0
        if shape.quadratic == .full {
            for i in 0..<d { t0 += c[i + i * 2 * d]; t1 += c[d + i + i * 2 * d] }
        } else {
            for i in 0..<d { t0 += c[i]; t1 += c[d + i] }
        }
        return (t0, t1)
    }

    /// Adds Φ_Q, ∇ₛΦ_Q and ΔΦ_Q to the block held in `ws` (after the ResNet part).
    @inline(__always)
    func quadraticForward(_ theta: UnsafePointer<T>, _ ws: PotentialWorkspace<T>, _ nb: Int, _ valueOnly: Bool) {
        let d = shape.dimension, dd = d + 1, d2 = 2 * d
        let x = UnsafePointer(ws.input), y = ws.quadY, vec = ws.quadVec
        let invT = T(1 / shape.timeScale)
        var runs = 0
        forEachTimeRun(x, count: nb) { start, end in
            runs += 1
            formQuadratic(theta, ws, timeBasis(ws, column: start))
            // [M x; M′ x] for the run's columns (kept for the reverse pass, also after a
            // value-only call, whose reverse pass needs M′x for the t adjoint).
            if shape.quadratic == .full {
                T.blasGemm(.none, .none, d2, end - start, d, 1, ws.quadCoef, d2, x + start * dd, dd,
                           0, y + start * d2, d2)
            } else {
                let mu = ws.quadCoef
                for col in start..<end {
                    let xc = x + col * dd, yc = y + col * d2
                    for i in 0..<d { yc[i] = mu[i] * xc[i]; yc[d + i] = mu[d + i] * xc[i] }
                }
            }
            let (trM, _) = quadraticTraces(ws)
            for col in start..<end {
                let xc = x + col * dd, yc = y + col * d2
                var value: T = 0
                for i in 0..<d { value += xc[i] * (yc[i] / 2 + vec[i]) }
                ws.phi[col] += value
                if valueOnly { continue }
                let g = ws.gradient + col * dd
                var dt: T = 0
                for i in 0..<d {
                    g[i] += yc[i] + vec[i]
                    dt += xc[i] * (yc[d + i] / 2 + vec[d + i])
                }
                g[d] += dt * invT
                ws.laplacian[col] += trM
            }
        }
        ws.quadRuns = runs
    }

    /// Reverse mode of the quadratic part (see the type's documentation): adds to the gradient
    /// blocks S0…Sp, v0…vp and, when `sBar` is given, to the input adjoint.
    @inline(__always)
    func quadraticBackward(_ theta: UnsafePointer<T>, _ phiBar: UnsafePointer<T>?, _ gBar: UnsafePointer<T>?,
                           _ lapBar: UnsafePointer<T>?, _ ws: PotentialWorkspace<T>,
                           _ grad: UnsafeMutablePointer<T>, _ sBar: UnsafeMutablePointer<T>?) {
        guard phiBar != nil || gBar != nil || lapBar != nil else { return }
        let d = shape.dimension, dd = d + 1, d2 = 2 * d, nb = ws.count
        let full = shape.quadratic == .full
        let x = UnsafePointer(ws.input), y = ws.quadY, vec = ws.quadVec
        let invT = T(1 / shape.timeScale), invT2 = invT * invT
        let acc0 = ws.quadAcc, acc1 = ws.quadAcc + d, accU = ws.quadAcc + 2 * d, accV = ws.quadAcc + 3 * d
        let sOff = layout.quadraticMatrixOffsets, vOff = layout.quadraticVectorOffsets
        let reuse = ws.quadRuns == 1
        forEachTimeRun(x, count: nb) { start, end in
            let len = end - start, xs = x + start * dd
            let basis = timeBasis(ws, column: start)
            if !reuse { formQuadratic(theta, ws, basis) }
            let (_, trM1) = quadraticTraces(ws)
            // Per-coordinate sums of the run and the stacked [U; V] (U = ½Φ̄x + ḡ, V = ḡₜx/(2T)).
            ws.quadAcc.update(repeating: 0, count: 4 * d)
            var lapSum: T = 0
            let w = ws.quadW
            for c in 0..<len {
                let col = start + c, xc = x + col * dd, wc = w + c * d2
                let pb: T = phiBar?[col] ?? 0
                let gt: T = (gBar?[col * dd + d] ?? 0) * invT
                if let lapBar { lapSum += lapBar[col] }
                if let gBar {
                    let gc = gBar + col * dd
                    for i in 0..<d {
                        let u = pb / 2 * xc[i] + gc[i], v = gt / 2 * xc[i]
                        wc[i] = u; wc[d + i] = v
                        acc0[i] += pb * xc[i] + gc[i]; acc1[i] += gt * xc[i]
                        accU[i] += u * xc[i]; accV[i] += v * xc[i]
                    }
                } else {
                    for i in 0..<d {
                        let u = pb / 2 * xc[i]
                        wc[i] = u; wc[d + i] = 0
                        acc0[i] += pb * xc[i]; accU[i] += u * xc[i]
                    }
                }
            }
            // ∂ℒ/∂Bₖ and ∂ℒ/∂vₖ.
            let hasUV = phiBar != nil || gBar != nil
            if full && hasUV {
                let g = ws.quadG
                // [U; V] Xᵀ (only U's half when there is no Ḡ: V = 0).
                T.blasGemm(.none, .transposed, gBar != nil ? d2 : d, d, len, 1, w, d2, xs, dd, 0, g, d2)
                if gBar == nil { for j in 0..<d { (g + d + j * d2).update(repeating: 0, count: d) } }
                symmetrize(g, ld: d2); symmetrize(g + d, ld: d2)
                for k in sOff.indices {
                    let f0 = T(basis.value[k]), f1 = T(basis.first[k]), bk = grad + sOff[k]
                    for j in 0..<d {
                        let col = bk + j * d, gu = g + j * d2, gv = g + d + j * d2
                        for i in 0..<d { col[i] += f0 * gu[i] + f1 * gv[i] }
                        col[j] += f0 * lapSum
                    }
                }
            } else {
                for k in sOff.indices {
                    let f0 = T(basis.value[k]), f1 = T(basis.first[k]), bk = grad + sOff[k]
                    if full {
                        for j in 0..<d { bk[j + j * d] += f0 * lapSum }
                    } else {
                        for i in 0..<d { bk[i] += f0 * (accU[i] + lapSum) + f1 * accV[i] }
                    }
                }
            }
            for k in vOff.indices {
                let f0 = T(basis.value[k]), f1 = T(basis.first[k]), vk = grad + vOff[k]
                for i in 0..<d { vk[i] += f0 * acc0[i] + f1 * acc1[i] }
            }
            guard let sBar else { return }
            // ∂ℒ/∂x and ∂ℒ/∂t. Z = M ḡ and Z″ = M″ x (d × len each) reuse the [U; V] scratch.
            let z = w, z2 = w + d * len
            let needSecond = gBar != nil && shape.timeDegree >= 2
            if let gBar {
                if full {
                    T.blasGemm(.none, .none, d, len, d, 1, ws.quadCoef, d2, gBar + start * dd, dd, 0, z, d)
                } else {
                    for c in 0..<len {
                        let gc = gBar + (start + c) * dd, zc = z + c * d
                        for i in 0..<d { zc[i] = ws.quadCoef[i] * gc[i] }
                    }
                }
            }
            if needSecond {
                let m2 = ws.quadCoef + 2 * d * (full ? d : 1)
                combineMatrices(theta, basis.second, into: m2, ld: full ? d : 1)
                combineVectors(theta, basis, ws, second: true)
                if full {
                    T.blasGemm(.none, .none, d, len, d, 1, m2, d, xs, dd, 0, z2, d)
                } else {
                    for c in 0..<len {
                        let xc = xs + c * dd, zc = z2 + c * d
                        for i in 0..<d { zc[i] = m2[i] * xc[i] }
                    }
                }
            }
            for c in 0..<len {
                let col = start + c, xc = x + col * dd, yc = y + col * d2, sb = sBar + col * dd
                let pb: T = phiBar?[col] ?? 0, lb: T = lapBar?[col] ?? 0
                var dtQ: T = 0
                for i in 0..<d { dtQ += xc[i] * (yc[d + i] / 2 + vec[d + i]) }
                var tBar = pb * dtQ * invT + lb * trM1 * invT
                for i in 0..<d { sb[i] += pb * (yc[i] + vec[i]) }
                if let gBar {
                    let gc = gBar + col * dd, gt = gc[d] * invT, zc = z + c * d
                    var cross: T = 0
                    for i in 0..<d {
                        let slope = yc[d + i] + vec[d + i]       // M′x + v′
                        sb[i] += zc[i] + gt * slope
                        cross += gc[i] * slope
                    }
                    tBar += cross * invT
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
