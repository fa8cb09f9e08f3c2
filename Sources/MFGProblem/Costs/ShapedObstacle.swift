import MFGMath

/// An obstacle of a given shape — a box, a disk or a capsule (a segment thickened by a radius:
/// walls and corridors) — in some coordinates C (two in problem files), made smooth by a
/// signed distance and a softness s > 0:
///
///     Q(x) = amplitude · σ(−D(y)/s),   σ(z) = 1/(1 + e^(−z)),   y = x_C,
///
/// where D < 0 inside the shape, D = 0 on (about) its boundary, D > 0 outside and |∇D| → 1 away
/// from it: Q ≈ amplitude well inside, amplitude/2 on the boundary, and it falls off like
/// amplitude · e^(−dist/s) outside. The smooth signed distances:
///
/// - **box** [l, u] (lⱼ < uⱼ): the smooth maximum (log-sum-exp at scale s) of the 2|C| half-space
///   distances lⱼ − yⱼ and yⱼ − uⱼ,
///       D = s · log Σⱼ (e^((lⱼ − yⱼ)/s) + e^((yⱼ − uⱼ)/s)),   so   Q = amplitude / (1 + Σⱼ(…)).
///   Exact to e^(−width/s) at the middle of a face; corners are rounded (D overestimates the
///   distance by at most s·log(2|C|)).
/// - **capsule** from a to b with radius r > 0: with δ = y − p(y), p(y) the nearest point of the
///   segment [a, b], D = √(|δ|² + s²) − √(r² + s²) (zero exactly at distance r; the s² smooths
///   the kink of |δ| on the segment itself).
/// - **disk** with centre c and radius r: the capsule with a = b = c.
///
/// Gradients are exact: ∇_y Q = −(amplitude/s) σ(z)σ(−z) ∇D with z = D/s, ∇D = Σ wₖ ∇dₖ for the
/// box (wₖ the softmax weights of its half-space distances dₖ) and δ/√(|δ|² + s²) for the
/// capsule (∇|δ|² = 2δ: the projection's own variation is tangent). Q is C¹ with a Lipschitz
/// gradient everywhere (the capsule's second derivative jumps across the planes through a and b
/// normal to the segment), which is what the strict Taylor test of the conformance suite needs.
public struct ShapedObstacle: Sendable, Equatable {
    public enum Shape: Sendable, Equatable {
        case box(lower: [Double], upper: [Double])
        case disk(center: [Double], radius: Double)
        case capsule(from: [Double], to: [Double], radius: Double)

        /// The keyword in problem files.
        public var keyword: String {
            switch self {
            case .box: return "box"
            case .disk: return "disk"
            case .capsule: return "capsule"
            }
        }
    }

    public let shape: Shape
    /// λ of this obstacle (the term sums λₖQₖ; ≥ 0 in files).
    public let weight: Double
    public let amplitude: Double
    /// s > 0, a length: the width of the transition from amplitude to 0.
    public let softness: Double
    /// C, 0-based, distinct, below `dimension`.
    public let coordinates: [Int]
    /// The ambient dimension d.
    public let dimension: Int
    /// Where it was written (`running_cost.obstacle[2]`), for messages; not part of equality.
    public let source: String

    /// - Precondition: the shape's vectors have one entry per coordinate; box lower < upper;
    ///   radius > 0; softness > 0; coordinates distinct and below `dimension`.
    public init(shape: Shape, weight: Double, amplitude: Double, softness: Double, coordinates: [Int],
                dimension: Int, source: String = "") {
        let k = coordinates.count
        precondition(k > 0 && Set(coordinates).count == k && coordinates.allSatisfy { $0 >= 0 && $0 < dimension },
                     "ShapedObstacle: coordinates must be distinct and below the dimension")
        precondition(softness > 0 && softness.isFinite, "ShapedObstacle: softness must be positive")
        switch shape {
        case let .box(lower, upper):
            precondition(lower.count == k && upper.count == k && zip(lower, upper).allSatisfy { $0 < $1 },
                         "ShapedObstacle: box needs lower < upper in every coordinate")
        case let .disk(center, radius):
            precondition(center.count == k && radius > 0, "ShapedObstacle: disk needs a centre per coordinate and radius > 0")
        case let .capsule(a, b, radius):
            precondition(a.count == k && b.count == k && radius > 0, "ShapedObstacle: capsule needs end points per coordinate and radius > 0")
        }
        self.shape = shape; self.weight = weight; self.amplitude = amplitude; self.softness = softness
        self.coordinates = coordinates; self.dimension = dimension; self.source = source
    }

    public static func == (a: ShapedObstacle, b: ShapedObstacle) -> Bool {
        a.shape == b.shape && a.weight == b.weight && a.amplitude == b.amplitude && a.softness == b.softness
            && a.coordinates == b.coordinates && a.dimension == b.dimension
    }

    /// z = D(y)/s at column j of x (d × n), and ∇_y z into `grad` (one entry per coordinate).
    @inline(__always)
    func scaledDistance<T: Scalar>(_ x: UnsafeBufferPointer<T>, column j: Int, gradient grad: inout [Double]) -> Double {
        let s = softness, k = coordinates.count
        @inline(__always) func y(_ c: Int) -> Double { Double(x[coordinates[c] + j * dimension]) }
        switch shape {
        case let .box(lower, upper):
            // z = log Σ e^{aₘ}, aₘ the half-space distances over s, computed after the largest.
            var m = -Double.infinity
            for c in 0..<k { m = max(m, (lower[c] - y(c)) / s, (y(c) - upper[c]) / s) }
            var sum = 0.0
            for c in 0..<k {
                let below = Double.exp((lower[c] - y(c)) / s - m), above = Double.exp((y(c) - upper[c]) / s - m)
                sum += below + above
                grad[c] = above - below           // divided by sum·s below
            }
            for c in 0..<k { grad[c] /= sum * s }
            return m + Double.log(sum)
        case let .disk(center, radius):
            return capsule(y, from: center, to: center, radius: radius, gradient: &grad)
        case let .capsule(a, b, radius):
            return capsule(y, from: a, to: b, radius: radius, gradient: &grad)
        }
    }

    @inline(__always)
    private func capsule(_ y: (Int) -> Double, from a: [Double], to b: [Double], radius r: Double,
                         gradient grad: inout [Double]) -> Double {
        let s = softness, k = a.count
        var ab2 = 0.0, dot = 0.0
        for c in 0..<k { let e = b[c] - a[c]; ab2 += e * e; dot += (y(c) - a[c]) * e }
        let t = ab2 > 0 ? min(max(dot / ab2, 0), 1) : 0
        var d2 = 0.0
        for c in 0..<k {
            let delta = y(c) - (a[c] + t * (b[c] - a[c]))
            grad[c] = delta
            d2 += delta * delta
        }
        let root = (d2 + s * s).squareRoot()
        for c in 0..<k { grad[c] /= root * s }
        return (root - (r * r + s * s).squareRoot()) / s
    }

    /// Q and dQ/dz at z: amplitude·σ(−z) and −amplitude·σ(z)σ(−z), both without overflow.
    @inline(__always)
    static func profile(_ z: Double, amplitude: Double) -> (value: Double, slope: Double) {
        let e = Double.exp(-abs(z))                 // ≤ 1
        let small = e / (1 + e), large = 1 / (1 + e) // σ(−|z|), σ(|z|)
        let value = z > 0 ? amplitude * small : amplitude * large
        return (value, -amplitude * small * large)
    }

    /// λQ and ∇ₓ(λQ) at column j, the gradient added into `gradient` at that column (d × n, only
    /// the obstacle's coordinates touched). `scratch` holds one entry per coordinate.
    @inline(__always)
    func accumulate<T: Scalar>(_ x: UnsafeBufferPointer<T>, column j: Int, scratch: inout [Double],
                               gradient: UnsafeMutablePointer<Double>?) -> Double {
        let z = scaledDistance(x, column: j, gradient: &scratch)
        let (q, dq) = Self.profile(z, amplitude: amplitude)
        if let gradient {
            for (c, i) in coordinates.enumerated() { gradient[i] += weight * dq * scratch[c] }
        }
        return weight * q
    }
}

/// The sum Σₖ λₖQₖ of shaped obstacles (see `ShapedObstacle`), evaluated at points.
public struct ShapedObstacles: Sendable, Equatable {
    public let dimension: Int
    public let obstacles: [ShapedObstacle]

    public init(dimension: Int, obstacles: [ShapedObstacle]) {
        precondition(obstacles.allSatisfy { $0.dimension == dimension }, "ShapedObstacles: all of dimension \(dimension)")
        self.dimension = dimension; self.obstacles = obstacles
    }

    /// Σλₖ Qₖ at n points x (d × n) into `out`.
    public func value<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int, into out: UnsafeMutableBufferPointer<T>) {
        precondition(x.count >= dimension * n && out.count >= n, "ShapedObstacles.value: buffers too small")
        var scratch = [Double](repeating: 0, count: dimension)
        for j in 0..<n {
            var s = 0.0
            for o in obstacles { s += o.accumulate(x, column: j, scratch: &scratch, gradient: nil) }
            out[j] = T(s)
        }
    }

    /// Whether each of n points x (d × n) lies inside at least one of the shapes: signed
    /// distance D < 0, i.e. Q above half the shape's amplitude (for diagnostics and figures).
    public func inside<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int, into out: UnsafeMutableBufferPointer<Bool>) {
        precondition(x.count >= dimension * n && out.count >= n, "ShapedObstacles.inside: buffers too small")
        var scratch = [Double](repeating: 0, count: dimension)
        for j in 0..<n {
            out[j] = obstacles.contains { $0.scaledDistance(x, column: j, gradient: &scratch) < 0 }
        }
    }

    /// Σλₖ Qₖ and its gradient (d × n, zero outside the obstacles' coordinates).
    public func valueAndGradient<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int,
                                            value: UnsafeMutableBufferPointer<T>,
                                            gradient: UnsafeMutableBufferPointer<T>) {
        let d = dimension
        precondition(x.count >= d * n && value.count >= n && gradient.count >= d * n,
                     "ShapedObstacles.valueAndGradient: buffers too small")
        var scratch = [Double](repeating: 0, count: d)
        var grad = [Double](repeating: 0, count: d)
        grad.withUnsafeMutableBufferPointer { g in
            for j in 0..<n {
                for i in 0..<d { g[i] = 0 }
                var s = 0.0
                for o in obstacles { s += o.accumulate(x, column: j, scratch: &scratch, gradient: g.baseAddress!) }
                value[j] = T(s)
                for i in 0..<d { gradient[i + j * d] = T(g[i]) }
            }
        }
    }
}
