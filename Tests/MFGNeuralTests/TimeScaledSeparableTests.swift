import Testing
import CKernels
import MFGMath
import MFGProblem
@testable import MFGNeural

/// Time-scaled separable units, wσ((a + eτ)xᵢ + bτ + c) (`SeparableForm.timeScaled`, block
/// sep_e). The Taylor, dense-Hessian, Float-against-Double, mixed-times and skipped-adjoint
/// tests run on them through `OptionalPartTests.cases`; here: the C kernels at every
/// instruction-set level against plain loops of the formulas, the reduction to fixed units at
/// e = 0, the initialisation, the coefficient cache across τ and θ, the characteristics
/// objective's gradient, and the weighted trace.
@Suite("Time-scaled separable units")
struct TimeScaledSeparableTests {
    /// The forward kernel at every level against the fixed kernel run on the slopes α = a + eτ
    /// plus Σ (we/T) xᵢ σ′ in ∂ₜΦ (relative 1e-12: only the order of the sums differs); the
    /// reverse kernel against plain loops of the formulas in `PotentialNetwork+Separable.swift`
    /// (relative 1e-12), with each adjoint alone and all together, with and without the t row.
    @Test(arguments: [(3, 2), (17, 5)]) func kernelsMatchReferenceAtEveryLevel(d: Int, q: Int) {
        let nb = 4, dq = d * q, dd = d + 1, invT = 0.7
        var rng = RandomSource(seed: UInt64(80 + d))
        let a: [Double] = rng.gaussians(dq), b: [Double] = rng.gaussians(dq), c: [Double] = rng.gaussians(dq)
        let w: [Double] = rng.gaussians(dq), e: [Double] = rng.gaussians(dq)
        var x: [Double] = rng.gaussians(dd * nb)
        for s in 0..<nb { x[s * dd + d] = 0.9 }     // one τ, as the forward kernel requires
        let tau = 0.9 * invT
        let alpha = (0..<dq).map { a[$0] + e[$0] * tau }
        let wa = (0..<dq).map { w[$0] * alpha[$0] }, wbT = (0..<dq).map { w[$0] * b[$0] * invT }
        let waa = (0..<dq).map { wa[$0] * alpha[$0] }, weT = (0..<dq).map { w[$0] * e[$0] * invT }
        func close(_ u: [Double], _ v: [Double], _ what: String, _ level: Int) {
            let scale = v.reduce(1.0) { max($0, abs($1)) }
            for (p, r) in zip(u, v) { #expect(abs(p - r) <= 1e-12 * scale, "\(what), level \(level), d \(d) q \(q)") }
        }
        for level in 0...Int(mfg_kernel_level_best()) {
            var row = [Double](repeating: 0, count: dq)
            var act1 = [Double](repeating: 0, count: dq * nb), sp1 = act1, spp1 = act1
            var phi1 = [Double](repeating: 0.5, count: nb), grad1 = [Double](repeating: 0.25, count: dd * nb)
            var lap1 = [Double](repeating: -1, count: nb)
            act1.withUnsafeMutableBufferPointer { ap in
                mfg_separable_forward_f64(Int32(level), nb, d, q, alpha, b, c, x, invT, w, wa, wbT, waa, 0, &row,
                                          ap.baseAddress, &sp1, &spp1, &phi1, &grad1, &lap1)
            }
            for s in 0..<nb { for k in 0..<dq { grad1[s * dd + d] += weT[k] * x[s * dd + k % d] * sp1[s * dq + k] } }
            var act2 = [Double](repeating: 0, count: dq * nb), sp2 = act2, spp2 = act2
            var phi2 = [Double](repeating: 0.5, count: nb), grad2 = [Double](repeating: 0.25, count: dd * nb)
            var lap2 = [Double](repeating: -1, count: nb)
            act2.withUnsafeMutableBufferPointer { ap in
                mfg_separable_ts_forward_f64(Int32(level), nb, d, q, alpha, b, c, x, invT, w, wa, wbT, weT, waa, 0,
                                             &row, ap.baseAddress, &sp2, &spp2, &phi2, &grad2, &lap2)
            }
            close(act2 + sp2 + spp2, act1 + sp1 + spp1, "σ", level)
            close(phi2, phi1, "Φ", level); close(grad2, grad1, "∇Φ", level); close(lap2, lap1, "ΔΦ", level)
        }
        // Reverse: each sample its own τ, arbitrary σ, σ′, σ″ rows (the kernel only combines them).
        let xr: [Double] = rng.gaussians(dd * nb)
        let act: [Double] = rng.gaussians(dq * nb), sp: [Double] = rng.gaussians(dq * nb)
        let spp: [Double] = rng.gaussians(dq * nb)
        let pBar: [Double] = rng.gaussians(nb), gBar: [Double] = rng.gaussians(dd * nb), lBar: [Double] = rng.gaussians(nb)
        func reverseRef(_ pb: [Double]?, _ gb: [Double]?, _ lb: [Double]?, _ timeRow: Bool) -> [Double] {
            var g = [Double](repeating: 0.1, count: 5 * dq), sBar = [Double](repeating: 0.2, count: dd * nb)
            for s in 0..<nb {
                let t = xr[s * dd + d] * invT, p = pb?[s] ?? 0, l = lb?[s] ?? 0, gt = (gb?[s * dd + d] ?? 0) * invT
                for k in 0..<dq {
                    let i = k % d, xi = xr[s * dd + i], gi = gb?[s * dd + i] ?? 0, idx = s * dq + k
                    let s1 = sp[idx], s2 = spp[idx], s3 = -2 * s1 * s2
                    let al = a[k] + e[k] * t, dtY = e[k] * xi + b[k]     // ∂ₓy and T·∂ₜy
                    // Φ = wσ, ∂ₓΦ = wασ′, ∂ₜΦ = w dtY σ′/T, ΔΦ = wα²σ″.
                    let drive = gi * al + gt * dtY
                    let ybar = w[k] * (p * s1 + drive * s2 + l * al * al * s3)
                    let alphaBarDirect = w[k] * (gi * s1 + 2 * l * al * s2)
                    g[k] += alphaBarDirect + ybar * xi                                              // ā
                    g[dq + k] += w[k] * gt * s1 + ybar * t                                          // b̄
                    g[2 * dq + k] += ybar                                                           // c̄
                    g[3 * dq + k] += p * act[idx] + drive * s1 + l * al * al * s2                   // w̄
                    g[4 * dq + k] += (alphaBarDirect + ybar * xi) * t + w[k] * gt * xi * s1         // ē
                    sBar[s * dd + i] += ybar * al + w[k] * gt * e[k] * s1
                    if timeRow { sBar[s * dd + d] += (ybar * dtY + alphaBarDirect * e[k]) * invT }
                }
            }
            return g + sBar
        }
        for level in 0...Int(mfg_kernel_level_best()) {
            for timeRow in [true, false] {
                for (pb, gb, lb) in [(pBar, gBar, lBar), (pBar, nil, nil), (nil, gBar, nil), (nil, nil, lBar)]
                    as [([Double]?, [Double]?, [Double]?)] {
                    var g = [Double](repeating: 0.1, count: 5 * dq), sBar = [Double](repeating: 0.2, count: dd * nb)
                    g.withUnsafeMutableBufferPointer { gp in
                        let base = gp.baseAddress!
                        withOptionalPointer(pb, offset: 0) { pbp in
                            withOptionalPointer(gb, offset: 0) { gbp in
                                withOptionalPointer(lb, offset: 0) { lbp in
                                    // Blocks: ā, b̄, c̄, w̄, ē (the reference's order).
                                    mfg_separable_ts_reverse_f64(Int32(level), nb, d, q, a, e, b, w, xr, invT, pbp,
                                                                 gbp, lbp, act, sp, spp, base, base + 4 * dq,
                                                                 base + dq, base + 2 * dq, base + 3 * dq, &sBar, nil,
                                                                 timeRow ? 1 : 0)
                                }
                            }
                        }
                    }
                    close(g + sBar, reverseRef(pb, gb, lb, timeRow), "reverse (t row \(timeRow))", level)
                }
            }
        }
    }

    /// At e = 0 a time-scaled unit is a fixed unit: Φ, ∇ₛΦ, ΔΦ, the shared blocks' gradient and
    /// the input adjoint agree with the fixed network's (relative 1e-14), and sep_e's gradient
    /// is not zero (training can move e away from 0).
    @Test func zeroScaleIsTheFixedForm() throws {
        let d = 5, n = 6
        let fixed = randomNetwork(Double.self, d: d, m: 6, layers: 2, seed: 90,
                                  parts: OptionalParts(quadratic: .diagonal, separableWidth: 3, timeScale: 1.5))
        let shape = try NetworkShape(dimension: d, width: 6, residualLayers: 2, rank: min(3, d + 1),
                                     quadratic: .diagonal, separableWidth: 3, timeScale: 1.5,
                                     separableForm: .timeScaled)
        var named = Dictionary(uniqueKeysWithValues: fixed.namedParameters().map { ($0.block.name, $0.values) })
        named["sep_e"] = [Double](repeating: 0, count: d * 3)
        let scaled = try PotentialNetwork<Double>(shape: shape, named: named)
        let pts = randomPoints(Double.self, d: d, n: n, seed: 91, timeRuns: [4, 2])
        let u = try fixed.evaluate(pts), v = try scaled.evaluate(pts)
        func close(_ p: [Double], _ r: [Double], _ what: String) {
            let scale = r.reduce(1.0) { max($0, abs($1)) }
            for (x, y) in zip(p, r) { #expect(abs(x - y) <= 1e-14 * scale, "\(what)") }
        }
        close(v.phi, u.phi, "Φ"); close(v.gradient.storage, u.gradient.storage, "∇Φ"); close(v.laplacian, u.laplacian, "ΔΦ")
        let loss = ParameterGradientTests.MixedLoss<Double>(n: n, seed: 92)
        let gu = loss.gradient(fixed, pts), gv = loss.gradient(scaled, pts)
        for block in fixed.layout.blocks {
            close(Array(gv.parameters[scaled.layout.block(block.name)!.range]), Array(gu.parameters[block.range]),
                  block.name)
        }
        close(gv.points.storage, gu.points.storage, "s̄")
        let eBlock = scaled.layout.block("sep_e")!
        #expect(gv.parameters[eBlock.range].contains { abs($0) > 1e-6 })
    }

    /// The seeded initialisation draws what the fixed form draws (same blocks, same values) and
    /// starts e at 0; the layout is the fixed one plus sep_e (d × q) at the end.
    @Test func initialisationIsTheFixedOnePlusZeroScale() throws {
        let fixedShape = try NetworkShape(dimension: 4, width: 6, residualLayers: 2, quadratic: .diagonal,
                                          separableWidth: 3, timeScale: 2)
        let shape = try NetworkShape(dimension: 4, width: 6, residualLayers: 2, quadratic: .diagonal,
                                     separableWidth: 3, timeScale: 2, separableForm: .timeScaled)
        var r1 = RandomSource(seed: 7), r2 = RandomSource(seed: 7)
        let fixed = PotentialNetwork<Double>.initialized(shape: fixedShape, rng: &r1)
        let scaled = PotentialNetwork<Double>.initialized(shape: shape, rng: &r2)
        #expect(Array(scaled.parameters[0..<fixed.layout.count]) == fixed.parameters)
        let e = scaled.layout.block("sep_e")!
        #expect(e.offset == fixed.layout.count && e.rows == 4 && e.cols == 3)
        #expect(scaled.parameters[e.range].allSatisfy { $0 == 0 })
        #expect(scaled.layout.count == fixed.layout.count + 12)
        // The form is canonical without separable units: no sep_e, the same shape as fixed.
        let none = try NetworkShape(dimension: 4, width: 6, residualLayers: 2, separableForm: .timeScaled)
        #expect(none == (try NetworkShape(dimension: 4, width: 6, residualLayers: 2)))
    }

    /// The coefficients a workspace keeps (α, wα, wb/T, wα², we/T at one τ) follow τ, θ and the
    /// trace weights: one workspace evaluating blocks at alternating times, after a change of
    /// θ and with weights gives a fresh workspace's values bit for bit.
    @Test func keptCoefficientsFollowTimeParametersAndWeights() throws {
        var net = randomNetwork(Double.self, d: 4, m: 6, layers: 2, seed: 93,
                                parts: OptionalParts(separableWidth: 3, timeScale: 1.5, separableForm: .timeScaled))
        let ws = try expectKeptValuesFollowTimeAndParameters(&net, changing: net.layout.block("sep_e")!.offset + 1)
        try ws.setTraceWeights([0.5, 2, 1, 0.25])
        let fw = try PotentialWorkspace<Double>(shape: net.shape, capacity: 3)
        try fw.setTraceWeights([0.5, 2, 1, 0.25])
        #expect(try forwardBits(net, ws, t: 0.2, seed: 94) == forwardBits(net, fw, t: 0.2, seed: 94))
    }

    /// The characteristics objective (RK4, equal-t blocks through the reverse stages)
    /// differentiates through time-scaled units exactly: every block, sep_e included, slope 2 at
    /// every step.
    @Test func objectiveGradientTaylor() throws {
        try expectObjectiveGradientTaylor(parts: OptionalParts(quadratic: .diagonal, timeDegree: 2, separableWidth: 2,
                                                               timeScale: 1.5, separableForm: .timeScaled), seed: 95)
    }

    /// The weighted trace Σᵢ wᵢ ∂ᵢᵢΦ of time-scaled units against Σᵢ wᵢ times the dense
    /// finite-difference Hessian's diagonal (relative 1e-6).
    @Test func weightedTraceMatchesDenseHessian() throws {
        let d = 3
        let net = randomNetwork(Double.self, d: d, m: 4, layers: 2, seed: 97,
                                parts: OptionalParts(separableWidth: 3, timeScale: 0.9, separableForm: .timeScaled))
        let pts = randomPoints(Double.self, d: d, n: 4, seed: 98, timeRuns: [2, 2])
        let weights = [0.3, 1.7, 2.0]
        let ws = try PotentialWorkspace<Double>(shape: net.shape, capacity: 4)
        try ws.setTraceWeights(weights)
        try pts.storage.withUnsafeBufferPointer { try net.forward($0.baseAddress!, count: 4, workspace: ws) }
        let trace = Array(UnsafeBufferPointer(start: ws.laplacian, count: 4))
        let h = 1e-4
        for s in 0..<4 {
            var expected = 0.0
            for i in 0..<d {
                var up = pts, down = pts
                up[i, s] += h; down[i, s] -= h
                let gu = try net.evaluate(up).gradient[i, s], gd = try net.evaluate(down).gradient[i, s]
                expected += weights[i] * (gu - gd) / (2 * h)
            }
            #expect(abs(trace[s] - expected) <= 1e-6 * max(1, abs(expected)), "sample \(s): \(trace[s]) vs \(expected)")
        }
    }
}
