import MFGMath

/// A terminal preference g(x), the cost λ_G ∫ g ρ(·, T) whose variational derivative is λ_G g.
public enum Preference: Sendable, Equatable {
    /// g = a (possibly negative) Gaussian bump on some coordinates.
    case bump(Bump)
    /// g(x) = ½ · scale · |x − center|² (center has d entries).
    case quadratic(center: [Double], scale: Double)
    /// g = a sum of bumps (several, or one per coordinate of a range).
    case bumps(BumpSum)

    /// The ambient dimension d.
    public var dimension: Int {
        switch self {
        case .bump(let b): return b.dimension
        case .quadratic(let c, _): return c.count
        case .bumps(let s): return s.dimension
        }
    }

    /// g at n points `x` (d × n) into `out` (n values).
    public func value<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int, into out: UnsafeMutableBufferPointer<T>) {
        switch self {
        case .bump(let b):
            b.value(x, count: n, into: out)
        case .bumps(let s):
            s.value(x, count: n, into: out)
        case .quadratic(let c, let scale):
            let d = c.count
            precondition(x.count >= d * n && out.count >= n, "Preference.value: buffers too small")
            for j in 0..<n {
                var s = 0.0
                for i in 0..<d { let y = Double(x[i + j * d]) - c[i]; s += y * y }
                out[j] = T(0.5 * scale * s)
            }
        }
    }

    /// g and ∇g at n points; `gradient` is d × n. For the quadratic, ∇g = scale·(x − center).
    public func valueAndGradient<T: Scalar>(_ x: UnsafeBufferPointer<T>, count n: Int,
                                            value: UnsafeMutableBufferPointer<T>,
                                            gradient: UnsafeMutableBufferPointer<T>) {
        switch self {
        case .bump(let b):
            b.valueAndGradient(x, count: n, value: value, gradient: gradient)
        case .bumps(let s):
            s.valueAndGradient(x, count: n, value: value, gradient: gradient)
        case .quadratic(let c, let scale):
            let d = c.count
            precondition(x.count >= d * n && value.count >= n && gradient.count >= d * n,
                         "Preference.valueAndGradient: buffers too small")
            for j in 0..<n {
                var s = 0.0
                for i in 0..<d {
                    let y = Double(x[i + j * d]) - c[i]
                    s += y * y
                    gradient[i + j * d] = T(scale * y)
                }
                value[j] = T(0.5 * scale * s)
            }
        }
    }
}
