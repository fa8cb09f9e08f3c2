import MFGGrid
import MFGMath

/// Problems shared by the tests and the grid study.
enum TestProblems {
    /// Isotropic Gaussian pdf N(mean, variance·I) in 2D.
    static func gaussian(_ x: Double, _ y: Double, mean: (Double, Double), variance: Double) -> Double {
        let dx = x - mean.0, dy = y - mean.1
        return Double.exp(-(dx * dx + dy * dy) / (2 * variance)) / (2 * Double.pi * variance)
    }

    /// Cell-centre samples renormalised to unit grid mass.
    static func normalised(_ a: [Double], cellArea: Double) -> [Double] {
        let m = a.reduce(0, +) * cellArea
        return a.map { $0 / m }
    }

    /// Transport between two Gaussians with KL terminal cost, no running cost (closed form).
    static func gaussianTransport(n: Int, v0: Double = 0.3, v1: Double = 1, alpha: Double = 2,
                                  lambdaG: Double = 5, T: Double = 1, shift: Double = 0.75,
                                  half: Double = 4) -> GridProblem {
        let range = -half...half
        let area = (2 * half / Double(n)) * (2 * half / Double(n))
        let r0 = GridProblem.sample(nx: n, ny: n, x1: range, x2: range) {
            gaussian($0, $1, mean: (-shift, -shift), variance: v0)
        }
        let r1 = GridProblem.sample(nx: n, ny: n, x1: range, x2: range) {
            gaussian($0, $1, mean: (shift, shift), variance: v1)
        }
        return GridProblem(x1Lower: -half, x1Upper: half, x2Lower: -half, x2Upper: half, horizon: T,
                           alphaL: alpha, initialDensity: normalised(r0, cellArea: area),
                           terminal: .kullbackLeibler(target: normalised(r1, cellArea: area), weight: lambdaG))
    }

    /// The closed-form optimum J* = L* + G* of `gaussianTransport` (per coordinate the terminal
    /// law is N(m*, s*²), m* = (m₀ + κm₁)/(1 + κ), κ = λ_G T/(α v₁),
    /// (α/T)(s − √v₀) + λ_G(s/v₁ − 1/s) = 0).
    static func gaussianTransportOptimum(v0: Double = 0.3, v1: Double = 1, alpha: Double = 2,
                                         lambdaG: Double = 5, T: Double = 1, shift: Double = 0.75)
        -> (s: Double, kinetic: Double, terminal: Double) {
        let m0 = -shift, m1 = shift
        let kappa = lambdaG * T / (alpha * v1)
        let mStar = (m0 + kappa * m1) / (1 + kappa)
        // (α/T + λ_G/v₁) s² − (α/T)√v₀ s − λ_G = 0, positive root.
        let a = alpha / T + lambdaG / v1, b = -(alpha / T) * v0.squareRoot(), c = -lambdaG
        let s = (-b + (b * b - 4 * a * c).squareRoot()) / (2 * a)
        let d = 2.0
        let kinetic = alpha / (2 * T) * (d * (mStar - m0) * (mStar - m0) + d * (s - v0.squareRoot()) * (s - v0.squareRoot()))
        let klPerCoordinate = 0.5 * (s * s / v1 + (mStar - m1) * (mStar - m1) / v1 - 1 - Double.log(s * s / v1))
        return (s, kinetic, lambdaG * d * klPerCoordinate)
    }

    /// The crowd-motion problem of the PNAS paper (2D): an obstacle between two Gaussians.
    static func crowdMotion(n: Int) -> GridProblem {
        let x1 = -4.0...4.0, x2 = -5.0...5.0
        let area = (8 / Double(n)) * (10 / Double(n))
        let r0 = GridProblem.sample(nx: n, ny: n, x1: x1, x2: x2) { gaussian($0, $1, mean: (0, 3), variance: 0.3) }
        let r1 = GridProblem.sample(nx: n, ny: n, x1: x1, x2: x2) { gaussian($0, $1, mean: (0, -3), variance: 0.3) }
        let q = GridProblem.sample(nx: n, ny: n, x1: x1, x2: x2) { x, y in
            50 * Double.exp(-0.5 * (x * x + y * y / 0.5)) / (2 * Double.pi * 0.5.squareRoot())
        }
        return GridProblem(x1Lower: -4, x1Upper: 4, x2Lower: -5, x2Upper: 5, horizon: 1, alphaL: 1,
                           initialDensity: normalised(r0, cellArea: area), obstacle: q, lambdaQ: 1,
                           lambdaE: 0.01,
                           terminal: .kullbackLeibler(target: normalised(r1, cellArea: area), weight: 5))
    }

    /// 2D optimal transport from a ring of 8 Gaussians to one Gaussian (KL terminal, no running cost).
    static func eightGaussians(n: Int) -> GridProblem {
        let range = -6.0...6.0
        let area = (12 / Double(n)) * (12 / Double(n))
        let r0 = GridProblem.sample(nx: n, ny: n, x1: range, x2: range) { x, y in
            var s = 0.0
            for k in 0..<8 {
                let th = 2 * Double.pi * Double(k) / 8
                s += gaussian(x, y, mean: (4 * Double.cos(th), 4 * Double.sin(th)), variance: 0.3) / 8
            }
            return s
        }
        let r1 = GridProblem.sample(nx: n, ny: n, x1: range, x2: range) { gaussian($0, $1, mean: (0, 0), variance: 0.3) }
        return GridProblem(x1Lower: -6, x1Upper: 6, x2Lower: -6, x2Upper: 6, horizon: 1, alphaL: 2,
                           initialDensity: normalised(r0, cellArea: area),
                           terminal: .kullbackLeibler(target: normalised(r1, cellArea: area), weight: 5))
    }

    /// A crowd-motion-like problem on a tiny grid: every cost term is active (kinetic, obstacle,
    /// entropy, KL terminal), so the convergence test exercises the whole cell prox.
    static func tiny(n: Int) -> GridProblem {
        let x1 = -3.0...3.0, x2 = -3.0...3.0
        let area = (6 / Double(n)) * (6 / Double(n))
        let r0 = GridProblem.sample(nx: n, ny: n, x1: x1, x2: x2) {
            gaussian($0, $1, mean: (0, 1.5), variance: 0.4)
        }
        let r1 = GridProblem.sample(nx: n, ny: n, x1: x1, x2: x2) {
            gaussian($0, $1, mean: (0, -1.5), variance: 0.4)
        }
        let q = GridProblem.sample(nx: n, ny: n, x1: x1, x2: x2) { x, y in 5 * Double.exp(-(x * x + y * y)) }
        return GridProblem(x1Lower: -3, x1Upper: 3, x2Lower: -3, x2Upper: 3, horizon: 1, alphaL: 1,
                           initialDensity: normalised(r0, cellArea: area), obstacle: q, lambdaQ: 1,
                           lambdaE: 0.05,
                           terminal: .kullbackLeibler(target: normalised(r1, cellArea: area), weight: 2))
    }
}

extension TestProblems {
    /// The pdf of N(mean, variance) in one dimension.
    static func gaussian1D(_ x: Double, mean: Double, variance: Double) -> Double {
        Double.exp(-(x - mean) * (x - mean) / (2 * variance)) / (2 * Double.pi * variance).squareRoot()
    }

    /// A one-dimensional problem on [−half, half] with n cells: ρ₀, ρ₁ (renormalised on the
    /// grid) and the obstacle sampled at the cell centres, KL terminal cost.
    static func line(n: Int, half: Double, alpha: Double, initial: (Double) -> Double, target: (Double) -> Double,
                     obstacle: ((Double) -> Double)? = nil, lambdaE: Double = 0, lambdaG: Double) -> GridProblem {
        let range = -half...half, dx = 2 * half / Double(n)
        return GridProblem(x1Lower: -half, x1Upper: half, horizon: 1, alphaL: alpha,
                           initialDensity: normalised(GridProblem.sample(nx: n, x1: range, initial), cellArea: dx),
                           obstacle: obstacle.map { GridProblem.sample(nx: n, x1: range, $0) }, lambdaQ: 1, lambdaE: lambdaE,
                           terminal: .kullbackLeibler(target: normalised(GridProblem.sample(nx: n, x1: range, target), cellArea: dx),
                                                      weight: lambdaG))
    }

    /// The one-dimensional Gaussian transport with KL terminal cost of `GaussianKLTransport`
    /// (ρ₀ = N(−0.75, 0.3), ρ₁ = N(0.75, 1), α_L = 2, λ_G = 5, T = 1) on [−5, 5] with n cells:
    /// the target's tail outside the interval is 1e-5 (4.25 standard deviations).
    static func gaussianTransport1D(n: Int) -> GridProblem {
        line(n: n, half: 5, alpha: 2, initial: { gaussian1D($0, mean: -0.75, variance: 0.3) },
             target: { gaussian1D($0, mean: 0.75, variance: 1) }, lambdaG: 5)
    }

    /// A one-dimensional problem with every cost term (kinetic, obstacle, entropy, KL): a
    /// density crossing a bump at the origin.
    static func tiny1D(n: Int) -> GridProblem {
        line(n: n, half: 3, alpha: 1, initial: { gaussian1D($0, mean: -1.2, variance: 0.3) },
             target: { gaussian1D($0, mean: 1, variance: 0.4) }, obstacle: { 2 * Double.exp(-2 * $0 * $0) },
             lambdaE: 0.05, lambdaG: 2)
    }
}
