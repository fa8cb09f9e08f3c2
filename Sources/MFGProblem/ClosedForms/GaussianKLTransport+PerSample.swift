/// The optimal costs carried by each agent: what one initial point x₀ contributes to L* and G*.
///
/// Their means over x₀ ~ ρ₀ are exactly L* and G*, so, evaluated at the same x₀ as a numerical
/// solution's per-sample costs, they are paired control variates (`PairedEstimate`): the
/// differences between the two vary far less from sample to sample than either cost does, and
/// the numerical solution's expected L and G are then estimated to a small fraction of the
/// plain Monte Carlo error.
extension GaussianKLTransport {
    /// α_L/(2T)·|y(T) − y₀|² in principal coordinates: the agent moves at a constant velocity
    /// (`pathVelocity(from:)`; ẏ in principal coordinates), and ∫₀ᵀ α_L|ẏ|²/2 dt = α_L T|ẏ|²/2,
    /// which is ∫₀ᵀ Σᵢαᵢẋᵢ²/2 dt with per-coordinate weights (ẏ = VᵀDẋ, Dᵢᵢ² = αᵢ/α_L). Its mean
    /// over ρ₀ is α_L/(2T)(|m* − m₀|² + Σⱼ(qⱼ − 1)²v₀ⱼ) = L*.
    public func kineticCost(from x0: [Double]) -> Double {
        let v = principalVelocity(from: x0)
        var sum = 0.0
        for j in 0..<d { sum += v[j] * v[j] }
        return alphaL * T * sum / 2
    }

    /// λ_G(log ρ(x(T), T) − log ρ₁(x(T))): the KL integrand at the agent's terminal point. Its
    /// mean over ρ₀ is the mean of the integrand over ρ(·, T), λ_G·KL(ρ(T)‖ρ₁) = G*.
    public func terminalCost(from x0: [Double]) -> Double {
        let xT = path(from: x0, at: T)
        return lambdaG * (logDensity(xT, at: T) - targetLogDensity(xT))
    }
}
