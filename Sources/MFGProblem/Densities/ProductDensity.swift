import MFGMath

/// ρ(x) = Πf ρ_f(x_{C_f}): independent factors, each a Gaussian or a Gaussian mixture on its own
/// one or two coordinates C_f, the sets C_f covering 0..<d exactly once.
///
///     log ρ(x) = Σf log ρ_f(x_{C_f}),   ∂ log ρ/∂x_i = ∂ log ρ_f/∂x_i for the factor f with i ∈ C_f.
///
/// Sampling draws the factors one after another; the mean and the marginal variances are the
/// factors'. Such densities make high-dimensional problems block-separable
/// (`Problem.separableBlocks()`), with a different law in every coordinate if wanted.
public struct ProductDensity: Sendable {
    /// One factor: a density of dimension `coordinates.count` (1 or 2) for those coordinates.
    public struct Factor: Sendable {
        /// 0-based coordinates, increasing; factor coordinate c is x_{coordinates[c]}.
        public let coordinates: [Int]
        /// A Gaussian or a mixture (never itself a product).
        public let density: Density

        public init(coordinates: [Int], density: Density) {
            precondition(!coordinates.isEmpty && coordinates.count <= ProductDensity.maximumFactorDimension
                         && density.dimension == coordinates.count && coordinates == coordinates.sorted(),
                         "ProductDensity.Factor: 1 or 2 increasing coordinates, one per dimension of the density")
            if case .product = density { preconditionFailure("ProductDensity.Factor: factors are not products") }
            self.coordinates = coordinates
            self.density = density
        }
    }

    /// Factors cover one or two coordinates each.
    public static let maximumFactorDimension = 2

    public let dimension: Int
    /// The factors, ordered by first coordinate.
    public let factors: [Factor]
    /// The factors' components as flat parameter tables, for evaluation.
    let table: FactorTable

    /// - Precondition: the factors' coordinates cover 0..<dimension exactly once (problem files
    ///   are checked with messages naming the missing or doubled coordinate before this).
    public init(dimension: Int, factors: [Factor]) {
        let covered = factors.flatMap(\.coordinates).sorted()
        precondition(covered == Array(0..<dimension), "ProductDensity: factors must cover every coordinate exactly once")
        self.dimension = dimension
        self.factors = factors.sorted { $0.coordinates[0] < $1.coordinates[0] }
        self.table = FactorTable(self.factors, dimension: dimension)
    }

    /// All combinations of the factors' components as one mixture over the d coordinates
    /// (block-diagonal covariances), in lexicographic order of the factors' component indices.
    func expandedComponents() -> [(weight: Double, component: Gaussian)] {
        let counts = factors.map { $0.density.components.count }
        let total = counts.reduce(1) { $0 * $1 }
        precondition(total <= 4096, "ProductDensity: \(total) combinations are too many to expand")
        var out: [(weight: Double, component: Gaussian)] = []
        var index = [Int](repeating: 0, count: factors.count)
        for _ in 0..<total {
            var w = 1.0
            var mean = [Double](repeating: 0, count: dimension)
            var sigma = Matrix<Double>(rows: dimension, cols: dimension)
            for (f, k) in zip(factors, index) {
                let (wk, g) = f.density.components[k]
                w *= wk
                let cov = g.covariance
                for (a, i) in f.coordinates.enumerated() {
                    mean[i] = g.mean[a]
                    for (b, j) in f.coordinates.enumerated() { sigma[i, j] = cov[a, b] }
                }
            }
            out.append((w, Gaussian(mean: mean, validCovariance: sigma)))
            for f in stride(from: factors.count - 1, through: 0, by: -1) {
                index[f] += 1
                if index[f] < counts[f] { break }
                index[f] = 0
            }
        }
        return out
    }
}

/// The components of a product's factors as flat tables, so that log ρ and its score are one
/// tight loop over points and factors (the factors are one- or two-dimensional: each component's
/// quadratic form is written out with its 2 × 2 precision matrix P = Σ⁻¹).
///
/// Per point and factor, with r = x_C − μₖ: tₖ = log wₖ + log cₖ − ½ rᵀPₖr,
/// log ρ_f = M + log Σₖ exp(tₖ − M) (M the largest tₖ; its own exponential is 1 and is not
/// computed), ∇ log ρ_f = −Σₖ softmax(t)ₖ Pₖr. The sums Sf = Σₖ exp(tₖ − M) lie in [1, K], so
/// instead of one logarithm per factor their product is accumulated and its logarithm taken once
/// per point (or whenever it passes 1e280). Points are the outer loop, so each point's column is
/// read once from memory whatever the number of factors.
struct FactorTable: Sendable {
    let dimension: Int
    /// Factor f owns components start[f]..<start[f + 1]; its coordinates are first[f] and, for a
    /// two-dimensional factor, second[f] (−1 otherwise).
    let start: [Int], first: [Int], second: [Int]
    /// Per component: log weight + log normalising constant, mean, precision entries.
    let offset: [Double], mean0: [Double], mean1: [Double], p00: [Double], p01: [Double], p11: [Double]
    let largestFactor: Int

    init(_ factors: [ProductDensity.Factor], dimension: Int) {
        self.dimension = dimension
        var start = [0], first: [Int] = [], second: [Int] = []
        var offset: [Double] = [], mean0: [Double] = [], mean1: [Double] = []
        var p00: [Double] = [], p01: [Double] = [], p11: [Double] = []
        for f in factors {
            first.append(f.coordinates[0])
            second.append(f.coordinates.count > 1 ? f.coordinates[1] : -1)
            for (w, g) in f.density.components {
                let s = g.covariance
                if f.coordinates.count == 1 {
                    offset.append(Double.log(w) + g.logNormalizer)
                    mean0.append(g.mean[0]); mean1.append(0)
                    p00.append(1 / s[0, 0]); p01.append(0); p11.append(0)
                } else {
                    let det = s[0, 0] * s[1, 1] - s[0, 1] * s[1, 0]
                    offset.append(Double.log(w) + g.logNormalizer)
                    mean0.append(g.mean[0]); mean1.append(g.mean[1])
                    p00.append(s[1, 1] / det); p01.append(-s[0, 1] / det); p11.append(s[0, 0] / det)
                }
            }
            start.append(offset.count)
        }
        self.start = start; self.first = first; self.second = second
        self.offset = offset; self.mean0 = mean0; self.mean1 = mean1
        self.p00 = p00; self.p01 = p01; self.p11 = p11
        largestFactor = zip(start.dropFirst(), start).map { $0 - $1 }.max() ?? 1
    }

    /// log ρ at n points (d × n) into `value`, and the score into `gradient` (d × n) when given.
    func evaluate<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int, value: UnsafeMutableBufferPointer<T>,
                             gradient: UnsafeMutableBufferPointer<T>?) {
        let d = dimension
        var terms = [Double](repeating: 0, count: largestFactor)
        let factors = first.count
        for j in 0..<n {
            let base = j * d
            var total = 0.0, product = 1.0
            for f in 0..<factors {
                let i0 = first[f], i1 = second[f]
                let x0 = Double(x[base + i0]), x1 = i1 >= 0 ? Double(x[base + i1]) : 0
                let lo = start[f], hi = start[f + 1]
                var top = -Double.infinity, best = lo
                for k in lo..<hi {
                    let r0 = x0 - mean0[k], r1 = x1 - mean1[k]
                    let t = offset[k] - 0.5 * (p00[k] * r0 * r0 + 2 * p01[k] * r0 * r1 + p11[k] * r1 * r1)
                    terms[k - lo] = t
                    if t > top { top = t; best = k }
                }
                var sum = 1.0
                for k in lo..<hi where k != best {
                    let e = Double.exp(terms[k - lo] - top)
                    terms[k - lo] = e
                    sum += e
                }
                terms[best - lo] = 1
                total += top
                product *= sum
                if product > 1e280 { total += Double.log(product); product = 1 }
                guard let gradient else { continue }
                var g0 = 0.0, g1 = 0.0
                for k in lo..<hi {
                    let w = terms[k - lo] / sum
                    if w == 0 { continue }
                    let r0 = x0 - mean0[k], r1 = x1 - mean1[k]
                    g0 -= w * (p00[k] * r0 + p01[k] * r1)
                    g1 -= w * (p01[k] * r0 + p11[k] * r1)
                }
                gradient[base + i0] = T(g0)
                if i1 >= 0 { gradient[base + i1] = T(g1) }
            }
            value[j] = T(total + Double.log(product))
        }
    }
}
