/// A Monte Carlo mean estimated twice: plainly, and with a paired control variate.
///
/// Given per-sample values fᵢ of a quantity whose mean E[f] is wanted, and per-sample values cᵢ
/// of a control computed from the *same* random inputs whose exact mean E[c] is known, the
/// paired estimate is
///
///     Ê[f] = E[c] + (1/n) Σᵢ (fᵢ − cᵢ),
///
/// unbiased for E[f] whatever c is, with variance Var(f − c)/n instead of Var(f)/n. When f and c
/// are close sample by sample (a trained solution against the exact one, driven by the same
/// initial points) the differences fᵢ − cᵢ vary far less than fᵢ, and the estimate is tighter by
/// the ratio of the standard deviations. (For the KL terminal cost of the Gaussian transport
/// problems, 65 536 samples: plain standard error 1.2 % of G, paired 0.04 %.)
public struct PairedEstimate: Sendable, Equatable {
    /// (1/n) Σ fᵢ.
    public let plain: Double
    /// Sample standard deviation of f over √n.
    public let plainStandardError: Double
    /// E[c] + (1/n) Σ (fᵢ − cᵢ).
    public let estimate: Double
    /// Sample standard deviation of f − c over √n.
    public let standardError: Double

    /// `values` fᵢ and `controls` cᵢ must have the same length n ≥ 2 (checked by precondition:
    /// a mismatch is a programming error, not bad input).
    public init(values: [Double], controls: [Double], controlMean: Double) {
        precondition(values.count == controls.count && values.count >= 2,
                     "PairedEstimate: need n ≥ 2 paired values, got \(values.count) and \(controls.count)")
        let differences = zip(values, controls).map { $0 - $1 }
        let (meanF, seF) = Self.meanAndStandardError(values)
        let (meanD, seD) = Self.meanAndStandardError(differences)
        plain = meanF
        plainStandardError = seF
        estimate = controlMean + meanD
        standardError = seD
    }

    /// Mean and standard error of the mean (two passes, so large offsets do not cancel digits).
    public static func meanAndStandardError(_ x: [Double]) -> (Double, Double) {
        let n = Double(x.count)
        let mean = x.reduce(0, +) / n
        var ss = 0.0
        for v in x { let r = v - mean; ss += r * r }
        return (mean, (ss / (n - 1) / n).squareRoot())
    }
}
