/// An explicit Runge–Kutta scheme of the form Yᵢ = yₙ + h aᵢ Kᵢ₋₁, Kᵢ = f(Yᵢ, tₙ + cᵢh),
/// yₙ₊₁ = yₙ + h Σ bᵢ Kᵢ (each stage uses only the previous one, which covers forward Euler and
/// the classical RK4). Running costs are integrated with the same weights: C += h Σ bᵢ c(Yᵢ).
public struct TimeStepper: Equatable, Sendable, CustomStringConvertible {
    public let name: String
    /// Order of accuracy (tests measure it).
    public let order: Int
    /// aᵢ: coefficient of Kᵢ₋₁ in stage i (a₀ = 0).
    public let a: [Double]
    /// bᵢ: weights of the stages in the update.
    public let b: [Double]
    /// cᵢ: stage times as fractions of the step.
    public let c: [Double]

    public var stages: Int { b.count }

    /// Forward Euler, order 1.
    public static let euler = TimeStepper(name: "euler", order: 1, a: [0], b: [1], c: [0])
    /// The classical Runge–Kutta method, order 4.
    public static let rk4 = TimeStepper(name: "rk4", order: 4, a: [0, 0.5, 0.5, 1],
                                        b: [1.0 / 6, 1.0 / 3, 1.0 / 3, 1.0 / 6], c: [0, 0.5, 0.5, 1])

    public var description: String { name }
}
