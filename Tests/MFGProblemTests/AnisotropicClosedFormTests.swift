import Testing
import MFGMath
@testable import MFGProblem

/// KL-relaxed Gaussian transport with per-coordinate kinetic weights, ½Σᵢαᵢvᵢ²
/// (`GaussianKLTransport` with `kineticWeights`): the closed form, which comes from the scaling
/// uᵢ = √(αᵢ/α_L) xᵢ, against a minimisation that does not use the scaling, and in ambient
/// coordinates against the problem as written (its HJB equation with H = Σᵢpᵢ²/(2αᵢ), its
/// densities, its velocities vᵢ = −∂ᵢΦ/αᵢ).
@Suite("Gaussian transport with per-coordinate kinetic weights")
struct AnisotropicClosedFormTests {
    /// The weighted transport cost between N(m₀, Σ₀) and N(m, S), S = L_SL_Sᵀ, in d = 2, written
    /// out without any change of variables: for a coupling with cross-covariance C,
    /// E Σᵢαᵢ(Yᵢ − Xᵢ)² = Σᵢαᵢ((mᵢ − m₀ᵢ)² + Σ₀ᵢᵢ + Sᵢᵢ − 2Cᵢᵢ), and the couplings' C are L₀KL_Sᵀ
    /// with ‖K‖₂ ≤ 1 (as for W₂, docs/validation.md), so the least cost takes the largest
    /// tr(AL₀KL_Sᵀ) = tr(MK), M = L_SᵀAL₀, A = diag α: a linear function, largest at an orthogonal
    /// K. For a rotation by θ, tr(MK) = (M₀₀ + M₁₁)cos θ + (M₀₁ − M₁₀)sin θ, at most
    /// √((M₀₀ + M₁₁)² + (M₀₁ − M₁₀)²); for a reflection (M₀₀ − M₁₁)cos θ + (M₀₁ + M₁₀)sin θ. Exact.
    static func weightedTransportCost(m0: [Double], s0: Matrix<Double>, m: [Double], l: [[Double]], alphas: [Double]) -> Double {
        let l0 = Cholesky(symmetric: s0.storage, dimension: 2)!
        let lower0 = Matrix<Double>(rows: 2, cols: 2) { i, j in j <= i ? l0.lower[i * 2 + j] : 0 }
        // M = L_Sᵀ A L₀.
        let mm = Matrix<Double>(rows: 2, cols: 2) { i, j in (0..<2).reduce(0.0) { $0 + l[$1][i] * alphas[$1] * lower0[$1, j] } }
        let rotation = ((mm[0, 0] + mm[1, 1]) * (mm[0, 0] + mm[1, 1]) + (mm[0, 1] - mm[1, 0]) * (mm[0, 1] - mm[1, 0])).squareRoot()
        let reflection = ((mm[0, 0] - mm[1, 1]) * (mm[0, 0] - mm[1, 1]) + (mm[0, 1] + mm[1, 0]) * (mm[0, 1] + mm[1, 0])).squareRoot()
        var cost = -2 * max(rotation, reflection)
        for i in 0..<2 {
            let sii = l[i][0] * l[i][0] + l[i][1] * l[i][1]
            cost += alphas[i] * ((m[i] - m0[i]) * (m[i] - m0[i]) + s0[i, i] + sii)
        }
        return cost
    }

    /// J(m, S) = W_α²/(2T) + λ_G·KL(N(m, S) ‖ N(m₁, Σ₁)), p = (m₁, m₂, a, b, c), L_S = [[a, 0], [b, c]];
    /// the KL from the 2 × 2 inverse and determinants.
    static func reducedObjective(_ p: [Double], m0: [Double], s0: Matrix<Double>, m1: [Double], s1: Matrix<Double>,
                                 alphas: [Double], lambdaG: Double, T: Double) -> Double {
        let m = [p[0], p[1]], l = [[p[2], 0], [p[3], p[4]]]
        let w = weightedTransportCost(m0: m0, s0: s0, m: m, l: l, alphas: alphas)
        let s = Matrix<Double>(rows: 2, cols: 2) { i, j in l[i][0] * l[j][0] + l[i][1] * l[j][1] }
        let detS = s[0, 0] * s[1, 1] - s[0, 1] * s[1, 0], det1 = s1[0, 0] * s1[1, 1] - s1[0, 1] * s1[1, 0]
        let inv1 = Matrix<Double>(rows: 2, cols: 2) { i, j in (i == j ? s1[1 - i, 1 - j] : -s1[i, j]) / det1 }
        let r = [m[0] - m1[0], m[1] - m1[1]]
        var quad = 0.0, tr = 0.0
        for i in 0..<2 { for j in 0..<2 { quad += r[i] * inv1[i, j] * r[j]; tr += inv1[i, j] * s[j, i] } }
        let kl = 0.5 * (tr + quad - 2 + Double.log(det1) - Double.log(detS))
        return w / (2 * T) + lambdaG * kl
    }

    /// Σ = D⁻¹ΣᵤD⁻¹ for Dᵢᵢ = √(αᵢ/α_L): covariances whose scaled versions Σᵤ are given.
    static func unscaled(_ su: Matrix<Double>, alphas: [Double], alphaL: Double) -> Matrix<Double> {
        let d = alphas.map { ($0 / alphaL).squareRoot() }
        return Matrix(rows: su.rows, cols: su.cols) { i, j in su[i, j] / (d[i] * d[j]) }
    }

    /// The terminal covariance of the closed form in ambient x: D⁻¹V diag(s*²) VᵀD⁻¹.
    static func terminalCovariance(_ cf: GaussianKLTransport) -> Matrix<Double> {
        let d = cf.d
        let columns = (0..<d).map { k in cf.ambient((0..<d).map { $0 == k ? 1.0 : 0 }) }   // D⁻¹V eₖ
        return Matrix(rows: d, cols: d) { i, j in (0..<d).reduce(0.0) { $0 + columns[$1][i] * cf.sStars[$1] * cf.sStars[$1] * columns[$1][j] } }
    }

    /// The minimiser of the reduced objective over all terminal means and covariances is the
    /// closed form's (m*, S*) with its J* and L*, to 1e-8 (as the isotropic check in
    /// `ClosedFormMinimisationTests`: Newton on difference derivatives converges to ≈ 1e-12), for
    /// diagonal covariances with unequal weights (the optimum must stay diagonal: nothing in the
    /// minimisation says so), an isotropic Σ₀ with a diagonal Σ₁, and covariances that are
    /// rotated only once scaled (Σ = D⁻¹QΛQᵀD⁻¹: they commute after the scaling, not before).
    @Test(arguments: [0, 1, 2])
    func minimisesTheReducedObjective(_ c: Int) throws {
        let alphas = [[2.0, 0.5], [1.0, 3.0], [4.0, 1.0]][c]
        let (lambdaG, T) = [(5.0, 1.0), (0.5, 2.0), (50.0, 0.5)][c]
        let alphaL = (alphas[0] * alphas[1]).squareRoot()
        let s0: Matrix<Double>, s1: Matrix<Double>
        switch c {
        case 0: s0 = Matrix(rows: 2, cols: 2) { $0 == $1 ? [0.3, 0.9][$0] : 0 }; s1 = Matrix(rows: 2, cols: 2) { $0 == $1 ? [1.5, 0.2][$0] : 0 }
        case 1: s0 = Matrix(rows: 2, cols: 2) { $0 == $1 ? 0.4 : 0 }; s1 = Matrix(rows: 2, cols: 2) { $0 == $1 ? [0.7, 1.8][$0] : 0 }
        default:
            s0 = Self.unscaled(RotatedClosedFormTests.rotated([0.3, 0.9], seed: 31), alphas: alphas, alphaL: alphaL)
            s1 = Self.unscaled(RotatedClosedFormTests.rotated([1.5, 0.2], seed: 31), alphas: alphas, alphaL: alphaL)
        }
        if c == 2 { #expect(CommonEigenbasis.relativeCommutator(s0, s1) > 1e-3, "not commuting before the scaling") }
        let m0 = [-1.0, 0.5], m1 = [1.0, -0.25]
        let g0 = try Gaussian(mean: m0, covariance: s0), g1 = try Gaussian(mean: m1, covariance: s1)
        let cf = try GaussianKLTransport(from: g0, to: g1, alphaL: alphaL, lambdaG: lambdaG, T: T, kineticWeights: alphas)
        let f = { (p: [Double]) in
            Self.reducedObjective(p, m0: m0, s0: s0, m1: m1, s1: s1, alphas: alphas, lambdaG: lambdaG, T: T)
        }
        let l0 = try #require(Cholesky(symmetric: s0.storage, dimension: 2))
        let p = ClosedFormMinimisationTests.minimise(f, from: [m0[0], m0[1], l0.lower[0], l0.lower[2], l0.lower[3]])
        let sNum = Matrix<Double>(rows: 2, cols: 2) { i, j in
            let l = [[p[2], 0], [p[3], p[4]]]
            return l[i][0] * l[j][0] + l[i][1] * l[j][1]
        }
        #expect(maxAbs([p[0], p[1]], cf.terminalMean) < 1e-8, "m \([p[0], p[1]]) against \(cf.terminalMean)")
        #expect(maxAbs(sNum.storage, Self.terminalCovariance(cf).storage) < 1e-8,
                "S \(sNum.storage) against \(Self.terminalCovariance(cf).storage)")
        #expect(abs(f(p) - cf.totalCost) < 1e-8, "J \(f(p)) against \(cf.totalCost)")
        let kinetic = Self.reducedObjective(p, m0: m0, s0: s0, m1: m1, s1: s1, alphas: alphas, lambdaG: 0, T: T)
        #expect(abs(kinetic - cf.kineticCost) < 1e-8, "L \(kinetic) against \(cf.kineticCost)")
        // And the weights matter: the isotropic closed form with α_L alone is another optimum
        // (case 2 has none: its covariances commute only once scaled).
        if c < 2 {
            let isotropic = try GaussianKLTransport(from: g0, to: g1, alphaL: alphaL, lambdaG: lambdaG, T: T)
            #expect(abs(isotropic.totalCost - cf.totalCost) > 1e-3, "\(isotropic.totalCost) against \(cf.totalCost)")
        }
    }

    static let alphas4 = [2.0, 0.5, 1.0, 4.0]
    static let diagonal: GaussianKLTransport = {
        let alphaL = Double.pow(alphas4.reduce(1, *), 0.25)
        return try! GaussianKLTransport(from: Gaussian(mean: [-1, 0, 0.5, 0], variance: [0.3, 0.6, 1.0, 0.2]),
                                        to: Gaussian(mean: [1, 0.5, 0, -0.5], variance: [1.0, 0.3, 1.0, 0.9]),
                                        alphaL: alphaL, lambdaG: 5, T: 1, kineticWeights: alphas4)
    }()
    static let alphas3 = [3.0, 0.7, 1.2]
    static let source3 = try! Gaussian(mean: [0.5, -1, 0], covariance: unscaled(RotatedClosedFormTests.rotated([0.3, 0.8, 1.4], seed: 12),
                                                                                  alphas: alphas3, alphaL: 1.1))
    static let target3 = try! Gaussian(mean: [1, 0.5, -0.5], covariance: unscaled(RotatedClosedFormTests.rotated([1.0, 0.4, 2.0], seed: 12),
                                                                                   alphas: alphas3, alphaL: 1.1))
    static let rotated = try! GaussianKLTransport(from: source3, to: target3, alphaL: 1.1, lambdaG: 3, T: 1.5, kineticWeights: alphas3)

    /// In ambient x, for diagonal covariances (d = 4) and covariances rotated once scaled
    /// (d = 3): the HJB equation −∂ₜΦ + Σᵢ(∂ᵢΦ)²/(2αᵢ) = 0 and ∇ₓΦ against 5-point differences
    /// (`expectSolvesHJB`, 1e-8); Φ(x, T) = λ_G(log ρ_T − log ρ₁ + 1) with log ρ₁ from the
    /// problem's own density code (1e-10) and log ρ(·, 0) = log ρ₀ (1e-11), as in the rotated
    /// tests; the path's velocity is −∂ᵢΦ/αᵢ at every time (1e-12: rounding); each agent's
    /// kinetic cost is T/2·Σᵢαᵢẋᵢ² (1e-12); and the path ends where the terminal density says
    /// (the end point of the agent at x₀ = m₀ is the terminal mean m*, 1e-12).
    @Test(arguments: [false, true])
    func solvesTheProblemAsWritten(_ turned: Bool) {
        let cf = turned ? Self.rotated : Self.diagonal, alphas = turned ? Self.alphas3 : Self.alphas4
        let source = turned ? Density.gaussian(Self.source3) : .gaussian(Gaussian(mean: [-1, 0, 0.5, 0], variance: [0.3, 0.6, 1.0, 0.2]))
        let target = turned ? Density.gaussian(Self.target3) : .gaussian(Gaussian(mean: [1, 0.5, 0, -0.5], variance: [1.0, 0.3, 1.0, 0.9]))
        #expect(cf.scales != nil && (cf.basis != nil) == turned)
        var rng = RandomSource(seed: 5)
        for _ in 0..<20 {
            let x: [Double] = rng.gaussians(cf.d)
            let t = 0.05 + 0.9 * rng.uniformOpen() * cf.T
            expectSolvesHJB(cf, at: x, time: t, kineticWeights: alphas)
            let log1 = logDensity(target, x, as: Double.self)[0], log0 = logDensity(source, x, as: Double.self)[0]
            let want = cf.lambdaG * (cf.logDensity(x, at: cf.T) - log1 + 1)
            #expect(abs(cf.value(x, at: cf.T) - want) < 1e-10 * max(1, abs(want)))
            #expect(abs(cf.logDensity(x, at: 0) - log0) < 1e-11 * max(1, abs(log0)))
            let v = cf.pathVelocity(from: x), xt = cf.path(from: x, at: t), g = cf.gradient(xt, at: t)
            for i in 0..<cf.d { #expect(abs(v[i] + g[i] / alphas[i]) < 1e-12 * max(1, abs(v[i])), "velocity \(i)") }
            let kinetic = cf.T / 2 * (0..<cf.d).reduce(0.0) { $0 + alphas[$1] * v[$1] * v[$1] }
            #expect(abs(cf.kineticCost(from: x) - kinetic) < 1e-12 * max(1, kinetic))
        }
        let mean0 = turned ? Self.source3.mean : [-1, 0, 0.5, 0]
        #expect(maxAbs(cf.path(from: mean0, at: cf.T), cf.terminalMean) < 1e-12)
    }

    /// Equal weights are the scalar closed form (scales 1: the same numbers to rounding), and
    /// weights αᵢ = c·α give the isotropic problem with c·α_L.
    @Test func equalWeightsAreTheScalarClosedForm() throws {
        let g0 = Gaussian(mean: [-1, 0, 0], variance: [0.3, 0.3, 0.6]), g1 = Gaussian(mean: [1, 0, 0], variance: [1, 0.5, 0.6])
        let scalar = try GaussianKLTransport(from: g0, to: g1, alphaL: 2, lambdaG: 5, T: 1)
        let listed = try GaussianKLTransport(from: g0, to: g1, alphaL: 2, lambdaG: 5, T: 1, kineticWeights: [2, 2, 2])
        #expect(abs(listed.totalCost - scalar.totalCost) < 1e-14 && abs(listed.kineticCost - scalar.kineticCost) < 1e-14)
        let x = [0.3, -0.4, 1.1]
        #expect(maxAbs(listed.gradient(x, at: 0.3), scalar.gradient(x, at: 0.3)) < 1e-14)
        // The reference α_L is arbitrary: scaling against 1 instead of 2 changes nothing but rounding.
        let other = try GaussianKLTransport(from: g0, to: g1, alphaL: 1, lambdaG: 5, T: 1, kineticWeights: [2, 2, 2])
        #expect(abs(other.totalCost - scalar.totalCost) < 1e-12)
        #expect(maxAbs(other.gradient(x, at: 0.3), scalar.gradient(x, at: 0.3)) < 1e-12)
        #expect(abs(other.value(x, at: 0.3) - scalar.value(x, at: 0.3)) < 1e-12)
    }

    /// A problem file with `kinetic_weight` a list and `closed_form: gaussian_kl_transport` loads
    /// and gives this closed form; rotated covariances that commute only unscaled are refused.
    @Test func problemFilesDeclareIt() throws {
        let yaml = """
            dimension: 3
            horizon: 1
            kinetic_weight: [4, 1, 0.25]
            initial_density: {type: gaussian, mean: [-1, 0, 0], variance: [0.3, 0.5, 0.7]}
            target_density: {type: gaussian, mean: [1, 0, 0], variance: 1}
            terminal_cost: {type: kl, weight: 5}
            penalties: {hjb: 1, terminal_hjb: 1}
            closed_form: gaussian_kl_transport
            """
        let p = try Problem.parse(yaml: yaml, file: "a.yaml")
        let cf = try #require(GaussianKLTransport(problem: p))
        #expect(cf.scales.map { maxAbs($0, [2, 1, 0.5]) < 1e-15 } == true, "α_L = 1, the geometric mean")
        let direct = GaussianKLTransport(m0: [-2, 0, 0], variance0: [1.2, 0.5, 0.175], m1: [2, 0, 0], variance1: [4, 1, 0.25],
                                         alphaL: 1, lambdaG: 5, T: 1)
        #expect(abs(cf.totalCost - direct.totalCost) < 1e-13)
        let rotatedYAML = yaml.replacingOccurrences(of: "variance: [0.3, 0.5, 0.7]}", with: "variance: [0.3, 0.5, 0.7], rotation: {seed: 3}}")
            .replacingOccurrences(of: "variance: 1}", with: "variance: [1, 2, 3], rotation: {seed: 3}}")
        #expect(throws: ProblemError.self) { try Problem.parse(yaml: rotatedYAML, file: "a.yaml") }
        do { _ = try Problem.parse(yaml: rotatedYAML, file: "a.yaml") } catch {
            #expect("\(error)".contains("scaled by √αᵢ per coordinate"), "\(error)")
        }
    }
}
