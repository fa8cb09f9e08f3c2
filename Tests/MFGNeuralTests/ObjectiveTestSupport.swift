import MFGMath
@testable import MFGNeural

/// log N(x; μ, vI) and its gradient, batched: a stand-in target density for objective tests.
func gaussianLogDensity<T: Scalar>(d: Int, mean: [Double], variance: Double) -> BatchedField<T> {
    return { x, n, values, grads in
        for col in 0..<n {
            var q = 0.0
            for j in 0..<d {
                let r = Double(x[col * d + j]) - mean[j]
                q += r * r
                grads?[col * d + j] = T(-r / variance)
            }
            values[col] = T(-0.5 * q / variance - 0.5 * Double(d) * Double.log(2 * Double.pi * variance))
        }
    }
}

/// A Gaussian bump Q(x) = A exp(−½|x_{1,2} − c|²/v) on the first two coordinates.
func gaussianBump<T: Scalar>(d: Int, amplitude: Double, center: [Double], variance: Double) -> BatchedField<T> {
    return { x, n, values, grads in
        for col in 0..<n {
            var q = 0.0
            for j in 0..<2 { let r = Double(x[col * d + j]) - center[j]; q += r * r }
            let v = amplitude * Double.exp(-0.5 * q / variance)
            values[col] = T(v)
            if let grads {
                for j in 0..<d {
                    grads[col * d + j] = j < 2 ? T(-v * (Double(x[col * d + j]) - center[j]) / variance) : 0
                }
            }
        }
    }
}

func testCosts<T: Scalar>(_: T.Type, d: Int, obstacle: Bool, entropy: Double, kl: Bool) -> CostModel<T> {
    CostModel<T>(dimension: d, horizon: 1, kineticWeight: 1.5,
                 obstacle: obstacle ? gaussianBump(d: d, amplitude: 2, center: [0.2, -0.1], variance: 0.8) : nil,
                 obstacleWeight: obstacle ? 1.3 : 0, entropyWeight: entropy,
                 terminal: kl ? .kl(weight: 2, logTarget: gaussianLogDensity(d: d, mean: [Double](repeating: 0.5, count: d), variance: 1.2))
                              : .preference(weight: 2, g: gaussianBump(d: d, amplitude: -1, center: [1, 1], variance: 2)),
                 hjbWeight: 0.7, terminalHJBWeight: 0.4)
}
