import MFGMath

/// What reading one problem file may build: numbers materialised by expanding compact vectors
/// and full covariances (`ProblemLimits.numbers`) and the floating-point work of full
/// covariances (`ProblemLimits.covarianceWork`). A short file can ask for a lot — `mean: 0` in
/// 20 000 mixture components at d = 100 000 is 2·10⁹ numbers — so every expansion is charged
/// here before it is made, and the first one over the limit is refused naming its field.
///
/// Shared by all fields of one file (a reference type carried by `YAMLField`). It also keeps the
/// rotations it has generated, so that the same seed in ρ₀ and ρ₁ (the closed form's commuting
/// covariances) generates Q once.
final class ReadBudget {
    private(set) var numbers = 0
    private(set) var work = 0.0
    /// The limits (`ProblemLimits` unless a test asks for smaller ones).
    let numberLimit: Int, workLimit: Double
    private var rotations: [RotationKey: Matrix<Double>] = [:]

    private struct RotationKey: Hashable { let seed: UInt64, dimension: Int }

    init(numbers: Int = ProblemLimits.numbers, work: Double = ProblemLimits.covarianceWork) {
        numberLimit = numbers
        workLimit = work
    }

    /// Charges `count` numbers about to be materialised at `field`.
    func charge(numbers count: Int, at field: YAMLField) throws(ProblemError) {
        let (total, overflow) = numbers.addingReportingOverflow(count)
        guard !overflow, total <= numberLimit else {
            throw field.fail(.inconsistent("expanding this to \(count) numbers brings the problem past "
                + "\(numberLimit) numbers (allowed: at most \(numberLimit) once compact vectors "
                + "are expanded); use fewer components or bumps, or a lower dimension"))
        }
        numbers = total
    }

    /// Charges a full d × d covariance at `field`: its d² numbers (the matrix and its factor) and
    /// `cubes`·d³ of work (about 1 to check and factorise it, 3 more to generate a rotation).
    func chargeFullCovariance(dimension d: Int, cubes: Double, at field: YAMLField) throws(ProblemError) {
        let cost = cubes * Double(d) * Double(d) * Double(d)
        guard work + cost <= workLimit else {
            throw field.fail(.inconsistent("full covariances of dimension \(d) take too much work to set up: "
                + "about \(YAMLField.format((work + cost).rounded())) operations so far (allowed: at most "
                + "\(YAMLField.format(workLimit)), e.g. two covariances rotated by one seed and a covariance file at "
                + "dimension 1000); use diagonal variances, fewer full covariances or a product density"))
        }
        try charge(numbers: 2 * d * d, at: field)
        work += cost
    }

    /// The seeded random rotation of dimension d, generated once per file (and charged then).
    func rotation(seed: UInt64, dimension d: Int, at field: YAMLField) throws(ProblemError) -> Matrix<Double> {
        let key = RotationKey(seed: seed, dimension: d)
        if let q = rotations[key] { return q }
        try chargeFullCovariance(dimension: d, cubes: 3, at: field)
        var rng = RandomSource(seed: seed)
        let q = rng.orthogonalMatrix(dimension: d)
        rotations[key] = q
        return q
    }
}
