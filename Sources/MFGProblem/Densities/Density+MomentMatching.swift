import MFGMath

/// Moment-matched sampling: batches whose first and second moments are exact.
///
/// The training objective is a batch mean, (1/n) Σⱼ f(x₀ⱼ). With independent draws, the batch's
/// own mean and covariance differ from ρ₀'s by O(1/√n) in every coordinate, and a network trained
/// on that batch learns to correct them: in d = 100, a 2 % error in each coordinate's sample
/// variance costs ≈ Σᵢ δᵢ²/4 in KL, summed over the 98 coordinates that should not move at all.
///
/// Here each component k of ρ₀ = Σₖ wₖ N(μₖ, diag σₖ) gets nₖ = round(n wₖ) points (largest
/// remainders, so Σ nₖ = n), drawn as ξ ~ N(0, I) and then whitened:
///
///     ξ̃ = ξ − mean(ξ),   C = (1/nₖ) ξ̃ ξ̃ᵀ = L Lᵀ (Cholesky),   ξ̂ = L⁻¹ ξ̃,
///     x = μₖ + √σₖ ⊙ ξ̂,
///
/// so that (1/nₖ) Σ ξ̂ = 0 and (1/nₖ) Σ ξ̂ ξ̂ᵀ = I exactly (to rounding). Every quadratic
/// function of x₀ then has its exact expectation over the block; in particular, when the optimal
/// flow is affine in x₀ (transport between Gaussians), the batch objective *is* the exact
/// objective at the optimum, and the noise that the network would otherwise fit is gone. For
/// non-affine flows it is a variance reduction (the quadratic part of every integrand is exact).
/// The points stay distributed as ρ₀ (whitening is a rotation and scaling of an isotropic cloud
/// by factors 1 + O(1/√n)), so the estimator is consistent.
///
/// A block with nₖ ≤ 2d points is only standardised coordinate by coordinate (exact means and
/// variances, not covariances): its sample covariance would be too poorly conditioned to whiten.
/// Columns are finally shuffled so that mixture components are spread over the sample blocks.
///
/// A component with a full covariance Σₖ = LₖLₖᵀ maps the whitened block by x = μₖ + Lₖξ̂, with the
/// same exactness. A product density draws each factor's n points this way (each factor's columns
/// shuffled by its own permutation, so the factors stay independent): every factor's moments are
/// exact, the covariances between factors only to sampling precision.
extension Density {
    public func sampleMomentMatched(count n: Int, rng: inout RandomSource) -> [Double] {
        let d = dimension
        if case .product(let p) = self {
            var out = [Double](repeating: 0, count: d * n)
            for f in p.factors {
                let k = f.coordinates.count
                let block = f.density.sampleMomentMatched(count: n, rng: &rng)
                for j in 0..<n { for (c, i) in f.coordinates.enumerated() { out[i + j * d] = block[c + j * k] } }
            }
            return out
        }
        let parts = components
        let counts = Self.apportion(n, weights: parts.map(\.weight))
        var out = [Double](repeating: 0, count: d * n)
        var start = 0
        for (k, nk) in counts.enumerated() where nk > 0 {
            var xi = [Double](repeating: 0, count: d * nk)
            xi.withUnsafeMutableBufferPointer { rng.fillGaussian($0) }
            Self.whiten(&xi, dimension: d, count: nk)
            let g = parts[k].component
            xi.withUnsafeMutableBufferPointer { x in
                out.withUnsafeMutableBufferPointer { o in
                    for j in 0..<nk {
                        g.transform(UnsafeMutableBufferPointer(rebasing: x[(j * d)..<((j + 1) * d)]),
                                    into: UnsafeMutableBufferPointer(rebasing: o[((start + j) * d)..<((start + j + 1) * d)]))
                    }
                }
            }
            start += nk
        }
        // Fisher–Yates over columns.
        if n > 1 {
            for j in stride(from: n - 1, to: 0, by: -1) {
                let r = rng.index(below: j + 1)
                if r != j { for i in 0..<d { out.swapAt(i + j * d, i + r * d) } }
            }
        }
        return out
    }

    /// Splits n into counts proportional to `weights` (which sum to 1): floors first, then one
    /// more to the largest remainders, ties to the lower index.
    static func apportion(_ n: Int, weights: [Double]) -> [Int] {
        let total = weights.reduce(0, +)
        let exact = weights.map { Double(n) * $0 / total }
        var counts = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { (exact[$0] - Double(counts[$0]), -$0) > (exact[$1] - Double(counts[$1]), -$1) }
        var left = n - counts.reduce(0, +)
        for k in order where left > 0 { counts[k] += 1; left -= 1 }
        return counts
    }

    /// Whitens the d × m column-major block `xi` in place: zero mean, and identity covariance
    /// (normalised by 1/m) when m > 2d, else unit variance per coordinate.
    static func whiten(_ xi: inout [Double], dimension d: Int, count m: Int) {
        guard m >= 2 else {
            for i in 0..<(d * m) { xi[i] = 0 }
            return
        }
        var mean = [Double](repeating: 0, count: d)
        for j in 0..<m { for i in 0..<d { mean[i] += xi[i + j * d] } }
        for i in 0..<d { mean[i] /= Double(m) }
        for j in 0..<m { for i in 0..<d { xi[i + j * d] -= mean[i] } }
        if m > 2 * d, let l = Cholesky(symmetric: covariance(xi, d, m), dimension: d)?.lower {
            // Forward substitution L y = ξ̃ column by column.
            for j in 0..<m {
                let c = j * d
                for i in 0..<d {
                    var s = xi[c + i]
                    for k in 0..<i { s -= l[i * d + k] * xi[c + k] }
                    xi[c + i] = s / l[i * d + i]
                }
            }
            return
        }
        for i in 0..<d {
            var ss = 0.0
            for j in 0..<m { ss += xi[i + j * d] * xi[i + j * d] }
            let scale = ss > 0 ? (Double(m) / ss).squareRoot() : 0
            for j in 0..<m { xi[i + j * d] *= scale }
        }
    }

    /// (1/m) ξ ξᵀ of a centred d × m block, row-major d × d.
    private static func covariance(_ xi: [Double], _ d: Int, _ m: Int) -> [Double] {
        var c = [Double](repeating: 0, count: d * d)
        for j in 0..<m {
            let base = j * d
            for a in 0..<d {
                let xa = xi[base + a]
                for b in 0...a { c[a * d + b] += xa * xi[base + b] }
            }
        }
        for a in 0..<d { for b in 0...a { c[a * d + b] /= Double(m); c[b * d + a] = c[a * d + b] } }
        return c
    }
}
