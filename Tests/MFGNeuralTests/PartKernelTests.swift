import Testing
import CKernels
import MFGMath
@testable import MFGNeural

/// The C kernels that do the optional parts' per-sample work against what they replaced, to the
/// last bit at every instruction-set level the machine has: the separable part's fused forward
/// pass against its three passes (pre-activations, activation kernel, sums), the quadratic
/// part's column loops against the Swift loops they replaced (transcribed below), and the
/// per-workspace cache of the separable coefficients against a fresh workspace.
@Suite("Optional parts: C kernels against the passes and loops they replaced")
struct PartKernelTests {
    /// Fused separable forward = pre + activation over the block + sums, bit for bit, for the
    /// three kinds of call (∇Φ and ΔΦ only; with Φ; Φ only).
    @Test(arguments: [(3, 2, 5), (17, 5, 7), (100, 4, 9)])
    func fusedSeparableForwardIsTheThreePasses(d: Int, q: Int, nb: Int) {
        let dq = d * q, dd = d + 1, invT = 1 / 1.3
        var rng = RandomSource(seed: UInt64(70 + d))
        let a: [Double] = rng.gaussians(dq), b: [Double] = rng.gaussians(dq), c: [Double] = rng.gaussians(dq)
        let w: [Double] = rng.gaussians(dq), x: [Double] = rng.gaussians(dd * nb)
        let phi0: [Double] = rng.gaussians(nb), grad0: [Double] = rng.gaussians(dd * nb), lap0: [Double] = rng.gaussians(nb)
        let wa = (0..<dq).map { w[$0] * a[$0] }, wbT = (0..<dq).map { w[$0] * b[$0] * invT }
        let waa = (0..<dq).map { wa[$0] * a[$0] }
        for level in 0...Int(mfg_kernel_level_best()) {
            for (withValue, valueOnly) in [(false, false), (true, false), (true, true)] {
                // The three passes.
                var pre = [Double](repeating: 0, count: dq * nb)
                var act1 = [Double](repeating: 0, count: dq * nb), sp1 = act1, spp1 = act1
                var phi1 = phi0, grad1 = grad0, lap1 = lap0
                mfg_separable_pre_f64(Int32(level), nb, d, q, a, b, c, x, invT, &pre)
                act1.withUnsafeMutableBufferPointer { ap in
                    mfg_activation_f64_level(Int32(level), dq * nb, pre, nil, 0, withValue ? ap.baseAddress : nil,
                                             &sp1, &spp1)
                }
                act1.withUnsafeBufferPointer { ap in
                    mfg_separable_sums_f64(Int32(level), nb, d, q, w, wa, wbT, waa, withValue ? ap.baseAddress : nil,
                                           sp1, spp1, valueOnly ? 1 : 0, &phi1, &grad1, &lap1)
                }
                // Fused.
                var row = [Double](repeating: 0, count: dq)
                var act2 = [Double](repeating: 0, count: dq * nb), sp2 = act2, spp2 = act2
                var phi2 = phi0, grad2 = grad0, lap2 = lap0
                act2.withUnsafeMutableBufferPointer { ap in
                    mfg_separable_forward_f64(Int32(level), nb, d, q, a, b, c, x, invT, w, wa, wbT, waa,
                                              valueOnly ? 1 : 0, &row, withValue ? ap.baseAddress : nil, &sp2, &spp2,
                                              &phi2, &grad2, &lap2)
                }
                let what = "level \(level), d \(d), q \(q), Φ \(withValue), Φ only \(valueOnly)"
                #expect(bits(sp1) == bits(sp2) && bits(spp1) == bits(spp2) && bits(act1) == bits(act2), "σ: \(what)")
                #expect(bits(phi1) == bits(phi2), "Φ: \(what)")
                #expect(bits(grad1) == bits(grad2), "∇Φ: \(what)")
                #expect(bits(lap1) == bits(lap2), "ΔΦ: \(what)")
            }
        }
    }

    /// The separable coefficients w⊙a, w⊙b/T, w⊙a² kept by a workspace follow every change of θ
    /// and of the trace weights: the same values as a fresh workspace's, bit for bit.
    @Test func separableCoefficientsFollowParameterAndWeightChanges() throws {
        var net = randomNetwork(Double.self, d: 4, m: 6, layers: 2, seed: 5,
                                parts: OptionalParts(quadratic: .diagonal, separableWidth: 3, timeScale: 1.5))
        let pts = randomPoints(Double.self, d: 4, n: 3, seed: 6)
        let ws = try PotentialWorkspace<Double>(shape: net.shape, capacity: 3)
        func values(_ ws: PotentialWorkspace<Double>) throws -> [UInt64] {
            try pts.storage.withUnsafeBufferPointer { try net.forward($0.baseAddress!, count: 3, workspace: ws) }
            return bits(Array(UnsafeBufferPointer(start: ws.phi, count: 3))
                        + Array(UnsafeBufferPointer(start: ws.gradient, count: 15))
                        + Array(UnsafeBufferPointer(start: ws.laplacian, count: 3)))
        }
        let before = try values(ws)
        let off = net.layout.separableOffsets!
        for block in [off.a, off.b, off.w] { net.parameters[block + 2] += 0.25 }
        let changed = try values(ws)
        #expect(changed != before)
        #expect(changed == (try values(PotentialWorkspace<Double>(shape: net.shape, capacity: 3))))
        let weights = [0.5, 2, 1, 0.25]
        try ws.setTraceWeights(weights)
        let fresh = try PotentialWorkspace<Double>(shape: net.shape, capacity: 3)
        try fresh.setTraceWeights(weights)
        let weighted = try values(ws)
        #expect(weighted != changed)
        #expect(weighted == (try values(fresh)))
        try ws.setTraceWeights(nil)
        #expect(try values(ws) == changed)
    }

    /// The quadratic part's column kernels against the Swift loops they replaced (transcribed
    /// here from the code before the change), bit for bit: the forward with the diagonal's
    /// products made in the kernel and with y given (full), Φ only, with and without Φ; the
    /// diagonal's sums over a run; the x rows of the input adjoint from μ or from a given Mḡ.
    @Test(arguments: [(1, 3), (7, 4), (100, 9)]) func quadraticColumnKernelsMatchSwiftLoops(d: Int, len: Int) {
        let dd = d + 1, d2 = 2 * d, invT = 1 / 1.7
        var rng = RandomSource(seed: UInt64(90 + d))
        let x: [Double] = rng.gaussians(dd * len), mu: [Double] = rng.gaussians(d2), v: [Double] = rng.gaussians(d2)
        let yGiven: [Double] = rng.gaussians(d2 * len), z: [Double] = rng.gaussians(d * len)
        let phi0: [Double] = rng.gaussians(len), grad0: [Double] = rng.gaussians(dd * len)
        let lap0: [Double] = rng.gaussians(len), sBar0: [Double] = rng.gaussians(dd * len)
        let phiBar: [Double] = rng.gaussians(len), gBar: [Double] = rng.gaussians(dd * len)
        let cValue = 0.3, cSlope = -0.7, trM = 1.9
        for level in 0...Int(mfg_kernel_level_best()) {
            for diagonal in [true, false] {
                // Forward (the Swift loops of quadraticForward before the kernel).
                for (valueOnly, value) in [(false, true), (false, false), (true, true)] {
                    var yRef = diagonal ? [Double](repeating: 0, count: d2 * len) : yGiven
                    var phiRef = phi0, gradRef = grad0, lapRef = lap0
                    for col in 0..<len where diagonal {
                        for i in 0..<d {
                            yRef[col * d2 + i] = mu[i] * x[col * dd + i]
                            yRef[col * d2 + d + i] = mu[d + i] * x[col * dd + i]
                        }
                    }
                    for col in 0..<len {
                        let xc = col * dd, yc = col * d2
                        var val = 0.0, dt = 0.0
                        for i in 0..<d {
                            val += x[xc + i] * (yRef[yc + i] / 2 + v[i])
                            if !valueOnly {
                                gradRef[xc + i] += yRef[yc + i] + v[i]
                                dt += x[xc + i] * (yRef[yc + d + i] / 2 + v[d + i])
                            }
                        }
                        if valueOnly || value { phiRef[col] += val + cValue }
                        if !valueOnly { gradRef[xc + d] += dt * invT + cSlope; lapRef[col] += trM }
                    }
                    var y = diagonal ? [Double](repeating: .nan, count: d2 * len) : yGiven
                    var phi = phi0, grad = grad0, lap = lap0
                    mu.withUnsafeBufferPointer { mp in
                        mfg_quadratic_forward_f64(Int32(level), len, d, x, diagonal ? mp.baseAddress : nil, v, &y,
                                                  valueOnly ? 1 : 0, value ? 1 : 0, cValue, cSlope, invT, trM, &phi,
                                                  &grad, &lap)
                    }
                    let what = "level \(level), d \(d), diagonal \(diagonal), Φ only \(valueOnly), Φ \(value)"
                    #expect(bits(y) == bits(yRef), "y: \(what)")
                    #expect(bits(phi) == bits(phiRef), "Φ: \(what)")
                    #expect(bits(grad) == bits(gradRef) && bits(lap) == bits(lapRef), "∇Φ, ΔΦ: \(what)")
                }
                // Input adjoint (x rows), for Φ̄ and Ḡ each present or absent.
                let yUsed = yGiven
                for (pb, gb) in [(phiBar, gBar), (nil, gBar), (phiBar, nil)] as [([Double]?, [Double]?)] {
                    var ref = sBar0
                    for col in 0..<len {
                        let p = pb?[col] ?? 0
                        for i in 0..<d { ref[col * dd + i] += p * (yUsed[col * d2 + i] + v[i]) }
                        guard let gb else { continue }
                        let gt = gb[col * dd + d] * invT
                        for i in 0..<d {
                            let zi = diagonal ? mu[i] * gb[col * dd + i] : z[col * d + i]
                            ref[col * dd + i] += zi + gt * (yUsed[col * d2 + d + i] + v[d + i])
                        }
                    }
                    var sBar = sBar0
                    mu.withUnsafeBufferPointer { mp in
                        withOptionalPointer(pb, offset: 0) { pbp in
                            withOptionalPointer(gb, offset: 0) { gbp in
                                mfg_quadratic_input_adjoint_f64(Int32(level), len, d, diagonal ? mp.baseAddress : nil,
                                                                z, yUsed, v, pbp, gbp, invT, &sBar)
                            }
                        }
                    }
                    #expect(bits(sBar) == bits(ref), "x̄: level \(level), d \(d), diagonal \(diagonal), Φ̄ \(pb != nil), Ḡ \(gb != nil)")
                }
            }
            // The diagonal structure's sums over a run.
            for (pb, gb) in [(phiBar, gBar), (nil, gBar), (phiBar, nil)] as [([Double]?, [Double]?)] {
                var ref = [Double](repeating: 0.5, count: 4 * d)
                for col in 0..<len {
                    let p = pb?[col] ?? 0, xc = col * dd
                    guard let gb else {
                        for i in 0..<d {
                            let ui = p / 2 * x[xc + i]
                            ref[i] += p * x[xc + i]; ref[2 * d + i] += ui * x[xc + i]
                        }
                        continue
                    }
                    let gt = gb[xc + d] * invT
                    for i in 0..<d {
                        let ui = p / 2 * x[xc + i] + gb[xc + i]
                        ref[i] += p * x[xc + i] + gb[xc + i]; ref[d + i] += gt * x[xc + i]
                        ref[2 * d + i] += ui * x[xc + i]; ref[3 * d + i] += gt / 2 * x[xc + i] * x[xc + i]
                    }
                }
                var acc = [Double](repeating: 0.5, count: 4 * d)
                acc.withUnsafeMutableBufferPointer { ap in
                    let base = ap.baseAddress!
                    withOptionalPointer(pb, offset: 0) { pbp in
                        withOptionalPointer(gb, offset: 0) { gbp in
                            mfg_quadratic_diagonal_sums_f64(Int32(level), len, d, x, pbp, gbp, invT, base, base + d,
                                                            base + 2 * d, base + 3 * d)
                        }
                    }
                }
                #expect(bits(acc) == bits(ref), "sums: level \(level), d \(d), Φ̄ \(pb != nil), Ḡ \(gb != nil)")
            }
        }
    }

    private func bits(_ v: [Double]) -> [UInt64] { v.map(\.bitPattern) }
}
