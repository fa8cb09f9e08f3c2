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

    /// - Precondition: the factors' coordinates cover 0..<dimension exactly once (problem files
    ///   are checked with messages naming the missing or doubled coordinate before this).
    public init(dimension: Int, factors: [Factor]) {
        let covered = factors.flatMap(\.coordinates).sorted()
        precondition(covered == Array(0..<dimension), "ProductDensity: factors must cover every coordinate exactly once")
        self.dimension = dimension
        self.factors = factors.sorted { $0.coordinates[0] < $1.coordinates[0] }
    }

    /// Calls `body(factor, log ρ_f values (n), scores (k × n) or empty)` for each factor at the
    /// n points `x` (d × n), the factor's coordinates gathered into a k × n Double block and
    /// evaluated in Double.
    func forEachFactor<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int, gradients: Bool,
                                  _ body: (Factor, [Double], [Double]) -> Void) {
        let d = dimension
        var gathered = [Double](repeating: 0, count: Self.maximumFactorDimension * n)
        var values = [Double](repeating: 0, count: n)
        var grads = [Double](repeating: 0, count: gradients ? Self.maximumFactorDimension * n : 0)
        for f in factors {
            let k = f.coordinates.count
            for j in 0..<n { for (c, i) in f.coordinates.enumerated() { gathered[c + j * k] = Double(x[i + j * d]) } }
            gathered.withUnsafeBufferPointer { g in
                let xs = UnsafeBufferPointer(rebasing: g[0..<(k * n)])
                values.withUnsafeMutableBufferPointer { v in
                    if gradients {
                        grads.withUnsafeMutableBufferPointer { gr in
                            f.density.logDensityAndGradient(xs, count: n, value: v,
                                                            gradient: UnsafeMutableBufferPointer(rebasing: gr[0..<(k * n)]))
                        }
                    } else {
                        f.density.logDensity(xs, count: n, into: v)
                    }
                }
            }
            body(f, values, gradients ? Array(grads[0..<(k * n)]) : [])
        }
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
