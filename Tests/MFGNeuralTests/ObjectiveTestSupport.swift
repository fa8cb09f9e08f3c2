import MFGMath
import MFGProblem
@testable import MFGNeural

/// A Gaussian bump A exp(−½|x_{1,2} − c|²/v) on the first two coordinates, as a `Bump` (whose
/// amplitude multiplies the normalised density, hence the factor 2πv).
func gaussianBump(d: Int, amplitude: Double, center: [Double], variance: Double) -> Bump {
    Bump(amplitude: amplitude * 2 * Double.pi * variance, coordinates: [0, 1], center: center,
         variance: [variance, variance], dimension: d)
}

/// Costs for objective tests: α_L = 1.5, optionally an obstacle (λ_Q = 1.3) and entropy, and a KL
/// terminal cost to N(0.5, 1.2 I) or a preference for a well at (1, 1), λ_G = 2.
func testCosts<T: Scalar>(_: T.Type, d: Int, obstacle: Bool, entropy: Double, kl: Bool) -> CostModel<T> {
    var running: [any LocalCost] = []
    if obstacle {
        running.append(FieldCost(name: "obstacle", weight: 1.3,
                                 field: .bump(gaussianBump(d: d, amplitude: 2, center: [0.2, -0.1], variance: 0.8))))
    }
    if entropy != 0 { running.append(EntropyCost(weight: entropy)) }
    let target = Density.gaussian(Gaussian(mean: [Double](repeating: 0.5, count: d), isotropicVariance: 1.2))
    let terminal: any LocalCost = kl ? RelativeEntropyCost(weight: 2, target: target)
        : FieldCost(name: "preference", weight: 2, field: .bump(gaussianBump(d: d, amplitude: -1, center: [1, 1], variance: 2)))
    return CostModel<T>(dimension: d, horizon: 1, kineticWeight: 1.5, running: running, terminal: [terminal],
                        hjbWeight: 0.7, terminalHJBWeight: 0.4)
}
