import MFGMath

/// Marginals of a density on some of its coordinates, and equality of densities.
extension Density {
    /// The marginal density of (x_{c₁}, …, x_{c_k}) for 0-based, distinct `coordinates`, as a
    /// k-dimensional density whose coordinate i is x_{cᵢ}.
    ///
    /// The marginal of N(μ, Σ) on C is N(μ_C, Σ_CC), so the marginal of a mixture is the mixture
    /// of the components' marginals; components whose marginals are identical are merged (their
    /// weights added), so a mixture that varies only in other coordinates has a single Gaussian
    /// as its marginal here (the ring of the OT problems, away from (x₁, x₂)). The marginal of a
    /// product is the product of its factors' marginals: a single factor's marginal when C lies
    /// in one factor, else the expanded mixture when that has at most 64 components and the
    /// pieces are diagonal (two 1-D factors, say), else a product again.
    public func marginal(on coordinates: [Int]) -> Density {
        precondition(!coordinates.isEmpty && coordinates.allSatisfy { $0 >= 0 && $0 < dimension }
                     && Set(coordinates).count == coordinates.count,
                     "Density.marginal: coordinates must be distinct and below the dimension")
        if case .product(let p) = self { return p.marginal(on: coordinates) }
        if case .samples(let s) = self { return .samples(s.marginal(on: coordinates)) }
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
    /// components (weights, means, covariances) or factors in the same order, bit for bit.
    public func isSame(as other: Density) -> Bool {
        switch (self, other) {
        case let (.product(a), .product(b)):
            return a.dimension == b.dimension && a.factors.count == b.factors.count
                && zip(a.factors, b.factors).allSatisfy { $0.coordinates == $1.coordinates && $0.density.isSame(as: $1.density) }
        case let (.samples(a), .samples(b)):
            return a == b
        case (.product, _), (_, .product), (.samples, _), (_, .samples):
            return false
        default:
            let a = components, b = other.components
            return dimension == other.dimension && a.count == b.count
                && zip(a, b).allSatisfy { $0.weight == $1.weight && $0.component == $1.component }
        }
    }
}

extension ProductDensity {
    /// See `Density.marginal(on:)`.
    func marginal(on coordinates: [Int]) -> Density {
        // The factors touched, in order of first appearance in `coordinates`, with the requested
        // coordinates local to each.
        var touched: [(factor: Factor, local: [Int], positions: [Int])] = []
        for (position, c) in coordinates.enumerated() {
            let f = factors.firstIndex { $0.coordinates.contains(c) }!
            let local = factors[f].coordinates.firstIndex(of: c)!
            if let t = touched.firstIndex(where: { $0.factor.coordinates == factors[f].coordinates }) {
                touched[t].local.append(local)
                touched[t].positions.append(position)
            } else {
                touched.append((factors[f], [local], [position]))
            }
        }
        // Positions are appended in increasing order, so each piece's coordinates line up with them.
        let pieces = touched.map { Factor(coordinates: $0.positions, density: $0.factor.density.marginal(on: $0.local)) }
        if pieces.count == 1 { return pieces[0].density }
        let sub = ProductDensity(dimension: coordinates.count, factors: pieces)
        let combinations = pieces.reduce(1) { $0 * $1.density.components.count }
        if combinations <= 64 && pieces.allSatisfy({ $0.density.components.allSatisfy { $0.component.full == nil } }) {
            let parts = sub.expandedComponents()
            return parts.count == 1 ? .gaussian(parts[0].component) : .mixture(parts)
        }
        return .product(sub)
    }
}

extension Gaussian {
    /// N(μ_C, Σ_CC): the marginal on the 0-based `coordinates` C (diagonal when Σ_CC is).
    public func marginal(on coordinates: [Int]) -> Gaussian {
        guard let full else {
            return Gaussian(mean: coordinates.map { mean[$0] }, variance: coordinates.map { variance[$0] })
        }
        let sub = Matrix<Double>(rows: coordinates.count, cols: coordinates.count) { i, j in
            full.matrix[coordinates[i], coordinates[j]]
        }
        return Gaussian(mean: coordinates.map { mean[$0] }, validCovariance: sub)
    }
}
