/// How a density factors over its coordinates.
extension Density {
    /// Groups of coordinates that the density couples: a partition of 0..<d such that the density
    /// is the product of its marginals on the groups. Each group comes with the word that names
    /// what couples it (for messages), and groups are listed by their first coordinate.
    ///
    /// - A Gaussian with a diagonal covariance: every coordinate alone.
    /// - A mixture: the coordinates in which its components differ (in mean or variance) form
    ///   one group; in every other coordinate all components carry the same one-dimensional
    ///   Gaussian, which factors out of the sum, so those coordinates stand alone. (A mixture
    ///   that is secretly a product of mixtures, such as four equal components at (±1, ±1), is
    ///   not recognised: write it as a `product` density.)
    func couplings() -> [(coordinates: [Int], what: String)] {
        let d = dimension
        let parts = components
        var varying: [Int] = []
        if parts.count > 1 {
            let first = parts[0].component
            for i in 0..<d where parts.dropFirst().contains(where: {
                $0.component.mean[i] != first.mean[i] || $0.component.variance[i] != first.variance[i]
            }) {
                varying.append(i)
            }
        }
        var groups: [(coordinates: [Int], what: String)] = []
        for i in 0..<d {
            if varying.first == i {
                groups.append((varying, "the mixture"))
            } else if !varying.contains(i) {
                groups.append(([i], "the density"))
            }
        }
        return groups
    }
}
