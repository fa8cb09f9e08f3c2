/// A Monte Carlo mean with a control variate whose coefficient is fitted to the samples.
///
/// Given per-sample values fᵢ of a quantity whose mean E[f] is wanted and per-sample values uᵢ
/// of a control with a known mean μ_u, computed from the same random inputs, the regression
/// estimate is
///
///     Ê[f] = f̄ − β (ū − μ_u),   β = Σ(fᵢ − f̄)(uᵢ − ū) / Σ(uᵢ − ū)²,
///
/// the least-squares slope of f on u. With the β that minimises Var(f − βu), its variance is
/// (1 − corr(f, u)²) Var(f)/n: never more than the plain mean's, whatever the control, and far
/// less when f is nearly a linear function of u. Fitting β on the same samples costs a bias of
/// order 1/n (negligible against the standard error at the sample counts used here, thousands
/// or more) and one degree of freedom: the standard error is the residuals' standard deviation,
/// √(Σ(fᵢ − f̄ − β(uᵢ − ū))²/(n − 2)), over √n. (`PairedEstimate` is the special case β = 1
/// without fitting, for a control that is the same quantity of an exact solution.)
public struct RegressionEstimate: Sendable, Equatable {
    /// (1/n) Σ fᵢ.
    public let plain: Double
    /// Sample standard deviation of f over √n.
    public let plainStandardError: Double
    /// f̄ − β(ū − μ_u).
    public let estimate: Double
    /// The residuals' standard deviation over √n.
    public let standardError: Double
    /// The fitted coefficient β (0 when the control does not vary).
    public let coefficient: Double

    /// `values` fᵢ and `controls` uᵢ must have the same length n ≥ 3 (checked by precondition:
    /// a mismatch is a programming error, not bad input).
    public init(values: [Double], controls: [Double], controlMean: Double) {
        precondition(values.count == controls.count && values.count >= 3,
                     "RegressionEstimate: need n ≥ 3 paired values, got \(values.count) and \(controls.count)")
        let n = Double(values.count)
        let (meanF, seF) = PairedEstimate.meanAndStandardError(values)
        let meanU = controls.reduce(0, +) / n
        var suu = 0.0, sfu = 0.0
        for (f, u) in zip(values, controls) { suu += (u - meanU) * (u - meanU); sfu += (f - meanF) * (u - meanU) }
        let beta = suu > 0 ? sfu / suu : 0
        var ss = 0.0
        for (f, u) in zip(values, controls) { let r = f - meanF - beta * (u - meanU); ss += r * r }
        plain = meanF
        plainStandardError = seF
        coefficient = beta
        estimate = meanF - beta * (meanU - controlMean)
        standardError = (ss / (n - 2) / n).squareRoot()
    }
}
