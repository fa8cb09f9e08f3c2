import MFGNeural

/// `KLRatioControl` in the JSON reports of `compare` and `evaluate` (snake_case keys, NaN or ±∞
/// as null): G and J with the density ratio as control variate and their standard errors, the
/// fitted coefficient, and the mean of ρ₁/ρ_N (1 for a carried density that is the agents').
struct RatioControlJSON: Encodable {
    let g: Double?, gStandardError: Double?, j: Double?, jStandardError: Double?
    let coefficient: Double?, ratioMean: Double?, ratioStandardError: Double?

    init(_ r: KLRatioControl) {
        let v = { (x: Double) in CompareJSON.finite(x) }
        g = v(r.terminal.estimate); gStandardError = v(r.terminal.standardError)
        j = v(r.cost); jStandardError = v(r.costStandardError)
        coefficient = v(r.terminal.coefficient)
        ratioMean = v(r.ratioMean); ratioStandardError = v(r.ratioStandardError)
    }
}
