import MFGMath

/// A trained Φ against the Cole–Hopf solution (`ColeHopfReference`) of a problem of the HJB-LQ
/// family, at points where the agents are: the trained SDE paths at the quarter times
/// t = 0, T/4, T/2, 3T/4, T (the integrator step nearest each, `comparedSteps`), and at the mean
/// of ρ₀ at t = 0. The caller evaluates the network there (`mfg validate`: `Solver.paths`,
/// `Solver.potential`); this type does the Monte Carlo and the statistics.
///
/// Φ is the value function itself here (the decoupled HJB equation has no free constant), so it
/// is compared as is: per time, the relative RMS error ‖Φ − u‖₂/‖u‖₂ over the points, the largest
/// pointwise relative error, and the Monte Carlo noise floor (RMS of the reference's standard
/// errors over |u|). The reference uses the same M draws at every point (common random numbers).
public struct ColeHopfComparison: Sendable {
    /// One time's comparison.
    public struct Row: Sendable {
        public var time: Double
        public var points: Int
        /// ‖Φ − u‖₂/‖u‖₂ over the points.
        public var relativeRMS: Double
        /// max |Φ − u|/|u|.
        public var maxRelative: Double
        /// √(mean (s.e./u)²): the reference's own noise, relative.
        public var noiseFloor: Double
        /// Means of Φ and u over the points.
        public var meanNeural: Double, meanReference: Double
    }

    public var rows: [Row] = []
    /// All points of all times together.
    public var overallRMS: Double = 0
    /// x̄₀ = E ρ₀ and Φ(x̄₀, 0), u(x̄₀, 0) ± its standard error.
    public var origin: [Double]
    public var originNeural: Double
    public var originReference: Double, originStandardError: Double
    /// The draws per point (M) and the draws at the origin.
    public var samples: Int, originSamples: Int

    /// The integrator steps nearest t = 0, T/4, T/2, 3T/4, T (distinct, increasing) of a grid of
    /// `steps` steps.
    public static func comparedSteps(_ steps: Int) -> [Int] {
        var out: [Int] = []
        for q in [0.0, 0.25, 0.5, 0.75, 1.0] {
            let k = Int((q * Double(steps)).rounded())
            if !out.contains(k) { out.append(k) }
        }
        return out
    }

    /// `points[i]`: the d × n points at time `times[i]` (column-major), `phi[i]` the network's Φ
    /// there; `originNeural` Φ(E ρ₀, 0). M = `samples` draws per point and `originSamples` at the
    /// origin, from a generator seeded by `seed`.
    public init(reference: ColeHopfReference, times: [Double], points: [[Double]], phi: [[Double]],
                origin: [Double], originNeural: Double, samples: Int, originSamples: Int, seed: UInt64) {
        let d = reference.dimension
        var rng = RandomSource(seed: seed ^ 0x434F_4C45_484F_5046)
        let xi = reference.draws(samples: samples, rng: &rng)
        var allErr2 = 0.0, allRef2 = 0.0
        for (i, t) in times.enumerated() {
            let n = phi[i].count
            var err2 = 0.0, ref2 = 0.0, maxRel = 0.0, noise2 = 0.0, sumN = 0.0, sumR = 0.0
            for c in 0..<n {
                let u = reference.value(at: Array(points[i][(c * d)..<((c + 1) * d)]), time: t, draws: xi)
                let e = phi[i][c] - u.value, size = max(abs(u.value), 1e-300)
                err2 += e * e; ref2 += u.value * u.value
                maxRel = max(maxRel, abs(e) / size)
                noise2 += (u.standardError / size) * (u.standardError / size)
                sumN += phi[i][c]; sumR += u.value
            }
            allErr2 += err2; allRef2 += ref2
            rows.append(Row(time: t, points: n, relativeRMS: (err2 / ref2).squareRoot(), maxRelative: maxRel,
                            noiseFloor: (noise2 / Double(n)).squareRoot(),
                            meanNeural: sumN / Double(n), meanReference: sumR / Double(n)))
        }
        overallRMS = (allErr2 / allRef2).squareRoot()
        self.origin = origin
        self.originNeural = originNeural
        let u0 = reference.value(at: origin, time: 0, draws: reference.draws(samples: originSamples, rng: &rng))
        originReference = u0.value; originStandardError = u0.standardError
        self.samples = samples; self.originSamples = originSamples
    }

    /// |Φ(x̄₀, 0) − u(x̄₀, 0)|/|u(x̄₀, 0)|.
    public var originError: Double { abs(originNeural - originReference) / max(abs(originReference), 1e-300) }
}
