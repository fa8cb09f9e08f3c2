import MFGMath

extension PotentialNetwork {
    /// Reverse mode through `forward`: given the adjoints Φ̄ (nb), Ḡ ((d+1) × nb, for ∇ₛΦ) and
    /// Δ̄ (nb, for ΔₓΦ) of a scalar loss ℒ at the block last evaluated in `workspace`, adds
    /// ∂ℒ/∂θ to `parameterGradient` (laid out like θ) and, when `inputGradient` is given,
    /// writes ∂ℒ/∂s ((d+1) × nb) there.
    ///
    /// The adjoints are hand-derived, sweep by sweep in reverse order (trace sweep, gradient
    /// sweep, forward sweep); every layer costs one or two gemms over the block. Because the
    /// input adjoint includes the dependence of ∇Φ and ΔΦ on s, it carries Hessian-vector and
    /// third-derivative terms, exactly what reverse mode through a characteristics integrator
    /// needs. See docs/architecture.md for the derivation. The optional parts add their own
    /// adjoints afterwards (derivations next to their code).
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    ///
    /// With `timeAdjoint` false the t row of `inputGradient` is set to 0 instead of ∂ℒ/∂t: the
    /// characteristics objective has no use for it (t is not a state), and for the full
    /// quadratic part it costs a d × d × nb gemm (M″x).
    public func backward(phiBar: UnsafePointer<T>?, gradientBar: UnsafePointer<T>?,
                         laplacianBar: UnsafePointer<T>?, workspace ws: PotentialWorkspace<T>,
                         parameterGradient: UnsafeMutablePointer<T>,
                         inputGradient: UnsafeMutablePointer<T>?, timeAdjoint: Bool = true) {
        parameters.withUnsafeBufferPointer { theta in
            backwardKernel(theta.baseAddress!, phiBar, gradientBar, laplacianBar, ws,
                           parameterGradient, inputGradient)
            if shape.hasQuadratic {
                quadraticBackward(theta.baseAddress!, phiBar, gradientBar, laplacianBar, ws, parameterGradient,
                                  inputGradient, timeAdjoint: timeAdjoint)
            }
            if shape.hasSeparable {
                separableBackward(theta.baseAddress!, phiBar, gradientBar, laplacianBar, ws, parameterGradient,
                                  inputGradient, timeAdjoint: timeAdjoint)
            }
        }
        if !timeAdjoint, let inputGradient {
            let d = shape.dimension
            for col in 0..<ws.count { inputGradient[col * (d + 1) + d] = 0 }
        }
    }

    @inline(__always)
    private func backwardKernel(_ theta: UnsafePointer<T>, _ phiBar: UnsafePointer<T>?,
                                _ gBarIn: UnsafePointer<T>?, _ lapBar: UnsafePointer<T>?,
                                _ ws: PotentialWorkspace<T>, _ grad: UnsafeMutablePointer<T>,
                                _ sBarOut: UnsafeMutablePointer<T>?) {
        let m = shape.width, d = shape.dimension, dd = shape.inputSize, R = shape.residualLayers
        let r = shape.rank, h = T(shape.step)
        let nb = ws.count, mn = m * nb, dJ = shape.jacobianWidth, md = m * dJ
        let off = ParameterOffsets(layout, shape)
        let s = UnsafePointer(ws.input)
        let A = theta + off.A, w = theta + off.w
        for k in 0...R {
            ws.aBar[k].update(repeating: 0, count: mn)
            ws.zBar[k].update(repeating: 0, count: mn)
        }
        // The input adjoint accumulates in colScratch-sized buffers; use a local (d+1)×nb area.
        let sBar = ws.gBarScratchInput
        sBar.update(repeating: 0, count: dd * nb)

        // ---- Trace sweep, reversed. ------------------------------------------------------
        if let lapBar {
            var lapSum: T = 0
            for col in 0..<nb { lapSum += lapBar[col] }
            // ‖AE‖²: Ā[:, :d] += 2 ΣΔ̄ A[:, :d].
            let gA = grad + off.A
            let weighted = ws.traceWeights != nil
            if weighted {
                // Σⱼ wⱼ‖(AE)ⱼ‖²: Ā[:, j] += 2 ΣΔ̄ wⱼ A[:, j].
                for j in 0..<d {
                    let c = 2 * lapSum * ws.traceWeight[j]
                    for i in 0..<r { gA[i + j * r] += c * A[i + j * r] }
                }
            } else {
                for idx in 0..<(r * d) { gA[idx] += 2 * lapSum * A[idx] }
            }
            let jBar = ws.jBar0
            var jBarIsZero = true
            var k = R
            while k >= 1 {
                let pk = ws.p[k - 1], spk = ws.sp[k], sppk = ws.spp[k], zk = ws.z[k]
                let aBark = ws.aBar[k], zBark = ws.zBar[k]
                if W16.applies(T.self, width: m) {
                    // P̄, J̄ ← J̄ + KᵀP̄ and the ā, z̄ updates in one pass (C kernel); then K̄ += P̄ Jᵀ.
                    W16.jacobianReverse(K: theta + off.K[k], samples: nb, columns: dJ, lapBar: lapBar, p: pk,
                                        jBar: jBar, jBarIsZero: jBarIsZero, pBar: ws.pBar, sp: spk, spp: sppk,
                                        z: zk, q: ws.pNorms[k - 1], aBar: aBark, zBar: zBark, h: h)
                    W16.outerAccumulate(n: dJ * nb, alpha: 1, ws.pBar, ws.jac[k - 1], into: grad + off.K[k])
                    jBarIsZero = false
                    k -= 1
                    continue
                }
                for col in 0..<nb where !W16.applies(T.self, width: m) {
                    let lb = lapBar[col]
                    let pcol = pk + col * md, jb = jBar + col * md, pb = ws.pBar + col * md
                    let spc = spk + col * m, sppc = sppk + col * m, zc = zk + col * m
                    // Row sums ΣⱼP² come from the forward pass; ΣⱼP J̄ is built here.
                    let q = ws.pNorms[k - 1] + col * m, cross = ws.rowScratch2
                    // P̄ = h[σ′ ⊙ J̄ + 2Δ̄ σ″ z P].
                    for i in 0..<m { ws.rowScratch3[i] = 2 * lb * sppc[i] * zc[i] }
                    let coef = ws.rowScratch3
                    if jBarIsZero {
                        for i in 0..<m { cross[i] = 0 }
                        for j in 0..<dJ {
                            let pj = pcol + j * m, pbj = pb + j * m
                            for i in 0..<m { pbj[i] = h * coef[i] * pj[i] }
                        }
                    } else {
                        for i in 0..<m {
                            cross[i] = pcol[i] * jb[i]
                            pb[i] = h * (spc[i] * jb[i] + coef[i] * pcol[i])
                        }
                        for j in 1..<dJ {
                            let pj = pcol + j * m, pbj = pb + j * m, jbj = jb + j * m
                            for i in 0..<m {
                                cross[i] += pj[i] * jbj[i]
                                pbj[i] = h * (spc[i] * jbj[i] + coef[i] * pj[i])
                            }
                        }
                    }
                    let ab = aBark + col * m, zb = zBark + col * m
                    for i in 0..<m {
                        let sppp = -2 * spc[i] * sppc[i]
                        ab[i] += h * (sppc[i] * cross[i] + lb * sppp * zc[i] * q[i])
                        zb[i] += h * lb * sppc[i] * q[i]
                    }
                }
                // J̄_{k−1} = J̄_k + K_kᵀ P̄_k (in place: J̄_k is not needed again);
                // K̄_k += P̄_k J_{k−1}ᵀ.
                T.blasGemm(.transposed, .none, m, dJ * nb, m, 1, theta + off.K[k], m, ws.pBar, m,
                           jBarIsZero ? 0 : 1, jBar, m)
                T.blasGemm(.none, .transposed, m, m, dJ * nb, 1, ws.pBar, m, ws.jac[k - 1], m,
                           1, grad + off.K[k], m)
                jBarIsZero = false
                k -= 1
            }
            // Layer 0: J₀ = diag σ′(a₀) P₀ with P₀ = K₀E; t₀ = Σᵢ σ″(a₀ᵢ) z₀ᵢ ‖P₀ᵢ‖².
            // Adjoint of the matrix the sweep carried: K₀E itself, or L (then K̄₀E += L̄ Qᵀ).
            let gram = shape.usesGramFactor
            // With trace weights the carried matrix is K₀E W^{1/2} (or its factor): its adjoint is
            // built apart and K̄₀E += (its adjoint) W^{1/2} at the end.
            let p0: UnsafePointer<T> = gram ? UnsafePointer(ws.factorL)
                : (weighted ? UnsafePointer(ws.weightedK0) : theta + off.K[0])
            let gK0 = gram ? ws.factorBar : (weighted ? ws.weightedK0Bar : grad + off.K[0])
            if gram { gK0.update(repeating: 0, count: m * m) } else if weighted { gK0.update(repeating: 0, count: m * d) }
            let sp0 = ws.sp[0], spp0 = ws.spp[0], z0 = ws.z[0]
            let coefSum = ws.rowScratch3
            coefSum.update(repeating: 0, count: m)
            if W16.applies(T.self, width: m) {
                let jbOpt: UnsafeRawPointer? = jBarIsZero ? nil : UnsafeRawPointer(jBar)
                if T.self == Float.self {
                    Width16.traceReverseLayer0(SIMD16<Float>.self, samples: nb, columns: dJ, lapBar: lapBar, p0: p0,
                                               q0: ws.p0RowNorms, jBar: jbOpt, p0Bar: gK0, sp: sp0, spp: spp0, z: z0,
                                               aBar: ws.aBar[0], zBar: ws.zBar[0])
                } else {
                    Width16.traceReverseLayer0(SIMD16<Double>.self, samples: nb, columns: dJ, lapBar: lapBar, p0: p0,
                                               q0: ws.p0RowNorms, jBar: jbOpt, p0Bar: gK0, sp: sp0, spp: spp0, z: z0,
                                               aBar: ws.aBar[0], zBar: ws.zBar[0])
                }
            }
            for col in 0..<nb where !W16.applies(T.self, width: m) {
                let lb = lapBar[col]
                let spc = sp0 + col * m, sppc = spp0 + col * m, zc = z0 + col * m
                let ab = ws.aBar[0] + col * m, zb = ws.zBar[0] + col * m
                let cross = ws.rowScratch2
                if jBarIsZero {
                    for i in 0..<m { cross[i] = 0 }
                } else {
                    let jb = jBar + col * md
                    for i in 0..<m { cross[i] = 0 }
                    for j in 0..<dJ {
                        let pj = p0 + j * m, jbj = jb + j * m, gj = gK0 + j * m
                        for i in 0..<m {
                            cross[i] += pj[i] * jbj[i]
                            gj[i] += spc[i] * jbj[i]
                        }
                    }
                }
                for i in 0..<m {
                    let q = ws.p0RowNorms[i]
                    let sppp = -2 * spc[i] * sppc[i]
                    ab[i] += sppc[i] * cross[i] + lb * sppp * zc[i] * q
                    zb[i] += lb * sppc[i] * q
                    coefSum[i] += 2 * lb * sppc[i] * zc[i]
                }
            }
            for j in 0..<dJ where !W16.applies(T.self, width: m) {
                let pj = p0 + j * m, gj = gK0 + j * m
                for i in 0..<m { gj[i] += coefSum[i] * pj[i] }
            }
            if gram {
                // The trace depends on K₀E only through G = K₀E(K₀E)ᵀ = LLᵀ, so L̄ = 2ḠL and
                // K̄₀E = 2ḠK₀E = 2ḠLQᵀ = L̄Qᵀ.
                if weighted {
                    T.blasGemm(.none, .none, m, d, m, 1, ws.factorBar, m, ws.factorQt, m, 0, ws.weightedK0Bar, m)
                } else {
                    T.blasGemm(.none, .none, m, d, m, 1, ws.factorBar, m, ws.factorQt, m, 1, grad + off.K[0], m)
                }
            }
            if weighted {
                let gK = grad + off.K[0]
                for j in 0..<d {
                    let rj = ws.traceRoot[j], src = ws.weightedK0Bar + j * m, dst = gK + j * m
                    for i in 0..<m { dst[i] += rj * src[i] }
                }
            }
        }

        // ---- Gradient sweep, reversed. ---------------------------------------------------
        if let gBarIn {
            // ∇ₛΦ = K₀ᵀ g₀ + Aᵀ(As) + c.
            T.blasGemm(.none, .transposed, m, dd, nb, 1, ws.g[0], m, gBarIn, dd, 1, grad + off.K[0], m)
            T.blasGemm(.none, .none, m, nb, dd, 1, theta + off.K[0], m, gBarIn, dd, 0, ws.gBar, m)
            // Ā += (As)Ḡᵀ + (AḠ)sᵀ;  s̄ += Aᵀ(AḠ).
            T.blasGemm(.none, .none, r, nb, dd, 1, A, r, gBarIn, dd, 0, ws.rScratch0, r)
            T.blasGemm(.none, .transposed, r, dd, nb, 1, ws.as_, r, gBarIn, dd, 1, grad + off.A, r)
            T.blasGemm(.none, .transposed, r, dd, nb, 1, ws.rScratch0, r, s, dd, 1, grad + off.A, r)
            T.blasGemm(.transposed, .none, dd, nb, r, 1, A, r, ws.rScratch0, r, 1, sBar, dd)
            let gc = grad + off.c
            for col in 0..<nb { let gb = gBarIn + col * dd; for j in 0..<dd { gc[j] += gb[j] } }
            // g₀ = σ′(a₀) ⊙ z₀.
            let ab0 = ws.aBar[0], zb0 = ws.zBar[0], spp0 = ws.spp[0], sp0 = ws.sp[0], z0 = ws.z[0], gb = ws.gBar
            for idx in 0..<mn {
                ab0[idx] += spp0[idx] * z0[idx] * gb[idx]
                zb0[idx] += sp0[idx] * gb[idx]
            }
        }
        if gBarIn != nil || lapBar != nil { chainBackwardStates(theta, ws, grad, off) }
        // z_R = w (every sample): w̄ += Σ z̄_R.
        let gw = grad + off.w
        if W16.applies(T.self, width: m) { W16.addColumnSums(ws.zBar[R], count: nb, into: gw) } else {
            for col in 0..<nb { let zb = ws.zBar[R] + col * m; for i in 0..<m { gw[i] += zb[i] } }
        }

        // ---- Forward sweep, reversed. ----------------------------------------------------
        var uBar = ws.uBar0, uBarPrev = ws.uBar1
        uBar.update(repeating: 0, count: mn)
        if let phiBar {
            var phiSum: T = 0
            for col in 0..<nb {
                let pb = phiBar[col]
                phiSum += pb
                let uR = ws.u[R] + col * m, ub = uBar + col * m
                for i in 0..<m { gw[i] += pb * uR[i]; ub[i] = pb * w[i] }
                let asCol = ws.as_ + col * r, scaled = ws.rScratch1 + col * r
                for i in 0..<r { scaled[i] = pb * asCol[i] }
                let sCol = s + col * dd, sb = sBar + col * dd, gc = grad + off.c, c = theta + off.c
                for j in 0..<dd { gc[j] += pb * sCol[j]; sb[j] += pb * c[j] }
            }
            grad[off.bias] += phiSum
            // ½|As|²: Ā += (Φ̄ As) sᵀ, s̄ += Aᵀ(Φ̄ As).
            T.blasGemm(.none, .transposed, r, dd, nb, 1, ws.rScratch1, r, s, dd, 1, grad + off.A, r)
            T.blasGemm(.transposed, .none, dd, nb, r, 1, A, r, ws.rScratch1, r, 1, sBar, dd)
        }
        var k = R
        while k >= 1 {
            let ab = ws.aBar[k], spk = ws.sp[k]
            for idx in 0..<mn { ab[idx] += h * spk[idx] * uBar[idx] }
            uBarPrev.update(from: uBar, count: mn)
            if W16.applies(T.self, width: m) {
                W16.product(transposed: true, n: nb, alpha: 1, theta + off.K[k], ab, beta: 1, into: uBarPrev)
            } else {
                T.blasGemm(.transposed, .none, m, nb, m, 1, theta + off.K[k], m, ab, m, 1, uBarPrev, m)
            }
            if W16.applies(T.self, width: m) { W16.outerAccumulate(n: nb, alpha: 1, ab, ws.u[k - 1], into: grad + off.K[k]) } else {
                T.blasGemm(.none, .transposed, m, m, nb, 1, ab, m, ws.u[k - 1], m, 1, grad + off.K[k], m)
            }
            let gb = grad + off.b[k]
            if W16.applies(T.self, width: m) { W16.addColumnSums(ab, count: nb, into: gb) } else {
                for col in 0..<nb { let a = ab + col * m; for i in 0..<m { gb[i] += a[i] } }
            }
            swap(&uBar, &uBarPrev)
            k -= 1
        }
        let ab0 = ws.aBar[0]
        for idx in 0..<mn { ab0[idx] += ws.sp[0][idx] * uBar[idx] }
        T.blasGemm(.none, .transposed, m, dd, nb, 1, ab0, m, s, dd, 1, grad + off.K[0], m)
        let gb0 = grad + off.b[0]
        if W16.applies(T.self, width: m) { W16.addColumnSums(ab0, count: nb, into: gb0) } else {
            for col in 0..<nb { let a = ab0 + col * m; for i in 0..<m { gb0[i] += a[i] } }
        }
        if let sBarOut {
            T.blasGemm(.transposed, .none, dd, nb, m, 1, theta + off.K[0], m, ab0, m, 1, sBar, dd)
            sBarOut.update(from: sBar, count: dd * nb)
        }
    }

    /// Reverse of z_{k−1} = z_k + h K_kᵀ g_k with g_k = σ′(a_k) ⊙ z_k, for k = 1…R: pushes z̄
    /// up the layers (z̄₀ must be complete) and adds to ā_k and K̄_k.
    @inline(__always)
    private func chainBackwardStates(_ theta: UnsafePointer<T>, _ ws: PotentialWorkspace<T>,
                                     _ grad: UnsafeMutablePointer<T>, _ off: ParameterOffsets) {
        let m = shape.width, R = shape.residualLayers, h = T(shape.step), nb = ws.count, mn = m * nb
        guard R >= 1 else { return }
        for k in 1...R {
            let zbPrev = ws.zBar[k - 1], zbk = ws.zBar[k]
            for idx in 0..<mn { zbk[idx] += zbPrev[idx] }
            if W16.applies(T.self, width: m) {
                W16.product(transposed: false, n: nb, alpha: h, theta + off.K[k], zbPrev, beta: 0, into: ws.gBar)
            } else {
                T.blasGemm(.none, .none, m, nb, m, h, theta + off.K[k], m, zbPrev, m, 0, ws.gBar, m)
            }
            if W16.applies(T.self, width: m) { W16.outerAccumulate(n: nb, alpha: h, ws.g[k], zbPrev, into: grad + off.K[k]) } else {
                T.blasGemm(.none, .transposed, m, m, nb, h, ws.g[k], m, zbPrev, m, 1, grad + off.K[k], m)
            }
            let ab = ws.aBar[k], spk = ws.sp[k], sppk = ws.spp[k], zk = ws.z[k]
            for idx in 0..<mn {
                ab[idx] += sppk[idx] * zk[idx] * ws.gBar[idx]
                zbk[idx] += spk[idx] * ws.gBar[idx]
            }
        }
    }
}
