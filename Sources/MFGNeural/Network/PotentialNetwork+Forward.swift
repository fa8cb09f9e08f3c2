import MFGMath

/// Offsets of each parameter block inside θ, resolved once per call.
struct ParameterOffsets {
    let K: [Int], b: [Int]
    let w: Int, A: Int, c: Int, bias: Int
    init(_ layout: ParameterLayout, _ shape: NetworkShape) {
        K = (0...shape.residualLayers).map { layout.block("K\($0)")!.offset }
        b = (0...shape.residualLayers).map { layout.block("b\($0)")!.offset }
        w = layout.block("w")!.offset
        A = layout.block("A")!.offset
        c = layout.block("c")!.offset
        bias = layout.block("b")!.offset
    }
}

extension PotentialNetwork {
    /// Evaluates Φ, ∇ₛΦ and ΔₓΦ at `count` points s = (x, t) (column-major (d+1) × count) into
    /// `workspace.phi`, `.gradient`, `.laplacian`, keeping every intermediate needed by
    /// `backward`.
    ///
    /// Three sweeps, each layer one gemm over the whole block:
    /// 1. forward: aₖ, uₖ;
    /// 2. backward for the gradient: z_R = w, z_{k−1} = z_k + h K_kᵀ(σ′(a_k) ⊙ z_k),
    ///    ∇ₛΦ = K₀ᵀ(σ′(a₀) ⊙ z₀) + AᵀA s + c;
    /// 3. forward Jacobian sweep for the trace: J₀ = diag σ′(a₀) K₀E, P_k = K_k J_{k−1},
    ///    J_k = J_{k−1} + h diag σ′(a_k) P_k, and
    ///    ΔₓΦ = Σᵢ σ″(a₀ᵢ) z₀ᵢ ‖(K₀E)ᵢ‖² + h Σ_{k≥1} Σᵢ σ″(a_kᵢ) z_kᵢ ‖(P_k)ᵢ‖² + ‖AE‖²_F,
    ///    where E selects the d spatial coordinates (time excluded); with the workspace's trace
    ///    weights w, K₀E is replaced by K₀E W^{1/2} and ‖AE‖²_F by Σⱼ wⱼ‖(AE)ⱼ‖², which gives
    ///    Σⱼ wⱼ ∂ⱼⱼΦ (`PotentialWorkspace.setTraceWeights`). Each term is the second
    ///    derivative through one activation, weighted by that activation's adjoint; every other
    ///    operation is linear, so the sum is the exact trace.
    /// Cost per sample and layer: 2m²d flops for P_k plus O(md) elementwise.
    ///
    /// The optional parts (`PotentialNetwork+Quadratic.swift`, `PotentialNetwork+Separable.swift`)
    /// then add their Φ, ∇ₛΦ and ΔₓΦ.
    ///
    /// With `valueOnly`, only sweep 1 and Φ run: `gradient` and `laplacian` are left stale, and
    /// a following `backward` may only be given Φ̄ (it reads nothing of sweeps 2 and 3 then).
    /// With `value` false, Φ may be left incomplete (the separable part then skips σ and its
    /// sum, the quadratic part its Φ sum: evaluations that need ∇Φ and ΔΦ only), and a following
    /// `backward` may not be given Φ̄.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func forward(_ points: UnsafePointer<T>, count nb: Int,
                        workspace ws: PotentialWorkspace<T>, valueOnly: Bool = false,
                        value: Bool = true) throws(NetworkError) {
        guard ws.shape == shape else {
            throw .batchMismatch(expected: "a workspace for \(shape)", got: "one for \(ws.shape)")
        }
        guard nb >= 1 else { throw .emptyBatch }
        guard nb <= ws.capacity else {
            throw .batchMismatch(expected: "at most \(ws.capacity) samples per block", got: "\(nb)")
        }
        ws.count = nb
        ws.input.update(from: points, count: shape.inputSize * nb)
        parameters.withUnsafeBufferPointer { theta in
            forwardKernel(theta.baseAddress!, ws, nb, valueOnly)
            if shape.hasQuadratic { quadraticForward(theta.baseAddress!, ws, nb, valueOnly, value: value) }
            if shape.hasSeparable { separableForward(theta.baseAddress!, ws, nb, valueOnly, value: value) }
        }
    }

    @inline(__always)
    private func forwardKernel(_ theta: UnsafePointer<T>, _ ws: PotentialWorkspace<T>, _ nb: Int, _ valueOnly: Bool) {
        let m = shape.width, d = shape.dimension, dd = shape.inputSize, R = shape.residualLayers
        let r = shape.rank, h = T(shape.step)
        let off = ParameterOffsets(layout, shape)
        let mn = m * nb
        let s = UnsafePointer(ws.input)

        // 1. Forward sweep.
        T.blasGemm(.none, .none, m, nb, dd, 1, theta + off.K[0], m, s, dd, 0, ws.a[0], m)
        for k in 0...R {
            if k > 0 {
                if W16.applies(T.self, width: m) {
                    W16.product(transposed: false, n: nb, alpha: 1, theta + off.K[k], ws.u[k - 1], beta: 0, into: ws.a[k])
                } else {
                    T.blasGemm(.none, .none, m, nb, m, 1, theta + off.K[k], m, ws.u[k - 1], m, 0, ws.a[k], m)
                }
            }
            let a = ws.a[k], u = ws.u[k], sp = ws.sp[k], spp = ws.spp[k]
            let bias = theta + off.b[k]
            for col in 0..<nb {
                let ac = a + col * m
                for i in 0..<m { ac[i] += bias[i] }
            }
            // u = σ(a) (k = 0) or u_{k−1} + hσ(a), with σ′ and σ″, in one vectorized pass.
            ActivationKernel.apply(count: mn, pre: a, prev: k > 0 ? UnsafePointer(ws.u[k - 1]) : nil, h: h,
                                   act: u, sp: sp, spp: spp)
        }

        // Φ = wᵀu_R + ½|As|² + cᵀs + b.
        let w = theta + off.w, A = theta + off.A, c = theta + off.c, bias = theta[off.bias]
        T.blasGemm(.none, .none, r, nb, dd, 1, A, r, s, dd, 0, ws.as_, r)
        for col in 0..<nb {
            var acc: T = bias
            let uR = ws.u[R] + col * m
            if W16.applies(T.self, width: m) { acc += W16.dot(w, uR) } else { for i in 0..<m { acc += w[i] * uR[i] } }
            let asCol = ws.as_ + col * r
            var q: T = 0
            for i in 0..<r { q += asCol[i] * asCol[i] }
            let sCol = s + col * dd
            var lin: T = 0
            for j in 0..<dd { lin += c[j] * sCol[j] }
            ws.phi[col] = acc + q / 2 + lin
        }

        if valueOnly { return }

        // 2. Backward sweep for ∇ₛΦ.
        for col in 0..<nb { (ws.z[R] + col * m).update(from: w, count: m) }
        var k = R
        while k >= 1 {
            let gk = ws.g[k], zk = ws.z[k], spk = ws.sp[k]
            for idx in 0..<mn { gk[idx] = spk[idx] * zk[idx] }
            ws.z[k - 1].update(from: zk, count: mn)
            if W16.applies(T.self, width: m) {
                W16.product(transposed: true, n: nb, alpha: h, theta + off.K[k], gk, beta: 1, into: ws.z[k - 1])
            } else {
                T.blasGemm(.transposed, .none, m, nb, m, h, theta + off.K[k], m, gk, m, 1, ws.z[k - 1], m)
            }
            k -= 1
        }
        do {
            let g0 = ws.g[0], sp0 = ws.sp[0], z0 = ws.z[0]
            for idx in 0..<mn { g0[idx] = sp0[idx] * z0[idx] }
        }
        T.blasGemm(.transposed, .none, dd, nb, m, 1, theta + off.K[0], m, ws.g[0], m, 0, ws.gradient, dd)
        T.blasGemm(.transposed, .none, dd, nb, r, 1, A, r, ws.as_, r, 1, ws.gradient, dd)
        for col in 0..<nb {
            let gcol = ws.gradient + col * dd
            for j in 0..<dd { gcol[j] += c[j] }
        }

        // 3. Jacobian sweep for the exact trace.
        // K₀E (the first d columns of K₀, m × d), or its m × m factor L when d > m.
        let dJ = shape.jacobianWidth
        let p0: UnsafePointer<T>
        // With trace weights the sweep is seeded with K₀E W^{1/2} (its column j scaled by √wⱼ):
        // the trace it accumulates is then tr(W^{1/2} H W^{1/2}) = Σⱼ wⱼ ∂ⱼⱼΦ.
        let weighted = ws.traceWeights != nil
        var seed = theta + off.K[0]
        if weighted {
            let k0 = theta + off.K[0], wk = ws.weightedK0
            for j in 0..<d {
                let r = ws.traceRoot[j], src = k0 + j * m, dst = wk + j * m
                for i in 0..<m { dst[i] = src[i] * r }
            }
            seed = UnsafePointer(wk)
        }
        if shape.usesGramFactor {
            // θ changes once per optimizer step, blocks come many times per step: refactor only
            // when K₀E differs from the one the factor was computed from.
            let k0 = seed, md0 = m * d
            var same = ws.factorValid
            if same { for idx in 0..<md0 where ws.factorSource[idx] != k0[idx] { same = false; break } }
            if !same {
                householderFactor(k0, m: m, d: d, L: ws.factorL, Qt: ws.factorQt, work: ws.factorWork)
                ws.factorSource.update(from: k0, count: md0)
                ws.factorValid = true
            }
            p0 = UnsafePointer(ws.factorL)
        } else {
            p0 = seed
        }
        for i in 0..<m {
            var q: T = 0
            for j in 0..<dJ { q += p0[i + j * m] * p0[i + j * m] }
            ws.p0RowNorms[i] = q
        }
        var quadTrace: T = 0
        if weighted {
            for j in 0..<d {
                var q: T = 0
                for i in 0..<r { q += A[i + j * r] * A[i + j * r] }
                quadTrace += ws.traceWeight[j] * q
            }
        } else {
            for j in 0..<d { for i in 0..<r { quadTrace += A[i + j * r] * A[i + j * r] } }
        }
        for col in 0..<nb {
            var t: T = quadTrace
            let spp0 = ws.spp[0] + col * m, z0 = ws.z[0] + col * m
            if W16.applies(T.self, width: m) { t += W16.tripleDot(spp0, z0, ws.p0RowNorms) } else {
                for i in 0..<m { t += spp0[i] * z0[i] * ws.p0RowNorms[i] }
            }
            ws.laplacian[col] = t
        }
        guard R >= 1 else { return }
        let md = m * dJ
        // J₀ = diag(σ′(a₀)) K₀E (or diag(σ′(a₀)) L) for every sample.
        for col in 0..<nb {
            let sp0 = ws.sp[0] + col * m, j0 = ws.jac[0] + col * md
            if W16.applies(T.self, width: m) { W16.scaleColumns(sp0, p0, columns: dJ, j0); continue }
            for j in 0..<dJ {
                let dst = j0 + j * m, src = p0 + j * m
                for i in 0..<m { dst[i] = sp0[i] * src[i] }
            }
        }
        for k in 1...R {
            let pk = ws.p[k - 1]
            let spk = ws.sp[k], sppk = ws.spp[k], zk = ws.z[k]
            let next: UnsafeMutablePointer<T>? = k < R ? ws.jac[k] : nil
            let prev = ws.jac[k - 1]
            if W16.applies(T.self, width: m) {
                // P, its row sums and the next Jacobian in one pass (C kernel, K in registers).
                let qk = ws.pNorms[k - 1]
                W16.jacobianForward(K: theta + off.K[k], samples: nb, columns: dJ, jPrev: prev, sp: spk, h: h,
                                    p: pk, q: qk, next: next)
                for col in 0..<nb { ws.laplacian[col] += h * W16.tripleDot(sppk + col * m, zk + col * m, qk + col * m) }
                continue
            }
            T.blasGemm(.none, .none, m, dJ * nb, m, 1, theta + off.K[k], m, ws.jac[k - 1], m, 0, pk, m)
            for col in 0..<nb {
                let pcol = pk + col * md
                let spc = spk + col * m, sppc = sppk + col * m, zc = zk + col * m
                // Row sums Σⱼ P²ᵢⱼ, kept for the reverse pass.
                let q = ws.pNorms[k - 1] + col * m
                for i in 0..<m { q[i] = pcol[i] * pcol[i] }
                for j in 1..<dJ {
                    let pj = pcol + j * m
                    for i in 0..<m { q[i] += pj[i] * pj[i] }
                }
                var t: T = 0
                for i in 0..<m { t += sppc[i] * zc[i] * q[i] }
                ws.laplacian[col] += h * t
                if let next {
                    let ncol = next + col * md, jcol = prev + col * md
                    for j in 0..<dJ {
                        for i in 0..<m { ncol[i + j * m] = jcol[i + j * m] + h * spc[i] * pcol[i + j * m] }
                    }
                }
            }
        }
    }
}

/// Householder QR of Bᵀ for B = K₀E (m × d, column-major, leading dimension m, d > m):
/// Bᵀ = QR, so B = L Qᵀ with L = Rᵀ (m × m, lower triangular) and Qᵀ (m × d) with orthonormal
/// rows, hence LLᵀ = BBᵀ. Backward stable, and valid when B is rank deficient. `work` holds
/// 3·d·m + m values. Cost 4dm² flops, once per block.
@inline(__always)
func householderFactor<T: Scalar>(_ B: UnsafePointer<T>, m: Int, d: Int, L: UnsafeMutablePointer<T>,
                                  Qt: UnsafeMutablePointer<T>, work: UnsafeMutablePointer<T>) {
    let A = work, V = work + d * m, Q = work + 2 * d * m, tau = work + 3 * d * m
    for i in 0..<m { for j in 0..<d { A[j + i * d] = B[i + j * m] } }
    for k in 0..<m {
        let col = A + k * d, v = V + k * d
        var sigma2: T = 0
        for j in k..<d { sigma2 += col[j] * col[j] }
        for j in 0..<k { v[j] = 0 }
        let sigma = sigma2.squareRoot()
        let alpha: T = col[k] >= 0 ? -sigma : sigma
        for j in k..<d { v[j] = col[j] }
        v[k] -= alpha
        var vn2: T = 0
        for j in k..<d { vn2 += v[j] * v[j] }
        tau[k] = vn2 > 0 ? 2 / vn2 : 0
        for c in k..<m {
            let ac = A + c * d
            var s: T = 0
            for j in k..<d { s += v[j] * ac[j] }
            s *= tau[k]
            for j in k..<d { ac[j] -= s * v[j] }
        }
    }
    // Q = H₀ ⋯ H_{m−1} [I; 0].
    for c in 0..<m { let qc = Q + c * d; for j in 0..<d { qc[j] = j == c ? 1 : 0 } }
    var k = m - 1
    while k >= 0 {
        let v = V + k * d
        for c in 0..<m {
            let qc = Q + c * d
            var s: T = 0
            for j in k..<d { s += v[j] * qc[j] }
            s *= tau[k]
            for j in k..<d { qc[j] -= s * v[j] }
        }
        k -= 1
    }
    for i in 0..<m {
        for c in 0..<m { L[i + c * m] = c <= i ? A[c + i * d] : 0 }
        for j in 0..<d { Qt[i + j * m] = Q[j + i * d] }
    }
}
