import Testing
import CKernels
import MFGMath

/// The C activation kernels (CKernels) at every instruction-set level this CPU has, against the
/// Swift reference `ActivationKernel.sigmaTanh`: identical bits (same operations, no
/// contraction), with and without the residual update act = prev + h·σ, and σ′, σ″ alone.
@Suite("Activation kernel per instruction set")
struct ActivationLevelTests {
    func inputs() -> [Double] {
        var xs: [Double] = [0, -0.0, 1e-30, -1e-30, 1e-8, -3e-5, 0.25, -0.7, 1, -2.5, 8, -20, 50, -300, 1e4, -1e300]
        var rng = RandomSource(seed: 7)
        xs += rng.gaussians(1000).map { $0 * 4 }
        return xs
    }

    @Test func double() {
        let xs = inputs(), n = xs.count
        let prev = (0..<n).map { Double($0 % 7) * 0.1 - 0.3 }
        for level in 0...Int(mfg_kernel_level_best()) {
            var act = [Double](repeating: 0, count: n), sp = act, spp = act, act2 = act
            mfg_activation_f64_level(Int32(level), n, xs, nil, 0, &act, &sp, &spp)
            var spOnly = act, sppOnly = act   // σ′, σ″ without σ (act NULL): the same bits
            mfg_activation_f64_level(Int32(level), n, xs, nil, 0, nil, &spOnly, &sppOnly)
            mfg_activation_f64_level(Int32(level), n, xs, prev, 0.25, &act2, &sp, &spp)
            for i in 0..<n {
                let (s, t) = ActivationKernel.sigmaTanh(xs[i])
                #expect(act[i].bitPattern == s.bitPattern, "level \(level), σ(\(xs[i]))")
                #expect(act2[i].bitPattern == (prev[i] + 0.25 * s).bitPattern, "level \(level)")
                #expect(sp[i].bitPattern == t.bitPattern, "level \(level), tanh(\(xs[i]))")
                #expect(spp[i].bitPattern == (1 - t * t).bitPattern, "level \(level)")
                #expect(spOnly[i].bitPattern == t.bitPattern && sppOnly[i].bitPattern == (1 - t * t).bitPattern,
                        "level \(level), derivatives only")
            }
        }
    }

    @Test func float() {
        let xs = inputs().map { Float($0) }, n = xs.count
        let prev = (0..<n).map { Float($0 % 7) * 0.1 - 0.3 }
        for level in 0...Int(mfg_kernel_level_best()) {
            var act = [Float](repeating: 0, count: n), sp = act, spp = act, act2 = act
            mfg_activation_f32_level(Int32(level), n, xs, nil, 0, &act, &sp, &spp)
            var spOnly = act, sppOnly = act   // σ′, σ″ without σ (act NULL): the same bits
            mfg_activation_f32_level(Int32(level), n, xs, nil, 0, nil, &spOnly, &sppOnly)
            mfg_activation_f32_level(Int32(level), n, xs, prev, 0.25, &act2, &sp, &spp)
            for i in 0..<n {
                let (s, t) = ActivationKernel.sigmaTanh(xs[i])
                #expect(act[i].bitPattern == s.bitPattern, "level \(level), σ(\(xs[i]))")
                #expect(act2[i].bitPattern == (prev[i] + 0.25 * s).bitPattern, "level \(level)")
                #expect(sp[i].bitPattern == t.bitPattern, "level \(level), tanh(\(xs[i]))")
                #expect(spp[i].bitPattern == (1 - t * t).bitPattern, "level \(level)")
                #expect(spOnly[i].bitPattern == t.bitPattern && sppOnly[i].bitPattern == (1 - t * t).bitPattern,
                        "level \(level), derivatives only")
            }
        }
    }
}
