import RealModule

/// The activation of the potential network, σ(x) = log(eˣ + e⁻ˣ) = log(2 cosh x), and its
/// first three derivatives.
///
/// Evaluated as |x| + log1p(e^{−2|x|}) so it never overflows: at |x| = 1e3 the naive form
/// computes e^{1000} = ∞, this form returns 1000 + log1p(0) exactly. The derivatives are
/// σ' = tanh x, σ'' = 1 − tanh²x, σ''' = −2 tanh x (1 − tanh²x), all bounded.
public enum Activation {
    @inline(__always)
    public static func value<T: Scalar>(_ x: T) -> T {
        let a = abs(x)
        return a + T.log(onePlus: T.exp(-2 * a))
    }
    @inline(__always)
    public static func derivative<T: Scalar>(_ x: T) -> T { T.tanh(x) }
    @inline(__always)
    public static func secondDerivative<T: Scalar>(_ x: T) -> T { let t = T.tanh(x); return 1 - t * t }
    @inline(__always)
    public static func thirdDerivative<T: Scalar>(_ x: T) -> T {
        let t = T.tanh(x); return -2 * t * (1 - t * t)
    }
}
