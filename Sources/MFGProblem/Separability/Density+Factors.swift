/// How a density factors over its coordinates.
extension Density {
    /// Groups of coordinates that the density couples: a partition of 0..<d such that the density
    /// is the product of its marginals on the groups. Each group comes with the words that name
    /// what couples it (for messages), and groups are listed by their first coordinate.
    ///
    /// - A Gaussian: coordinates i and j are coupled when Σᵢⱼ ≠ 0, exactly (so a diagonal
    ///   covariance leaves every coordinate alone, a block-diagonal one gives its blocks, a
    ///   rotated one couples everything it mixes).
    /// - A mixture: the coordinates in which its components differ (in mean or in a covariance
    ///   entry) form one group, joined with everything a component's covariance couples to them;
    ///   in the other groups all components carry the same Gaussian, which factors out of the
    ///   sum. (A mixture that is secretly a product of mixtures, such as four equal components at
    ///   (±1, ±1), is not recognised: write it as a `product` density.)
    /// - A product: each factor's groups, in the factor's coordinates.
    func couplings() -> [(coordinates: [Int], what: String)] {
        if case .product(let p) = self {
            return p.factors.flatMap { f in
                f.density.couplings().map { g in (g.coordinates.map { f.coordinates[$0] }, g.what) }
            }.sorted { $0.coordinates[0] < $1.coordinates[0] }
        }
        if case .samples(let s) = self {
            // A KDE couples every coordinate its samples vary in: treat them all as one group.
            return [(Array(0..<s.dimension), "the samples")]
        }
        let d = dimension
        let parts = components
        var parent = Array(0..<d)
        func root(_ i: Int) -> Int { var r = i; while parent[r] != r { r = parent[r] }; return r }
        func unite(_ i: Int, _ j: Int) { let a = root(i), b = root(j); if a != b { parent[max(a, b)] = min(a, b) } }
        for (_, g) in parts {
            guard let full = g.full else { continue }
            for j in 0..<d { for i in (j + 1)..<max(j + 1, d) where full.matrix[i, j] != 0 { unite(i, j) } }
        }
        var varying: [Int] = []
        if parts.count > 1 {
            let first = parts[0].component
            for i in 0..<d where parts.dropFirst().contains(where: { $0.component.differs(from: first, inRow: i) }) {
                varying.append(i)
            }
            for i in varying.dropFirst() { unite(varying[0], i) }
        }
        var groups: [Int: [Int]] = [:]
        for i in 0..<d { groups[root(i), default: []].append(i) }
        return groups.values.sorted { $0[0] < $1[0] }.map { members in
            let what = members.contains(where: { varying.contains($0) }) ? "the mixture"
                : members.count > 1 ? "the covariance" : "the density"
            return (members, what)
        }
    }
}

extension Gaussian {
    /// Whether the two Gaussians differ in coordinate i: in μᵢ or in a covariance entry of row i.
    func differs(from other: Gaussian, inRow i: Int) -> Bool {
        if mean[i] != other.mean[i] || variance[i] != other.variance[i] { return true }
        if full == nil && other.full == nil { return false }
        let a = covariance, b = other.covariance
        return (0..<dimension).contains { a[i, $0] != b[i, $0] }
    }
}
