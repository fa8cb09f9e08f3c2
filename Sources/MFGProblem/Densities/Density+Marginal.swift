/// Marginals of a density on some of its coordinates, and equality of densities.
extension Density {
    /// The marginal density of (x_{c₁}, …, x_{c_k}) for 0-based, distinct `coordinates`, as a
    /// k-dimensional density whose coordinate i is x_{cᵢ}.
    ///
    /// Every density here is a Gaussian or a mixture of Gaussians with diagonal covariances, and
    /// the marginal of N(μ, diag σ) on C is N(μ_C, diag σ_C), so the marginal of a mixture is the
    /// mixture of the components' marginals. Components whose marginals are identical are merged
    /// (their weights added), so a mixture that varies only in other coordinates has a single
    /// Gaussian as its marginal here (the ring of the OT problems, away from (x₁, x₂)).
    public func marginal(on coordinates: [Int]) -> Density {
        precondition(!coordinates.isEmpty && coordinates.allSatisfy { $0 >= 0 && $0 < dimension }
                     && Set(coordinates).count == coordinates.count,
                     "Density.marginal: coordinates must be distinct and below the dimension")
        var merged: [(weight: Double, component: Gaussian)] = []
        for (w, g) in components {
            let m = g.marginal(on: coordinates)
            if let k = merged.firstIndex(where: { $0.component == m }) {
                merged[k].weight += w
            } else {
                merged.append((w, m))
            }
        }
        if merged.count == 1 { return .gaussian(merged[0].component) }
        return .mixture(merged)
    }

    /// Whether two densities are the same law written the same way: the same case, the same
    /// components (weights, means, covariances) in the same order, bit for bit.
    public func isSame(as other: Density) -> Bool {
        let a = components, b = other.components
        return dimension == other.dimension && a.count == b.count
            && zip(a, b).allSatisfy { $0.weight == $1.weight && $0.component == $1.component }
    }
}

extension Gaussian {
    /// N(μ_C, diag σ_C): the marginal on the 0-based `coordinates` C.
    public func marginal(on coordinates: [Int]) -> Gaussian {
        Gaussian(mean: coordinates.map { mean[$0] }, variance: coordinates.map { variance[$0] })
    }
}
