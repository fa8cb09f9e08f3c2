/// Shape of the potential network Φ(x, t; θ) = wᵀN(s) + ½sᵀAᵀAs + cᵀs + b.
public struct NetworkSettings: Sendable, Equatable {
    /// Width m of the ResNet layers.
    public let width: Int
    /// Number of residual layers after the opening layer.
    public let residualLayers: Int
    /// Rank r of the quadratic term's A ∈ ℝ^{r×(d+1)} (default min(10, d + 1)).
    public let rank: Int
    /// ResNet step h in u_{k+1} = u_k + h σ(K_k u_k + b_k) (default 1/residualLayers).
    public let step: Double

    public init(width: Int, residualLayers: Int, rank: Int, step: Double) {
        self.width = width
        self.residualLayers = residualLayers
        self.rank = rank
        self.step = step
    }

    /// The defaults for dimension d: width 16, 2 residual layers, rank min(10, d+1), step 1/2.
    public static func defaults(dimension d: Int) -> NetworkSettings {
        NetworkSettings(width: 16, residualLayers: 2, rank: min(10, d + 1), step: 0.5)
    }
}

/// Time integration of the characteristics.
public struct IntegratorSettings: Sendable, Equatable {
    /// One-step scheme.
    public enum Scheme: String, Sendable, Equatable, CaseIterable {
        /// Classical fourth-order Runge–Kutta.
        case rk4
        /// Forward Euler (first order; for tests and comparisons).
        case euler
    }
    public let scheme: Scheme
    /// Number of equal time steps on [0, T].
    public let steps: Int

    public init(scheme: Scheme, steps: Int) {
        self.scheme = scheme
        self.steps = steps
    }

    public static let defaults = IntegratorSettings(scheme: .rk4, steps: 4)
}
