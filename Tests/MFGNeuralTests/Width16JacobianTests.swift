import Testing
import CKernels
import MFGMath
@testable import MFGNeural

/// The C width-16 kernels (Jacobian layers, weight adjoints, products with K): at every instruction-set level against a plain
/// reference loop, and, inside the network, the m = 16 Laplacian against a dense Hessian
/// built by central differences of the exact gradient (so a wrong forward kernel cannot hide
/// behind a consistent reverse one, which the Taylor tests would accept).
@Suite("Width-16 Jacobian kernels (C)")
struct Width16JacobianTests {
    @Test(arguments: [1, 3, 16]) func kernelsMatchReferenceAtEveryLevel(dJ: Int) {
        let nb = 5, h = 0.3
        var rng = RandomSource(seed: UInt64(40 + dJ))
        let K: [Double] = rng.gaussians(256), J: [Double] = rng.gaussians(16 * dJ * nb)
        let sp: [Double] = rng.gaussians(16 * nb), spp: [Double] = rng.gaussians(16 * nb)
        let z: [Double] = rng.gaussians(16 * nb), lap: [Double] = rng.gaussians(nb)
        let jBar0: [Double] = rng.gaussians(16 * dJ * nb)
        let aBar0: [Double] = rng.gaussians(16 * nb), zBar0: [Double] = rng.gaussians(16 * nb)
        // Reference, plain loops.
        var P = [Double](repeating: 0, count: 16 * dJ * nb), q = [Double](repeating: 0, count: 16 * nb)
        var next = P
        for s in 0..<nb { for j in 0..<dJ { for i in 0..<16 {
            let o = 16 * (s * dJ + j)
            var v = 0.0
            for k in 0..<16 { v += K[i + 16 * k] * J[o + k] }
            P[o + i] = v; q[16 * s + i] += v * v
            next[o + i] = J[o + i] + h * sp[16 * s + i] * v
        } } }
        var pBarRef = P, jBarRef = jBar0, aBarRef = aBar0, zBarRef = zBar0
        for s in 0..<nb { for i in 0..<16 {
            let c = 16 * s + i
            var cross = 0.0
            for j in 0..<dJ {
                let o = 16 * (s * dJ + j) + i
                cross += P[o] * jBar0[o]
                pBarRef[o] = h * (sp[c] * jBar0[o] + 2 * lap[s] * spp[c] * z[c] * P[o])
            }
            aBarRef[c] += h * (spp[c] * cross + lap[s] * (-2 * sp[c] * spp[c]) * z[c] * q[c])
            zBarRef[c] += h * lap[s] * spp[c] * q[c]
        } }
        for s in 0..<nb { for j in 0..<dJ { for i in 0..<16 {
            let o = 16 * (s * dJ + j)
            var v = 0.0
            for r in 0..<16 { v += K[r + 16 * i] * pBarRef[o + r] }
            jBarRef[o + i] += v
        } } }
        func close(_ a: [Double], _ b: [Double], _ what: String, _ level: Int) {
            let scale = b.reduce(1.0) { max($0, abs($1)) }
            for (x, y) in zip(a, b) { #expect(abs(x - y) <= 1e-12 * scale, "\(what), level \(level), dJ \(dJ)") }
        }
        for level in 0...Int(mfg_kernel_level_best()) {
            var p2 = [Double](repeating: 0, count: P.count), q2 = q.map { _ in 0.0 }, n2 = p2
            mfg_w16_jacobian_forward_f64(Int32(level), nb, dJ, K, J, sp, h, &p2, &q2, &n2)
            close(p2, P, "P", level); close(q2, q, "q", level); close(n2, next, "J next", level)
            var jb = jBar0, pb = p2, ab = aBar0, zb = zBar0
            mfg_w16_jacobian_reverse_f64(Int32(level), nb, dJ, K, lap, P, &jb, 0, &pb, sp, spp, z, q, &ab, &zb, h)
            close(pb, pBarRef, "P̄", level); close(jb, jBarRef, "J̄", level)
            close(ab, aBarRef, "ā", level); close(zb, zBarRef, "z̄", level)
        }
    }

    @Test(arguments: [1, 7, 40]) func outerAccumulateMatchesReferenceAtEveryLevel(n: Int) {
        var rng = RandomSource(seed: UInt64(50 + n))
        let a: [Double] = rng.gaussians(16 * n), b: [Double] = rng.gaussians(16 * n), c0: [Double] = rng.gaussians(256)
        let alpha = 0.7
        var ref = c0
        for i in 0..<16 { for r in 0..<16 {
            var v = 0.0
            for col in 0..<n { v += a[r + 16 * col] * b[i + 16 * col] }
            ref[r + 16 * i] += alpha * v
        } }
        let scale = ref.reduce(1.0) { max($0, abs($1)) }
        for level in 0...Int(mfg_kernel_level_best()) {
            var c = c0
            mfg_w16_outer_accumulate_f64(Int32(level), n, alpha, a, b, &c)
            for (x, y) in zip(c, ref) { #expect(abs(x - y) <= 1e-12 * scale, "level \(level), n \(n)") }
            var cf = c0.map { Float($0) }
            mfg_w16_outer_accumulate_f32(Int32(level), n, Float(alpha), a.map { Float($0) }, b.map { Float($0) }, &cf)
            for (x, y) in zip(cf, ref) { #expect(abs(Double(x) - y) <= 1e-5 * scale, "Float, level \(level), n \(n)") }
        }
    }

    @Test(arguments: [1, 6, 9]) func productMatchesReferenceAtEveryLevel(n: Int) {
        var rng = RandomSource(seed: UInt64(70 + n))
        let K: [Double] = rng.gaussians(256), x: [Double] = rng.gaussians(16 * n), c0: [Double] = rng.gaussians(16 * n)
        for trans in [false, true] { for (alpha, beta) in [(1.0, 0.0), (0.3, 1.0)] {
            var ref = c0
            for col in 0..<n { for i in 0..<16 {
                var v = 0.0
                for k in 0..<16 { v += (trans ? K[k + 16 * i] : K[i + 16 * k]) * x[k + 16 * col] }
                ref[i + 16 * col] = alpha * v + beta * c0[i + 16 * col]
            } }
            let scale = ref.reduce(1.0) { max($0, abs($1)) }
            for level in 0...Int(mfg_kernel_level_best()) {
                var c = beta == 0 ? [Double](repeating: .nan, count: c0.count) : c0   // β = 0 must not read C
                mfg_w16_product_f64(Int32(level), trans ? 1 : 0, n, alpha, K, x, beta, &c)
                for (u, v) in zip(c, ref) { #expect(abs(u - v) <= 1e-12 * scale, "level \(level) trans \(trans)") }
                var cf = beta == 0 ? [Float](repeating: .nan, count: c0.count) : c0.map { Float($0) }
                mfg_w16_product_f32(Int32(level), trans ? 1 : 0, n, Float(alpha), K.map { Float($0) },
                                    x.map { Float($0) }, Float(beta), &cf)
                for (u, v) in zip(cf, ref) { #expect(abs(Double(u) - v) <= 1e-5 * scale, "Float level \(level)") }
            }
        } }
    }

    @Test(arguments: [3, 21]) func laplacianMatchesDenseHessianTrace(d: Int) throws {
        let net = randomNetwork(Double.self, d: d, m: 16, layers: 2, seed: UInt64(60 + d))
        let pts = randomPoints(Double.self, d: d, n: 3, seed: 61)
        try expectLaplacianMatchesDenseHessianTrace(net, at: pts)
    }
}
