import MFGMath

/// A probability density on ℝᵈ that can be sampled and evaluated (with its score ∇log ρ).
///
/// All batched methods use the package's layout: n points of ℝᵈ stored column-major as a d × n
/// array, one point per column (entry i of point j at `i + j·d`).
public enum Density: Sendable {
    /// A single Gaussian with diagonal covariance.
    case gaussian(Gaussian)
    /// A finite mixture Σₖ wₖ N(μₖ, Σₖ); the weights are positive and sum to 1.
    case mixture([(weight: Double, component: Gaussian)])

    /// The dimension d.
    public var dimension: Int {
        switch self {
        case .gaussian(let g): return g.dimension
        case .mixture(let parts): return parts[0].component.dimension
        }
    }

    /// The components as a list of (weight, Gaussian); a single Gaussian has weight 1.
    public var components: [(weight: Double, component: Gaussian)] {
        switch self {
        case .gaussian(let g): return [(1, g)]
        case .mixture(let parts): return parts
        }
    }

    /// The mean of the density, Σₖ wₖ μₖ.
    public var mean: [Double] {
        var m = [Double](repeating: 0, count: dimension)
        for (w, g) in components { for i in 0..<m.count { m[i] += w * g.mean[i] } }
        return m
    }

    /// The diagonal of the covariance, Σₖ wₖ(σₖ + μₖ²) − (Σₖ wₖ μₖ)².
    public var marginalVariance: [Double] {
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
    /// one uniform draw), then draws μₖ + √σₖ ⊙ ξ with ξ standard normal. The stream depends
    /// only on the state of `rng`, so a seed reproduces a batch exactly.
    public func sample(count n: Int, rng: inout RandomSource) -> [Double] {
        let d = dimension
        var out = [Double](repeating: 0, count: d * n)
        let parts = components
        var cumulative = [Double]()
        var acc = 0.0
        for p in parts { acc += p.weight; cumulative.append(acc) }
        var xi = [Double](repeating: 0, count: d)
        for j in 0..<n {
            var k = 0
            if parts.count > 1 {
                let u = rng.uniformOpen() * acc
                while k < parts.count - 1 && u > cumulative[k] { k += 1 }
            }
            let g = parts[k].component
            xi.withUnsafeMutableBufferPointer { rng.fillGaussian($0) }
            for i in 0..<d { out[i + j * d] = g.mean[i] + g.variance[i].squareRoot() * xi[i] }
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
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func logDensity<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int,
                                      into out: UnsafeMutableBufferPointer<T>) {
        let d = dimension
        precondition(x.count >= d * n && out.count >= n, "Density.logDensity: buffers too small")
        switch self {
        case .gaussian(let g):
            for j in 0..<n { out[j] = T(g.logDensity(at: x, column: j)) }
        case .mixture(let parts):
            let logW = parts.map { Double.log($0.weight) }
            var terms = [Double](repeating: 0, count: parts.count)
            for j in 0..<n {
                var top = -Double.infinity
                for k in 0..<parts.count {
                    terms[k] = logW[k] + parts[k].component.logDensity(at: x, column: j)
                    top = Swift.max(top, terms[k])
                }
                var s = 0.0
                for k in 0..<parts.count { s += Double.exp(terms[k] - top) }
                out[j] = T(top + Double.log(s))
            }
        }
    }

    /// log ρ and its gradient ∇ₓ log ρ (the score) at n points.
    ///
    /// For a mixture the score is Σₖ rₖ(x)·(−(x − μₖ)/σₖ) with responsibilities
    /// rₖ = wₖNₖ(x)/ρ(x) computed as a softmax of the log-terms (stable far from the centres).
    /// `value` receives n values, `gradient` a d × n array.
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func logDensityAndGradient<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int,
                                                 value: UnsafeMutableBufferPointer<T>,
                                                 gradient: UnsafeMutableBufferPointer<T>) {
        let d = dimension
        precondition(x.count >= d * n && value.count >= n && gradient.count >= d * n,
                     "Density.logDensityAndGradient: buffers too small")
        let parts = components
        let logW = parts.map { Double.log($0.weight) }
        var terms = [Double](repeating: 0, count: parts.count)
        var grad = [Double](repeating: 0, count: d)
        for j in 0..<n {
            var top = -Double.infinity
            for k in 0..<parts.count {
                terms[k] = logW[k] + parts[k].component.logDensity(at: x, column: j)
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
                let g = parts[k].component
                for i in 0..<d { grad[i] -= r * (Double(x[i + j * d]) - g.mean[i]) / g.variance[i] }
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
