import MFGMath

/// The extension point for costs: one term C(ρ) = λ ∫ f(x, log ρ(x)) ρ(x) dx of a running cost
/// (integrated over time) or of the terminal cost (at t = T), local in x and in ρ.
///
/// A term supplies, batched over n samples, everything the neural solver's objective and its
/// discrete adjoint need (docs/equations-to-code.md, "Cost terms"):
///
///     f                          the integrand per unit mass (the sample estimate of C is λ·mean f)
///     δC/δρ / λ = f + ∂f/∂ℓ      the variational derivative, ℓ = log ρ (HJB residual, terminal condition)
///     ∇ₓf, ∇ₓ(δC/δρ)/λ           when the term `dependsOnState`
///     ∂f/∂ℓ, ∂(δC/δρ)/∂ℓ / λ     when the term `dependsOnDensity`
///
/// The weight λ is applied by the solver, never by the term. Every registered term is checked by
/// `CostTermConformanceTests`: a Taylor test of the four partials, a finite-difference check of
/// δC/δρ on a density perturbation, and the objective's parameter gradient with that term alone.
///
/// To add a term: one file conforming to `LocalCost` (here, in `Costs/Terms/`; its `gridForm`
/// says how the grid solver charges it, or nil), one line where the problem builds its lists
/// (`Problem.runningCosts` / `terminalCosts`; the neural objective and `GridProblem(problem:)` both
/// loop over them), and one entry in the conformance test's arguments.
public protocol LocalCost: Sendable {
    /// The name the term is reported under (`obstacle`, `entropy`, `kl`, `preference`, …).
    var name: String { get }
    /// λ ≥ 0 (or any sign the term allows): the solver multiplies f and δC/δρ by it.
    var weight: Double { get }
    /// Whether f depends on x (then the gradients are written).
    var dependsOnState: Bool { get }
    /// Whether f depends on log ρ (then the slopes are written).
    var dependsOnDensity: Bool { get }
    /// Whether ∇ₓ(δC/δρ)/λ = ∇ₓf, i.e. ∂f/∂ℓ does not depend on x (obstacle, preference, KL,
    /// entropy): then only `valueGradient` is written, and the solver keeps one gradient sum
    /// instead of two.
    var stateGradientsAgree: Bool { get }
    /// f, δC/δρ/λ and (as the flags say) their partials at `input.count` samples, in Double.
    func evaluate(_ input: LocalCostInput<Double>, _ output: LocalCostOutput<Double>)
    /// How the grid reference solver charges the term (nil: it cannot, and `mfg reference`
    /// refuses the problem naming the term).
    var gridForm: GridCellForm? { get }
    /// The same in Float. (Two concrete requirements rather than one generic one: a generic
    /// requirement called through `any LocalCost` runs unspecialized, element by element through
    /// the `Scalar` witnesses; measured 1.55× slower per iteration at d = 100.) Conformers
    /// implement both by calling one private generic function.
    func evaluate(_ input: LocalCostInput<Float>, _ output: LocalCostOutput<Float>)
}

extension LocalCost {
    /// The requirement for T (Float or Double), picked by a type test that folds away in
    /// specialized callers.
    @inline(__always)
    public func evaluate<T: Scalar>(generic input: LocalCostInput<T>, _ output: LocalCostOutput<T>) {
        if T.self == Double.self {
            evaluate(unsafeBitCast(input, to: LocalCostInput<Double>.self), unsafeBitCast(output, to: LocalCostOutput<Double>.self))
        } else if T.self == Float.self {
            evaluate(unsafeBitCast(input, to: LocalCostInput<Float>.self), unsafeBitCast(output, to: LocalCostOutput<Float>.self))
        } else {
            preconditionFailure("LocalCost: only Float and Double are supported")
        }
    }
}

/// A term in the form the grid solver's cell cost takes: per unit mass
/// f = q(x) + β log ρ + γ ρ^(p−1)/p, so the term charges λ Σ_cells (q ρ + β ρ log ρ + γ ρ^p/p) ΔV.
/// Obstacle and preference: q, β = 0; entropy: β = 1; KL: q = −log ρ₁, β = 1; congestion: γ = 1
/// with its exponent p. The grid's proximal step (`CellCost.prox`) solves each cell's scalar
/// equation with all three parts; a term of another form needs its own proximal step there
/// before it can return one.
public struct GridCellForm: Sendable {
    /// q at n points (d × n) into n values; nil when q = 0.
    public let linear: (@Sendable (UnsafeBufferPointer<Double>, Int, UnsafeMutableBufferPointer<Double>) -> Void)?
    /// β (0 or 1 for today's terms).
    public let entropy: Double
    /// The exponent p of a power part ρ^(p−1)/p per unit mass (γ = 1), 1 < p ≤ 10; nil without one.
    /// Running costs only (the grid's terminal cost is a preference or a KL).
    public let power: Double?
    /// A density whose mass the grid's domain must hold (KL: the target), with its field name.
    public let density: (density: Density, field: String)?

    public init(linear: (@Sendable (UnsafeBufferPointer<Double>, Int, UnsafeMutableBufferPointer<Double>) -> Void)?,
                entropy: Double, power: Double? = nil, density: (density: Density, field: String)? = nil) {
        self.linear = linear; self.entropy = entropy; self.power = power; self.density = density
    }
}

/// The samples a `LocalCost` is evaluated at.
public struct LocalCostInput<T: Scalar> {
    /// x, d × n column-major.
    public let points: UnsafePointer<T>
    /// log ρ(x), n values.
    public let logDensity: UnsafePointer<T>
    /// d.
    public let dimension: Int
    /// n.
    public let count: Int

    public init(points: UnsafePointer<T>, logDensity: UnsafePointer<T>, dimension: Int, count: Int) {
        self.points = points; self.logDensity = logDensity; self.dimension = dimension; self.count = count
    }
}

/// Where a `LocalCost` writes (all without the weight λ). Buffers a term's flags do not ask for
/// may be left untouched; the caller reads only what the flags promise.
public struct LocalCostOutput<T: Scalar> {
    /// f, n values.
    public let value: UnsafeMutablePointer<T>
    /// δC/δρ / λ = f + ∂f/∂ℓ, n values.
    public let derivative: UnsafeMutablePointer<T>
    /// ∇ₓf, d × n (when `dependsOnState`).
    public let valueGradient: UnsafeMutablePointer<T>
    /// ∇ₓ(δC/δρ)/λ, d × n (when `dependsOnState` and not `stateGradientsAgree`).
    public let derivativeGradient: UnsafeMutablePointer<T>
    /// ∂f/∂ℓ, n values (when `dependsOnDensity`).
    public let valueSlope: UnsafeMutablePointer<T>
    /// ∂(δC/δρ)/∂ℓ / λ, n values (when `dependsOnDensity`).
    public let derivativeSlope: UnsafeMutablePointer<T>

    public init(value: UnsafeMutablePointer<T>, derivative: UnsafeMutablePointer<T>,
                valueGradient: UnsafeMutablePointer<T>, derivativeGradient: UnsafeMutablePointer<T>,
                valueSlope: UnsafeMutablePointer<T>, derivativeSlope: UnsafeMutablePointer<T>) {
        self.value = value; self.derivative = derivative
        self.valueGradient = valueGradient; self.derivativeGradient = derivativeGradient
        self.valueSlope = valueSlope; self.derivativeSlope = derivativeSlope
    }
}

extension Problem {
    /// The running cost F as its terms, in the order the objective sums them: the Gaussian
    /// obstacles (λ_Q Q), the shaped obstacles (Σλₖ Qₖ), the entropy (λ_E ρ log ρ), the congestion (λ_C ρ^p/p). Terms of weight 0 are left out.
    public var runningCosts: [any LocalCost] {
        var terms: [any LocalCost] = []
        if let q = activeObstacles { terms.append(FieldCost(name: "obstacle", weight: obstacleWeight, field: .bumps(q))) }
        if let s = shapedObstacles { terms.append(FieldCost(shapes: s)) }
        if entropyWeight != 0 { terms.append(EntropyCost(weight: entropyWeight)) }
        if let c = congestion, c.weight != 0, c.marginal == nil { terms.append(CongestionCost(c)) }
        return terms
    }

    /// The terminal cost G as its terms (today one: KL to the target, a preference, or a log-quadratic).
    public var terminalCosts: [any LocalCost] {
        switch terminal {
        case .kl(let weight):
            // The file validation guarantees a target density for a KL terminal cost.
            return [RelativeEntropyCost(weight: weight, target: targetDensity!)]
        case .preference(let weight, let g):
            return [FieldCost(name: "preference", weight: weight, field: g)]
        case .logQuadratic(let weight, let g):
            return [LogQuadraticCost(weight: weight, field: g)]
        }
    }
}
