import MFGMath

/// A sum of bumps, Q(x) = Σₖ cₖ Bumpₖ(x): several obstacles, or one obstacle per coordinate of a
/// range (Q(x) = Σ_{i∈I} q(xᵢ)), so that a running cost or a terminal preference can act on each
/// block of coordinates separately.
///
/// Evaluated in one pass per point: the value sums the terms, and the gradient (d × n) is cleared
/// once and each term adds −cₖQₖ(x)·yⱼ/σⱼ in its own coordinates, so n points cost
/// O(n·(d + Σₖ|Cₖ|)) however many terms there are. A single term with coefficient 1 is evaluated
/// by the bump itself (the numbers of a problem with one obstacle are those of the bump).
public struct BumpSum: Sendable, Equatable {
    public struct Term: Sendable, Equatable {
        public let coefficient: Double
        public let bump: Bump
        /// Where the term was written, e.g. `running_cost.obstacle[1]` (for messages; not part of
        /// equality).
        public let source: String

        public init(coefficient: Double, bump: Bump, source: String = "") {
            self.coefficient = coefficient
            self.bump = bump
            self.source = source
        }

        public static func == (a: Term, b: Term) -> Bool { a.coefficient == b.coefficient && a.bump == b.bump }
    }

    /// The ambient dimension d.
    public let dimension: Int
    /// The terms, in file order (a `coordinates`/`each` range expanded coordinate by coordinate).
    public let terms: [Term]
    /// The terms as flat arrays, read by the batch loops.
    private let flat: FlatTerms

    /// The terms laid out for the per-point loops: term k has coefficient cₖ, amplitude aₖ and
    /// log-normaliser ℓₖ, and its coordinates are entries `start[k] ..< start[k + 1]` of
    /// `coordinate`, `center` and `variance`. Reading a term from `terms` would copy its bump's
    /// three arrays (a reference-count increment and decrement each) at every point and term:
    /// with one bump per coordinate in d = 100 that was most of a training iteration.
    private struct FlatTerms: Sendable {
        var coefficient: [Double] = [], amplitude: [Double] = [], logNormalizer: [Double] = []
        var start: [Int] = [0]
        var coordinate: [Int] = [], center: [Double] = [], variance: [Double] = []

        init(_ terms: [Term]) {
            for t in terms {
                coefficient.append(t.coefficient); amplitude.append(t.bump.amplitude)
                logNormalizer.append(t.bump.logNormalizer)
                coordinate += t.bump.coordinates; center += t.bump.center; variance += t.bump.variance
                start.append(coordinate.count)
            }
        }

        /// Calls `body(q, entries, coordinate, center, variance)` for every term k in order, with
        /// q = cₖ Qₖ at column j of `x` (d × n) — Qₖ evaluated as `Bump.evaluate` does, the same
        /// operations, so the same bits — and `entries` the range of term k's coordinates in
        /// the flat arrays passed along.
        @inline(__always)
        func forEachTerm<T: Scalar>(_ x: UnsafeBufferPointer<T>, column j: Int, dimension d: Int,
                                    _ body: (Double, Range<Int>, UnsafeBufferPointer<Int>, UnsafeBufferPointer<Double>,
                                             UnsafeBufferPointer<Double>) -> Void) {
            coefficient.withUnsafeBufferPointer { cf in amplitude.withUnsafeBufferPointer { am in
            logNormalizer.withUnsafeBufferPointer { ln in start.withUnsafeBufferPointer { st in
            coordinate.withUnsafeBufferPointer { co in center.withUnsafeBufferPointer { ce in
            variance.withUnsafeBufferPointer { va in
                for k in 0..<cf.count {
                    let entries = st[k]..<st[k + 1]
                    var q = 0.0
                    for e in entries {
                        let y = Double(x[co[e] + j * d]) - ce[e]
                        q += y * y / va[e]
                    }
                    body(cf[k] * (am[k] * Double.exp(ln[k] - 0.5 * q)), entries, co, ce, va)
                }
            } } } } } } }
        }
    }

    /// - Precondition: at least one term, all of dimension `dimension`.
    public init(dimension: Int, terms: [Term]) {
        precondition(!terms.isEmpty && terms.allSatisfy { $0.bump.dimension == dimension },
                     "BumpSum: at least one term, all of the same dimension")
        self.dimension = dimension
        self.terms = terms
        self.flat = FlatTerms(terms)
    }

    /// One bump with coefficient 1.
    public init(_ bump: Bump) { self.init(dimension: bump.dimension, terms: [Term(coefficient: 1, bump: bump)]) }

    public static func == (a: BumpSum, b: BumpSum) -> Bool { a.dimension == b.dimension && a.terms == b.terms }

    /// The bump when the sum is a single bump with coefficient 1 (the form of today's files).
    public var single: Bump? { terms.count == 1 && terms[0].coefficient == 1 ? terms[0].bump : nil }

    /// Q at n points `x` (d × n) into `out` (n values).
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func value<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int, into out: UnsafeMutableBufferPointer<T>) {
        if let b = single { return b.value(x, count: n, into: out) }
        precondition(x.count >= dimension * n && out.count >= n, "BumpSum.value: buffers too small")
        for j in 0..<n {
            var s = 0.0
            flat.forEachTerm(x, column: j, dimension: dimension) { q, _, _, _, _ in s += q }
            out[j] = T(s)
        }
    }

    /// Q and ∇Q at n points; `gradient` is d × n (zero outside the terms' coordinates).
    @_specialize(exported: true, where T == Float)
    @_specialize(exported: true, where T == Double)
    public func valueAndGradient<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int,
                                            value: UnsafeMutableBufferPointer<T>,
                                            gradient: UnsafeMutableBufferPointer<T>) {
        if let b = single { return b.valueAndGradient(x, count: n, value: value, gradient: gradient) }
        let d = dimension
        precondition(x.count >= d * n && value.count >= n && gradient.count >= d * n,
                     "BumpSum.valueAndGradient: buffers too small")
        var grad = [Double](repeating: 0, count: d)
        grad.withUnsafeMutableBufferPointer { grad in
            for j in 0..<n {
                for i in 0..<d { grad[i] = 0 }
                var s = 0.0
                flat.forEachTerm(x, column: j, dimension: d) { q, entries, co, ce, va in
                    s += q
                    for e in entries {
                        let i = co[e]
                        grad[i] -= q * (Double(x[i + j * d]) - ce[e]) / va[e]
                    }
                }
                value[j] = T(s)
                for i in 0..<d { gradient[i + j * d] = T(grad[i]) }
            }
        }
    }

    /// The coordinates some term depends on, increasing.
    public var coordinates: [Int] { Array(Set(terms.flatMap(\.bump.coordinates))).sorted() }
}
