import Testing
import MFGMath
@testable import MFGNeural

@Suite("Exact parameter and input gradients of losses built from Φ, ∇ₓΦ, ∂ₜΦ, ΔₓΦ")
struct ParameterGradientTests {
    /// ℒ(θ, s) = Σₛ [αₛ Φ + βₛ |∇ₓΦ|² + γₛ ∂ₜΦ + δₛ ΔₓΦ] with random per-sample weights, and its
    /// adjoints Φ̄ = α, Ḡ = (2β∇ₓΦ, γ), Δ̄ = δ.
    struct MixedLoss<T: Scalar> {
        let alpha: [Double], beta: [Double], gamma: [Double], delta: [Double]
        init(n: Int, seed: UInt64) {
            var rng = RandomSource(seed: seed)
            alpha = rng.gaussians(n); beta = rng.gaussians(n); gamma = rng.gaussians(n); delta = rng.gaussians(n)
        }
        func value(_ net: PotentialNetwork<T>, _ pts: Matrix<T>) -> Double {
            let v = try! net.evaluate(pts)
            let d = net.shape.dimension
            var total = 0.0
            for s in 0..<pts.cols {
                var g2 = 0.0
                for j in 0..<d { g2 += Double(v.gradient[j, s]) * Double(v.gradient[j, s]) }
                total += alpha[s] * Double(v.phi[s]) + beta[s] * g2 + gamma[s] * Double(v.gradient[d, s])
                    + delta[s] * Double(v.laplacian[s])
            }
            return total
        }
        func gradient(_ net: PotentialNetwork<T>, _ pts: Matrix<T>) -> (parameters: [T], points: Matrix<T>) {
            let v = try! net.evaluate(pts)
            let d = net.shape.dimension
            var gBar = Matrix<T>(rows: d + 1, cols: pts.cols)
            for s in 0..<pts.cols {
                for j in 0..<d { gBar[j, s] = T(2 * beta[s]) * v.gradient[j, s] }
                gBar[d, s] = T(gamma[s])
            }
            return try! net.vectorJacobianProduct(at: pts, phiBar: alpha.map { T($0) }, gradientBar: gBar,
                                                  laplacianBar: delta.map { T($0) }, blockSize: 2)
        }
    }

    func parameterTaylor<T: Scalar>(_: T.Type, eps0: Double, layers: Int) {
        let net = randomNetwork(T.self, d: 4, m: 6, layers: layers, seed: 21)
        let pts = randomPoints(T.self, d: 4, n: 5, seed: 22)
        let loss = MixedLoss<T>(n: 5, seed: 23)
        let base = loss.value(net, pts)
        let grad = loss.gradient(net, pts).parameters
        var rng = RandomSource(seed: 24)
        expectSecondOrderInEveryBlock(net, gradient: grad, eps0: eps0, rng: &rng) { loss.value($0, pts) }
        // ℒ is affine in the constant b: the remainder is rounding only (100 ulp of ℒ).
        let b = net.layout.block("b")!
        var moved = net
        moved.parameters[b.offset] += T(eps0)
        let remainder = loss.value(moved, pts) - base - eps0 * Double(grad[b.offset])
        #expect(abs(remainder) <= 100 * Double(T.ulpOfOne) * max(1, abs(base)))
    }

    @Test(arguments: [0, 1, 2]) func everyParameterBlockDouble(layers: Int) {
        parameterTaylor(Double.self, eps0: 0.05, layers: layers)
    }
    @Test func everyParameterBlockFloat() { parameterTaylor(Float.self, eps0: 0.2, layers: 2) }

    /// The input adjoint (needed to differentiate through the characteristics) passes the
    /// same Taylor test in x: it carries Hessian-vector and third-derivative terms.
    @Test func inputGradientDouble() {
        let net = randomNetwork(Double.self, d: 4, m: 6, layers: 2, seed: 31)
        let pts = randomPoints(Double.self, d: 4, n: 5, seed: 32)
        let loss = MixedLoss<Double>(n: 5, seed: 33)
        var rng = RandomSource(seed: 34)
        expectSecondOrderInInput(pts, gradient: loss.gradient(net, pts).points, eps0: 0.05, rng: &rng) {
            loss.value(net, $0)
        }
    }
}
