/// The polynomial basis in τ = t/T of the quadratic part's M(t) = Σₖ φₖ(τ) Sₖ and
/// v(t) = Σₖ φₖ(τ) vₖ: the shifted Legendre polynomials φₖ(τ) = Pₖ(2τ − 1), k = 0…p (p ≤ 4),
///
///     φ₀ = 1, φ₁ = 2τ − 1, φ₂ = 6τ² − 6τ + 1, φ₃ = 20τ³ − 30τ² + 12τ − 1,
///     φ₄ = 70τ⁴ − 140τ³ + 90τ² − 20τ + 1.
///
/// Why not monomials 1, τ, τ², …: they are nearly parallel on [0, 1] (their Gram matrix is the
/// Hilbert matrix, condition number 5·10² for p = 2 and 5·10⁵ for p = 4), so the coefficient
/// blocks S₀…S_p would be strongly coupled and the optimizer would see an ill-conditioned
/// problem. The shifted Legendre polynomials are orthogonal on [0, 1] (∫φⱼφₖ dτ = δⱼₖ/(2k + 1)),
/// bounded by 1 there, and span the same space. Evaluated by Bonnet's recurrence on x = 2τ − 1,
/// (k + 1)P_{k+1} = (2k + 1)x Pₖ − k P_{k−1}, differentiated term by term.
struct TimeBasis {
    /// φₖ(τ), dφₖ/dτ and d²φₖ/dτ² in lanes k = 0…p (the other lanes are 0).
    let value: SIMD8<Double>, first: SIMD8<Double>, second: SIMD8<Double>

    /// The basis of degree p (0…4, at most 7) at τ.
    init(degree p: Int, at tau: Double) {
        precondition(p >= 0 && p < 8, "time degree \(p) outside 0...7")
        let x = 2 * tau - 1
        var v = SIMD8<Double>(), d1 = SIMD8<Double>(), d2 = SIMD8<Double>()
        v[0] = 1
        if p >= 1 { v[1] = x; d1[1] = 1 }
        if p >= 2 {
            for k in 1..<p {
                let a = Double(2 * k + 1), b = Double(k), c = Double(k + 1)
                v[k + 1] = (a * x * v[k] - b * v[k - 1]) / c
                d1[k + 1] = (a * (v[k] + x * d1[k]) - b * d1[k - 1]) / c
                d2[k + 1] = (a * (2 * d1[k] + x * d2[k]) - b * d2[k - 1]) / c
            }
        }
        // d/dτ = 2 d/dx.
        value = v; first = 2 * d1; second = 4 * d2
    }
}
