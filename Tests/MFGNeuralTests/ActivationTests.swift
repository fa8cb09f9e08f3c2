import Testing
import MFGMath

@Suite("Activation σ(x) = log(eˣ + e⁻ˣ)")
struct ActivationTests {
    @Test func finiteAndCorrectAtLargeArguments() {
        // At |x| = 1e3 the naive form overflows; the stable form must give exactly |x| + log1p(e^{−2000}) = 1000.
        for x in [1e3, -1e3] {
            #expect(Activation.value(x) == 1000)
            #expect(Activation.derivative(x) == (x > 0 ? 1 : -1))
            #expect(Activation.secondDerivative(x) == 0)
            #expect(Activation.value(Float(x)) == 1000)
            #expect(Activation.value(Float(x)).isFinite)
        }
    }

    @Test func matchesDefinitionAtModerateArguments() {
        // Where eˣ does not overflow, compare with the definition (relative 1e-14 in Double).
        for x in stride(from: -20.0, through: 20.0, by: 0.37) {
            let direct = Double.log(Double.exp(x) + Double.exp(-x))
            #expect(abs(Activation.value(x) - direct) <= 1e-14 * max(1, abs(direct)))
            // Derivatives by central differences: O(ε²) = 1e-10 error at ε = 1e-5.
            let e = 1e-5
            #expect(abs((Activation.value(x + e) - Activation.value(x - e)) / (2 * e) - Activation.derivative(x)) < 1e-8)
            #expect(abs((Activation.derivative(x + e) - Activation.derivative(x - e)) / (2 * e)
                        - Activation.secondDerivative(x)) < 1e-8)
            #expect(abs((Activation.secondDerivative(x + e) - Activation.secondDerivative(x - e)) / (2 * e)
                        - Activation.thirdDerivative(x)) < 1e-8)
        }
    }
}
