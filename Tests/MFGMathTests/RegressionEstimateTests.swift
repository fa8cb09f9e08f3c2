import Testing
import MFGMath

@Suite("Regression (fitted control-variate) estimates")
struct RegressionEstimateTests {
    /// f = 1 + 2u exactly, with a control of known mean 0 whose sample mean is not 0: the fitted
    /// coefficient is 2 and the estimate f̄ − 2ū is 1 with zero residual (to rounding, 1e-12);
    /// the plain mean is 1 + 2ū.
    @Test func anExactlyLinearValueIsRecoveredExactly() {
        let u: [Double] = [0.3, -0.1, 0.7, 0.2, 0.5]
        let f = u.map { 1 + 2 * $0 }
        let e = RegressionEstimate(values: f, controls: u, controlMean: 0)
        #expect(abs(e.coefficient - 2) < 1e-12 && abs(e.estimate - 1) < 1e-12 && e.standardError < 1e-12, "\(e)")
        #expect(abs(e.plain - (1 + 2 * 0.32)) < 1e-12)
    }

    /// A control that does not vary carries no information: β = 0, the plain mean, and the
    /// standard error with n − 2 degrees of freedom (hand-computed for f = 1, 2, 3, 4: Σ(f − f̄)² = 5,
    /// √(5/2/4)).
    @Test func aConstantControlLeavesThePlainMean() {
        let e = RegressionEstimate(values: [1, 2, 3, 4], controls: [0.5, 0.5, 0.5, 0.5], controlMean: 0.5)
        #expect(e.coefficient == 0 && e.estimate == 2.5 && e.plain == 2.5)
        #expect(abs(e.standardError - (5.0 / 8).squareRoot()) < 1e-15)
    }

    /// f = 3 + 0.5u + 0.1v with u, v independent standard normals (E[f] = 3, the control's mean
    /// 0): on 4000 samples with a fixed seed the estimate is within 5 of its standard errors of
    /// 3, the coefficient within 0.02 of 0.5 (its sampling error ≈ 0.1/√4000 ≈ 0.0016), and the
    /// standard error is the plain one times √(0.01/0.26) ≈ 0.196, within 0.02 (statistical).
    @Test func aCorrelatedControlIsUnbiasedAndTighter() {
        var rng = RandomSource(seed: 21)
        let u: [Double] = rng.gaussians(4000), v: [Double] = rng.gaussians(4000)
        let f = zip(u, v).map { 3 + 0.5 * $0 + 0.1 * $1 }
        let e = RegressionEstimate(values: f, controls: u, controlMean: 0)
        #expect(abs(e.estimate - 3) < 5 * e.standardError, "\(e)")
        #expect(abs(e.coefficient - 0.5) < 0.02, "\(e)")
        #expect(abs(e.standardError / e.plainStandardError - (0.01 / 0.26).squareRoot()) < 0.02, "\(e)")
    }
}
