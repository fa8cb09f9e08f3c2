import MFGMath

/// The Brownian increments of the noisy characteristics (σ > 0) and the Euler–Maruyama update
/// that uses them.
///
/// **Scheme** (Euler–Maruyama): z_{k+1} = z_k + h·v(z_k, t_k) + σ√h ξ_k, ξ_k ~ N(0, I_d), v =
/// −∇ₓΦ/α_L, h = T/N. For additive noise (σ constant, as here) it has strong order 1 and weak
/// order 1 (Kloeden & Platen, §10.2 and §14.1: the Milstein correction vanishes when σ does not
/// depend on the state); `SDESchemeOrderTests` measures both on a linear SDE.
///
/// **Keys** (counter-based use of the seeded generator): the increments of sample i (its index
/// in the batch, 0-based) come from its own `RandomSource` seeded with mix(key, i), drawn step
/// by step, d values per step (Box–Muller pairs; with d odd the last value of a pair is
/// dropped). So they depend only on (key, i, d, step), never on the block size, the thread count
/// or the order in which blocks are processed: a run and its resume draw the same numbers when
/// the trainer derives the key from the batch's seed (`Trainer.samples`).
///
/// **Adjoint**: the increments are data, fixed for a given key; the noise enters the step
/// additively, so ∂z_{k+1}/∂z_k and ∂z_{k+1}/∂θ are those of the deterministic Euler step and
/// the discrete adjoint is unchanged.
public enum BrownianIncrements {
    /// The seed of sample `index`'s stream under `key` (SplitMix64-style finaliser of the pair).
    @inline(__always)
    public static func seed(key: UInt64, index: Int) -> UInt64 {
        var x = key ^ (UInt64(truncatingIfNeeded: index) &* 0x9E37_79B9_7F4A_7C15)
        x = (x ^ (x >> 30)) &* 0xBF58_476D_1CE4_E5B9
        x = (x ^ (x >> 27)) &* 0x94D0_49BB_1331_11EB
        return x ^ (x >> 31)
    }

    /// One generator per sample `first..<first + count` under `key`.
    public static func generators(key: UInt64, first: Int, count: Int) -> [RandomSource] {
        (0..<count).map { RandomSource(seed: seed(key: key, index: first + $0)) }
    }

    /// The next step's standard normal draws ξ (d per sample, d × nb column-major) from the
    /// samples' generators.
    public static func draw<T: Scalar>(_ generators: inout [RandomSource], dimension d: Int, into xi: UnsafeMutablePointer<T>) {
        for col in generators.indices {
            generators[col].fillGaussian(UnsafeMutableBufferPointer(start: xi + col * d, count: d))
        }
    }

    /// The noise part of one Euler–Maruyama step: z += σ√h ξ over `count` values (the drift
    /// part h·v is added by the caller, as in the deterministic scheme).
    @inline(__always)
    public static func addNoise<T: Scalar>(_ z: UnsafeMutablePointer<T>, _ xi: UnsafePointer<T>, scale: T, count: Int) {
        for idx in 0..<count { z[idx] += scale * xi[idx] }
    }

    /// z += diag(s) ξ column by column: per-coordinate noise, sᵢ = σᵢ√h for coordinate i of each
    /// d-vector (`count` = d·n values). The draws are those of `draw`, so a list of equal σᵢ moves
    /// the paths exactly as the scalar σ does.
    public static func addNoise<T: Scalar>(_ z: UnsafeMutablePointer<T>, _ xi: UnsafePointer<T>, scales: [T], count: Int) {
        let d = scales.count
        var idx = 0
        while idx < count {
            for j in 0..<d { z[idx + j] += scales[j] * xi[idx + j] }
            idx += d
        }
    }
}
