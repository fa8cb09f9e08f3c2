import MFGMath

/// A probability density on ℝᵈ that can be sampled and evaluated (with its score ∇log ρ).
///
/// All batched methods use the package's layout: n points of ℝᵈ stored column-major as a d × n
/// array, one point per column (entry i of point j at `i + j·d`).
public enum Density: Sendable {
    /// A single Gaussian (diagonal or full covariance).
    case gaussian(Gaussian)
    /// A finite mixture Σₖ wₖ N(μₖ, Σₖ); the weights are positive and sum to 1.
    case mixture([(weight: Double, component: Gaussian)])
    /// A product of independent factors on disjoint sets of coordinates (see `ProductDensity`).
    case product(ProductDensity)
    /// The Gaussian kernel density estimate of samples from a data file (see `SampleDensity`):
    /// an equal-weight mixture of N Gaussians N(xₖ, h²I), evaluated and sampled by its own code.
    case samples(SampleDensity)

    /// The dimension d.
    public var dimension: Int {
        switch self {
        case .gaussian(let g): return g.dimension
        case .mixture(let parts): return parts[0].component.dimension
        case .product(let p): return p.dimension
        case .samples(let s): return s.dimension
        }
    }

    /// The components as a list of (weight, Gaussian); a single Gaussian has weight 1. A product
    /// is expanded into the mixture of all combinations of its factors' components (Πf Kf of
    /// them), which is only meant for small products.
    ///
    /// - Precondition: for a product, at most 4096 combinations (the expansion of a d = 100
    ///   product of bimodal factors would have 2¹⁰⁰; code that handles products works factor by
    ///   factor instead).
    public var components: [(weight: Double, component: Gaussian)] {
        switch self {
        case .gaussian(let g): return [(1, g)]
        case .mixture(let parts): return parts
        case .product(let p): return p.expandedComponents()
        case .samples(let s): return s.components
        }
    }

    /// The mean of the density, Σₖ wₖ μₖ (factor by factor for a product).
    public var mean: [Double] {
        if case .product(let p) = self {
            var m = [Double](repeating: 0, count: p.dimension)
            for f in p.factors { for (i, v) in zip(f.coordinates, f.density.mean) { m[i] = v } }
            return m
        }
        if case .samples(let s) = self { return s.mean }
        var m = [Double](repeating: 0, count: dimension)
        for (w, g) in components { for i in 0..<m.count { m[i] += w * g.mean[i] } }
        return m
    }

    /// The diagonal of the covariance, Σₖ wₖ(Σₖ,ᵢᵢ + μₖᵢ²) − (Σₖ wₖ μₖᵢ)² (factor by factor for
    /// a product).
    public var marginalVariance: [Double] {
        if case .product(let p) = self {
            var v = [Double](repeating: 0, count: p.dimension)
            for f in p.factors { for (i, s) in zip(f.coordinates, f.density.marginalVariance) { v[i] = s } }
            return v
        }
        if case .samples(let s) = self { return s.marginalVariance }
        let m = mean
        var v = [Double](repeating: 0, count: dimension)
        for (w, g) in components {
            for i in 0..<v.count { v[i] += w * (g.variance[i] + g.mean[i] * g.mean[i]) }
        }
        for i in 0..<v.count { v[i] -= m[i] * m[i] }
        return v
    }
}

extension Density {
    /// Draws `n` independent samples, returned column-major as a d × n array.
    ///
    /// A mixture first picks a component with probability wₖ (inverse CDF of the weights on
    /// one uniform draw), then draws μₖ + √σₖ ⊙ ξ (diagonal) or μₖ + Lₖξ (full covariance) with
    /// ξ standard normal. A product draws its factors one after another for each point. The
    /// stream depends only on the state of `rng`, so a seed reproduces a batch exactly.
    public func sample(count n: Int, rng: inout RandomSource) -> [Double] {
        let d = dimension
        var out = [Double](repeating: 0, count: d * n)
        switch self {
        case .product(let p):
            let samplers = p.factors.map { ComponentSampler($0.density) }
            var point = [Double](repeating: 0, count: 2 * ProductDensity.maximumFactorDimension)
            point.withUnsafeMutableBufferPointer { buffer in
                for j in 0..<n {
                    for (f, s) in zip(p.factors, samplers) {
                        let k = f.coordinates.count
                        s.draw(&rng, scratch: UnsafeMutableBufferPointer(rebasing: buffer[k..<(2 * k)]),
                               into: UnsafeMutableBufferPointer(rebasing: buffer[0..<k]))
                        for (c, i) in f.coordinates.enumerated() { out[i + j * d] = buffer[c] }
                    }
                }
            }
        case .samples(let kde):
            var xi = [Double](repeating: 0, count: d)
            out.withUnsafeMutableBufferPointer { o in
                xi.withUnsafeMutableBufferPointer { x in
                    for j in 0..<n {
                        kde.draw(&rng, scratch: x, into: UnsafeMutableBufferPointer(rebasing: o[(j * d)..<((j + 1) * d)]))
                    }
                }
            }
        default:
            let s = ComponentSampler(self)
            var xi = [Double](repeating: 0, count: d)
            out.withUnsafeMutableBufferPointer { o in
                xi.withUnsafeMutableBufferPointer { x in
                    for j in 0..<n {
                        s.draw(&rng, scratch: x, into: UnsafeMutableBufferPointer(rebasing: o[(j * d)..<((j + 1) * d)]))
                    }
                }
            }
        }
        return out
    }

    /// Samples as a `Matrix<T>` (d × n).
    public func sampleMatrix<T: Scalar>(count n: Int, rng: inout RandomSource, as: T.Type = T.self) -> Matrix<T> {
        let x = sample(count: n, rng: &rng)
        var m = Matrix<T>(rows: dimension, cols: n)
        for i in 0..<x.count { m.storage[i] = T(x[i]) }
        return m
    }

    /// log ρ at n points `x` (d × n) into `out` (n values).
    ///
    /// Accumulates in Double whatever `T` is. A mixture is evaluated by log-sum-exp,
    /// log Σₖ exp(log wₖ + log Nₖ(x)) = M + log Σₖ exp(log wₖ + log Nₖ(x) − M) with M the
    /// largest term, so it stays finite far from every component (where each Nₖ(x) underflows).
    /// Full-covariance components are whitened for the whole block first (`Gaussian.whitened`).
    /// A product is the sum of its factors' log-densities.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func logDensity<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int,
                                      into out: UnsafeMutableBufferPointer<T>) {
        let d = dimension
        precondition(x.count >= d * n && out.count >= n, "Density.logDensity: buffers too small")
        switch self {
        case .gaussian(let g):
            if g.full != nil {
                let q = g.whitened(x, count: n, score: false).q
                for j in 0..<n { out[j] = T(g.logNormalizer - 0.5 * q[j]) }
            } else {
                for j in 0..<n { out[j] = T(g.logDensity(at: x, column: j)) }
            }
        case .mixture(let parts):
            let logW = parts.map { Double.log($0.weight) }
            let white = WhitenedComponents(parts, x, count: n, score: false)
            var terms = [Double](repeating: 0, count: parts.count)
            for j in 0..<n {
                var top = -Double.infinity
                for k in 0..<parts.count {
                    let f = white.slot[k]
                    if f >= 0 {
                        terms[k] = logW[k] + (parts[k].component.logNormalizer - 0.5 * white.q[f * n + j])
                    } else {
                        terms[k] = logW[k] + parts[k].component.logDensity(at: x, column: j)
                    }
                    top = Swift.max(top, terms[k])
                }
                var s = 0.0
                for k in 0..<parts.count { s += Double.exp(terms[k] - top) }
                out[j] = T(top + Double.log(s))
            }
        case .product(let p):
            p.table.evaluate(x, count: n, value: out, gradient: nil)
        case .samples(let s):
            s.evaluate(x, count: n, value: out, gradient: nil)
        }
    }

    /// log ρ and its gradient ∇ₓ log ρ (the score) at n points.
    ///
    /// For a mixture the score is Σₖ rₖ(x)·(−Σₖ⁻¹(x − μₖ)) with responsibilities
    /// rₖ = wₖNₖ(x)/ρ(x) computed as a softmax of the log-terms (stable far from the centres);
    /// for a full covariance Σₖ⁻¹(x − μₖ) comes from a second triangular solve over the block.
    /// A product sums its factors' log-densities and places each factor's score in its
    /// coordinates. `value` receives n values, `gradient` a d × n array.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func logDensityAndGradient<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int,
                                                 value: UnsafeMutableBufferPointer<T>,
                                                 gradient: UnsafeMutableBufferPointer<T>) {
        let d = dimension
        precondition(x.count >= d * n && value.count >= n && gradient.count >= d * n,
                     "Density.logDensityAndGradient: buffers too small")
        if case .product(let p) = self {
            p.table.evaluate(x, count: n, value: value, gradient: gradient)
            return
        }
        if case .samples(let s) = self {
            s.evaluate(x, count: n, value: value, gradient: gradient)
            return
        }
        let parts = components
        let logW = parts.map { Double.log($0.weight) }
        let white = WhitenedComponents(parts, x, count: n, score: true)
        var terms = [Double](repeating: 0, count: parts.count)
        var grad = [Double](repeating: 0, count: d)
        for j in 0..<n {
            var top = -Double.infinity
            for k in 0..<parts.count {
                let f = white.slot[k]
                if f >= 0 {
                    terms[k] = logW[k] + (parts[k].component.logNormalizer - 0.5 * white.q[f * n + j])
                } else {
                    terms[k] = logW[k] + parts[k].component.logDensity(at: x, column: j)
                }
                top = Swift.max(top, terms[k])
            }
            var s = 0.0
            for k in 0..<parts.count {
                terms[k] = Double.exp(terms[k] - top)
                s += terms[k]
            }
            value[j] = T(top + Double.log(s))
            for i in 0..<d { grad[i] = 0 }
            for k in 0..<parts.count {
                let r = terms[k] / s
                if r == 0 { continue }
                let f = white.slot[k]
                if f >= 0 {
                    let base = f * d * n + j * d
                    for i in 0..<d { grad[i] -= r * white.z[base + i] }
                } else {
                    let g = parts[k].component
                    for i in 0..<d { grad[i] -= r * (Double(x[i + j * d]) - g.mean[i]) / g.variance[i] }
                }
            }
            for i in 0..<d { gradient[i + j * d] = T(grad[i]) }
        }
    }

    /// Convenience: log ρ at the columns of a d × n matrix.
    public func logDensity<T: Scalar>(_ x: Matrix<T>) -> [T] {
        precondition(x.rows == dimension, "Density.logDensity: matrix has \(x.rows) rows, dimension is \(dimension)")
        var out = [T](repeating: 0, count: x.cols)
        x.storage.withUnsafeBufferPointer { px in
            out.withUnsafeMutableBufferPointer { logDensity(px, count: x.cols, into: $0) }
        }
        return out
    }
}

/// The full-covariance components of a Gaussian or mixture, whitened for a block of n points:
/// component k with a full covariance has `slot[k]` = f ≥ 0, its quadratic forms at
/// `q[f·n + j]` and (when scores were asked for) Σₖ⁻¹(xⱼ − μₖ) at `z[f·d·n + j·d + i]`;
/// diagonal components have slot −1 and nothing is computed for them. Flat arrays, so the loop
/// over points reads plain numbers (no per-point copies of array values).
struct WhitenedComponents {
    let slot: [Int]
    let q: [Double]
    let z: [Double]

    init<T: Scalar>(_ parts: [(weight: Double, component: Gaussian)], _ x: UnsafeBufferPointer<T>, count n: Int,
                    score: Bool) {
        var slot: [Int] = [], q: [Double] = [], z: [Double] = []
        for (_, g) in parts {
            guard g.full != nil else { slot.append(-1); continue }
            slot.append(q.count / max(n, 1))
            let w = g.whitened(x, count: n, score: score)
            q += w.q
            z += w.z
        }
        self.slot = slot
        self.q = q
        self.z = z
    }
}

/// Draws single points of a Gaussian or a mixture: component by inverse CDF of the weights on
/// one uniform (only when there are several), then d standard normals, then μ + √σ ⊙ ξ or μ + Lξ.
struct ComponentSampler {
    let parts: [(weight: Double, component: Gaussian)]
    let cumulative: [Double]
    let total: Double

    init(_ density: Density) {
        parts = density.components
        var acc = 0.0
        var c: [Double] = []
        for p in parts { acc += p.weight; c.append(acc) }
        cumulative = c
        total = acc
    }

    /// One point into `out` (d values); `scratch` holds the d normal draws.
    @inline(__always)
    func draw(_ rng: inout RandomSource, scratch: UnsafeMutableBufferPointer<Double>,
              into out: UnsafeMutableBufferPointer<Double>) {
        var k = 0
        if parts.count > 1 {
            let u = rng.uniformOpen() * total
            while k < parts.count - 1 && u > cumulative[k] { k += 1 }
        }
        rng.fillGaussian(scratch)
        parts[k].component.transform(scratch, into: out)
    }
}
