import MFGMath

extension Density {
    /// The number of independent factors: a product's factors, else 1.
    public var factorCount: Int {
        if case .product(let p) = self { return p.factors.count }
        return 1
    }

    /// The defensive importance proposal of this density (`sampling: importance`,
    /// `TrainingSettings.ImportanceSampling`): per factor f of a product (else for the whole
    /// density, one factor),
    ///
    ///     q_f = (1 − ε) ρ_f + ε N(m_f, c² diag v_f),
    ///
    /// m_f and v_f the factor's mean and marginal variances (for a bimodal factor the wide
    /// component sits between the modes and spans both), ε = `mix`, c = `widen`. So q_f ≥ (1 − ε)ρ_f
    /// everywhere: q covers ρ₀'s support, and ρ_f/q_f ≤ 1/(1 − ε), so the weight of a sample,
    /// w = ρ₀/q = Π_f ρ_f/q_f, is at most (1 − ε)^−F for F factors. E_q[w] = 1 exactly, and
    /// E_q[w g(x)] = E_ρ₀[g] for any integrable g: the weighted average over samples of q is an
    /// unbiased estimate of a ρ₀-average. The variance of the weights grows like
    /// Π_f E_q[w_f²] ≤ (1 − ε)^−F: with many factors ε has to be small.
    ///
    /// The result is itself a `Density` (mixtures per factor), so it samples and evaluates
    /// log q with the same code as ρ₀.
    ///
    /// - Precondition: 0 < `mix` < 1 and `widen` > 0 (problem files are checked with messages first).
    public func defensiveProposal(mix: Double, widen: Double) -> Density {
        precondition(mix > 0 && mix < 1 && widen > 0 && widen.isFinite, "Density.defensiveProposal: 0 < mix < 1, widen > 0")
        func widened(_ rho: Density) -> Density {
            let wide = Gaussian(mean: rho.mean, variance: rho.marginalVariance.map { widen * widen * $0 })
            let parts = rho.components.map { (weight: (1 - mix) * $0.weight, component: $0.component) }
            return .mixture(parts + [(weight: mix, component: wide)])
        }
        if case .product(let p) = self {
            return .product(ProductDensity(dimension: p.dimension, factors: p.factors.map {
                ProductDensity.Factor(coordinates: $0.coordinates, density: widened($0.density))
            }))
        }
        return widened(self)
    }
}
