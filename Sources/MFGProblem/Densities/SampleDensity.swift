import MFGMath

/// An initial density known from data: the Gaussian kernel density estimate (KDE) of N samples
/// x₁ … x_N ∈ ℝᵈ with bandwidth h > 0,
///
///     ρ(x) = (1/N) Σₖ N(x; xₖ, h² I),
///
/// an equal-weight mixture of N isotropic Gaussians centred at the samples. It is an honest
/// analytic density, so everything the solvers need of ρ₀ is exact:
///
/// - **log ρ** by log-sum-exp over the N components,
///   log ρ(x) = −r_min/(2h²) + log Σₖ exp(−(rₖ − r_min)/(2h²)) − log N − (d/2) log(2πh²),
///   rₖ = |x − xₖ|², r_min = minₖ rₖ; O(N·d) per point. Components with
///   (rₖ − r_min)/(2h²) > `cutoff` (50) are skipped: each is below e⁻⁵⁰ ≈ 2·10⁻²² of the largest,
///   so together they change the sum by less than N·2·10⁻²² (< 2·10⁻¹⁶ relative for N ≤ 10⁶), i.e.
///   nothing at double precision, and the exponentials (the dominant cost) are spent only near x.
/// - **∇log ρ** = −(x − Σₖ wₖxₖ)/h² with the softmax responsibilities wₖ ∝ exp(−rₖ/(2h²)), in the
///   same pass.
/// - **Sampling**: pick k uniformly (one uniform draw, k = ⌊uN⌋), then xₖ + hξ, ξ ~ N(0, I).
/// - **Moments**: mean = the samples' mean x̄; covariance = (1/N) Σₖ (xₖ − x̄)(xₖ − x̄)ᵀ + h²I (the
///   rows' covariance with divisor N, plus the kernel's).
/// - **Marginals**: the marginal on coordinates C is the KDE of the samples' C-columns with the
///   same h (a Gaussian kernel's marginal is a Gaussian kernel).
///
/// Points are stored column-major, d × N (sample k's coordinate i at `i + k·d`), the package's
/// layout. The `fingerprint` is the FNV-1a 64-bit hash of the data file's bytes (0 for densities
/// built in code): a change detector for the file a problem names, not a cryptographic hash.
public struct SampleDensity: Sendable, Equatable {
    /// The dimension d.
    public let dimension: Int
    /// The number of samples N.
    public let count: Int
    /// The samples, d × N column-major.
    public let points: [Double]
    /// The kernel bandwidth h > 0 (each component is N(xₖ, h²I)).
    public let bandwidth: Double
    /// FNV-1a 64 of the data file (0 when built in code).
    public let fingerprint: UInt64

    /// Components further than this many nats below the closest one are skipped (see the type's
    /// documentation): their total relative contribution is below N·e⁻⁵⁰.
    public static let cutoff = 50.0

    /// The KDE of `points` (d × N column-major) with bandwidth h.
    ///
    /// - Precondition: N ≥ 1, every point finite, h finite and > 0 (problem files are checked
    ///   with messages before they reach this initialiser).
    public init(dimension d: Int, points: [Double], bandwidth h: Double, fingerprint: UInt64 = 0) {
        precondition(d >= 1 && !points.isEmpty && points.count % d == 0, "SampleDensity: points must be d × N with N ≥ 1")
        precondition(h > 0 && h.isFinite, "SampleDensity: the bandwidth must be finite and positive")
        dimension = d
        count = points.count / d
        self.points = points
        bandwidth = h
        self.fingerprint = fingerprint
    }

    /// Scott's rule for an isotropic kernel, h = s̄·N^(−1/(d+4)), s̄² = (1/d) Σᵢ sᵢ² the average of
    /// the coordinates' sample variances (divisor N − 1). Nil when s̄ is 0 (all samples equal) or
    /// N < 2.
    public static func scottBandwidth(dimension d: Int, points: [Double]) -> Double? {
        let n = points.count / d
        guard n >= 2 else { return nil }
        var total = 0.0
        for i in 0..<d {
            var mean = 0.0
            for k in 0..<n { mean += points[i + k * d] }
            mean /= Double(n)
            var s = 0.0
            for k in 0..<n { let r = points[i + k * d] - mean; s += r * r }
            total += s / Double(n - 1)
        }
        let sbar = (total / Double(d)).squareRoot()
        guard sbar > 0 && sbar.isFinite else { return nil }
        return sbar * Double.pow(Double(n), -1 / Double(d + 4))
    }

    /// The mean, x̄ = (1/N) Σₖ xₖ.
    public var mean: [Double] {
        var m = [Double](repeating: 0, count: dimension)
        for k in 0..<count { for i in 0..<dimension { m[i] += points[i + k * dimension] } }
        return m.map { $0 / Double(count) }
    }

    /// The covariance, (1/N) Σₖ (xₖ − x̄)(xₖ − x̄)ᵀ + h²I (d × d).
    public var covariance: Matrix<Double> {
        let d = dimension, m = mean
        var c = Matrix<Double>(rows: d, cols: d)
        for k in 0..<count {
            for j in 0..<d {
                let rj = points[j + k * d] - m[j]
                for i in 0..<d { c[i, j] += (points[i + k * d] - m[i]) * rj }
            }
        }
        for j in 0..<d { for i in 0..<d { c[i, j] /= Double(count) } }
        for i in 0..<d { c[i, i] += bandwidth * bandwidth }
        return c
    }

    /// The diagonal of `covariance`.
    public var marginalVariance: [Double] {
        let d = dimension, m = mean
        var v = [Double](repeating: 0, count: d)
        for k in 0..<count { for i in 0..<d { let r = points[i + k * d] - m[i]; v[i] += r * r } }
        return v.map { $0 / Double(count) + bandwidth * bandwidth }
    }

    /// The N components N(xₖ, h²I), each of weight 1/N (for code that works on mixtures).
    public var components: [(weight: Double, component: Gaussian)] {
        let w = 1 / Double(count), v = [Double](repeating: bandwidth * bandwidth, count: dimension)
        return (0..<count).map { k in
            (w, Gaussian(mean: Array(points[(k * dimension)..<((k + 1) * dimension)]), variance: v))
        }
    }

    /// The marginal on the 0-based `coordinates` C: the KDE of the C-columns, same h.
    public func marginal(on coordinates: [Int]) -> SampleDensity {
        var sub = [Double](repeating: 0, count: coordinates.count * count)
        for k in 0..<count { for (c, i) in coordinates.enumerated() { sub[c + k * coordinates.count] = points[i + k * dimension] } }
        return SampleDensity(dimension: coordinates.count, points: sub, bandwidth: bandwidth, fingerprint: fingerprint)
    }

    /// One point into `out` (d values): sample k = ⌊uN⌋ plus h times the d normals drawn into `scratch`.
    @inline(__always)
    func draw(_ rng: inout RandomSource, scratch: UnsafeMutableBufferPointer<Double>,
              into out: UnsafeMutableBufferPointer<Double>) {
        let k = Swift.min(count - 1, Int(rng.uniformOpen() * Double(count)))
        rng.fillGaussian(scratch)
        let base = k * dimension
        for i in 0..<dimension { out[i] = points[base + i] + bandwidth * scratch[i] }
    }

    /// log ρ at n points `x` (d × n) into `value`, and when `gradient` is given ∇log ρ (d × n)
    /// there; see the type's documentation. Accumulates in Double whatever `T` is.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func evaluate<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int, value: UnsafeMutableBufferPointer<T>,
                                    gradient: UnsafeMutableBufferPointer<T>?) {
        let d = dimension, nk = count
        let inv2h2 = 1 / (2 * bandwidth * bandwidth)
        let constant = -Double.log(Double(nk)) - 0.5 * Double(d) * Double.log(2 * Double.pi * bandwidth * bandwidth)
        let cut = Self.cutoff
        var r = [Double](repeating: 0, count: nk)
        var point = [Double](repeating: 0, count: d)
        var centre = [Double](repeating: 0, count: d)
        points.withUnsafeBufferPointer { p in
            r.withUnsafeMutableBufferPointer { r in
                for j in 0..<n {
                    for i in 0..<d { point[i] = Double(x[i + j * d]) }
                    // Squared distances to every sample, and the smallest.
                    var rmin = Double.infinity
                    point.withUnsafeBufferPointer { y in
                        if d == 2 {
                            let y0 = y[0], y1 = y[1]
                            for k in 0..<nk {
                                let a = y0 - p[2 * k], b = y1 - p[2 * k + 1]
                                let s = a * a + b * b
                                r[k] = s
                                rmin = Swift.min(rmin, s)
                            }
                        } else {
                            for k in 0..<nk {
                                var s = 0.0
                                let base = k * d
                                for i in 0..<d { let a = y[i] - p[base + i]; s += a * a }
                                r[k] = s
                                rmin = Swift.min(rmin, s)
                            }
                        }
                    }
                    // Log-sum-exp over the components within `cutoff` nats of the closest.
                    var sum = 0.0
                    if let gradient {
                        for i in 0..<d { centre[i] = 0 }
                        for k in 0..<nk {
                            let e = (r[k] - rmin) * inv2h2
                            guard e <= cut else { continue }
                            let w = Double.exp(-e)
                            sum += w
                            let base = k * d
                            for i in 0..<d { centre[i] += w * p[base + i] }
                        }
                        // ∇log ρ = −(x − Σ wₖxₖ / Σ wₖ)/h².
                        let scale = 2 * inv2h2
                        for i in 0..<d { gradient[i + j * d] = T(-(point[i] - centre[i] / sum) * scale) }
                    } else {
                        for k in 0..<nk {
                            let e = (r[k] - rmin) * inv2h2
                            if e <= cut { sum += Double.exp(-e) }
                        }
                    }
                    value[j] = T(constant - rmin * inv2h2 + Double.log(sum))
                }
            }
        }
    }
}

extension Density {
    /// Whether the density is, or has a factor that is, a sample density (KDE).
    public var hasSamples: Bool {
        switch self {
        case .samples: return true
        case .product(let p): return p.factors.contains { $0.density.hasSamples }
        default: return false
        }
    }
}

/// FNV-1a, 64 bits, of a byte string: a fast change detector (not cryptographic) for data files.
public func fnv1a64(_ bytes: [UInt8]) -> UInt64 {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in bytes {
        h ^= UInt64(b)
        h = h &* 0x0000_0100_0000_01b3
    }
    return h
}
