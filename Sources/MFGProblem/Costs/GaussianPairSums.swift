import Foundation

/// The pair sums behind the sample-coupled terms with a Gaussian kernel K(z) = exp(−|z|²/(2h²))
/// on m packed coordinates (`InteractionCost`, `MarginalCongestionCost`), over n weighted samples:
///
///     row sums       Sᵢ = Σⱼ≠ᵢ wⱼ K(xᵢ − xⱼ)
///     pair gradient  Gₖ = Σⱼ≠ₖ (cₖwⱼ + wₖcⱼ) ∇K(xₖ − xⱼ),   ∇K(z) = −(z/h²) K(z),
///
/// for seeds c. Gₖ is the derivative in xₖ of Σᵢ cᵢSᵢ: the cₖwⱼ part from xₖ in its own row, the
/// wₖcⱼ part (the cross terms) from xₖ in the other rows. The terms scale both (1/(n − 1), a
/// kernel normalisation) themselves.
///
/// Every pair once: n(n−1)/2 exponentials and O(n²m) operations per call. The pairs are cut
/// into tiles of `tile` × `tile` samples; a tile pair (I ≤ J) is one task, run in parallel, that
/// adds each pair to both its rows and writes the sums into its own slots of a table of partial
/// sums (row × tile); each row's total is then summed over the tiles in order. Every sum thus
/// has a fixed order, and the result does not depend on `threads`. Pairs with |z|²/(2h²) > 36
/// are skipped (K < 2.4·10⁻¹⁶: below the rounding of a sum of O(1) terms in Double).
struct GaussianPairSums {
    /// x, m × n (the kernel's coordinates only, packed).
    let points: [Double]
    /// wᵢ (1 when the input has none).
    let weights: [Double]
    /// m.
    let width: Int
    /// n.
    let count: Int
    /// h.
    let bandwidth: Double

    /// The exponent beyond which a pair is skipped.
    static let cutoff = 36.0
    /// Samples per tile of the pair loops (fixed: the summation order must not depend on threads).
    static let tile = 64

    /// Packs the coordinates `coordinates` of `input`'s points, and its weights.
    init(_ input: NonlocalCostInput, coordinates s: [Int], bandwidth: Double) {
        let n = input.count, d = input.dimension, m = s.count
        var p = [Double](repeating: 0, count: m * n)
        for i in 0..<n { for (a, c) in s.enumerated() { p[i * m + a] = input.points[i * d + c] } }
        points = p
        weights = input.weights.map { Array(UnsafeBufferPointer(start: $0, count: n)) } ?? [Double](repeating: 1, count: n)
        width = m; count = n; self.bandwidth = bandwidth
    }

    /// The working memory of `rowSums` (gradient false) or `pairGradient` (true), in bytes: the
    /// packed points and weights, and the table of partial sums per row and tile (n·⌈n/64⌉, times
    /// m and with the seeds for the gradient; quadratic in n: 1.25 GB at n = 10⁵ for m = 1).
    static func scratchBytes(count n: Int, width m: Int, gradient: Bool) -> Double {
        let m = Double(m), rows = Double(n), tiles = Double((n + tile - 1) / tile)
        let packed = (m + 1) * rows
        let evaluate = packed + rows * tiles
        let pullback = packed + rows + rows * tiles * m
        return 8 * (gradient ? max(evaluate, pullback) : evaluate)
    }

    /// Runs `body(I, J)` for every tile pair I ≤ J of `tiles` tiles, on up to `threads` workers
    /// (each pair writes only its own slots, so the split changes nothing).
    private func tilePairs(_ tiles: Int, threads: Int, _ body: (Int, Int) -> Void) {
        var pairs: [(Int, Int)] = []
        for i in 0..<tiles { for j in i..<tiles { pairs.append((i, j)) } }
        let t = max(1, min(threads, pairs.count))
        if t == 1 { for (i, j) in pairs { body(i, j) }; return }
        withoutActuallyEscaping(body) { body in
            let box = SendableBox(body)
            DispatchQueue.concurrentPerform(iterations: t) { k in
                var q = k
                while q < pairs.count { box.value(pairs[q].0, pairs[q].1); q += t }
            }
        }
    }

    /// Sᵢ for every row (n values; zeros when n < 2).
    func rowSums(threads: Int) -> [Double] {
        let n = count, m = width
        guard n >= 2 else { return [Double](repeating: 0, count: n) }
        let b = Self.tile, tiles = (n + b - 1) / b
        let c = 1 / (2 * bandwidth * bandwidth), cut = Self.cutoff
        var partial = [Double](repeating: 0, count: n * tiles)     // row × tile
        points.withUnsafeBufferPointer { pp in
            weights.withUnsafeBufferPointer { wp in
                partial.withUnsafeMutableBufferPointer { sp in
                    let box = SendableBox((pp.baseAddress!, wp.baseAddress!, sp.baseAddress!))
                    tilePairs(tiles, threads: threads) { ti, tj in
                        let (x, w, part) = box.value
                        let j1 = min(n, (tj + 1) * b)
                        for i in (ti * b)..<min(n, (ti + 1) * b) {
                            let xi = x + i * m, wi = w[i]
                            var sum = 0.0
                            let j0 = ti == tj ? i + 1 : tj * b
                            if j0 < j1 {
                                for j in j0..<j1 {
                                    let xj = x + j * m
                                    var r2 = 0.0
                                    for a in 0..<m { let z = xi[a] - xj[a]; r2 += z * z }
                                    let e = c * r2
                                    if e > cut { continue }
                                    let k = Foundation.exp(-e)
                                    sum += w[j] * k
                                    part[j * tiles + ti] += wi * k
                                }
                            }
                            part[i * tiles + tj] += sum
                        }
                    }
                }
            }
        }
        var sums = [Double](repeating: 0, count: n)
        for i in 0..<n {
            var v = 0.0
            for t in 0..<tiles { v += partial[i * tiles + t] }
            sums[i] = v
        }
        return sums
    }

    /// Gₖ for the seeds c (n values), m × n (zeros when n < 2).
    func pairGradient(seeds: [Double], threads: Int) -> [Double] {
        let n = count, m = width
        guard n >= 2 else { return [Double](repeating: 0, count: m * n) }
        let b = Self.tile, tiles = (n + b - 1) / b
        let c = 1 / (2 * bandwidth * bandwidth), cut = Self.cutoff
        let invH2 = 1 / (bandwidth * bandwidth)
        // The pair (i, j) adds g = −(cᵢwⱼ + wᵢcⱼ)K/h² · (xᵢ − xⱼ) to Gᵢ and −g to Gⱼ (the
        // coefficient is symmetric in i, j and ∇K odd).
        var partial = [Double](repeating: 0, count: n * tiles * m)     // (row × tile) × m
        points.withUnsafeBufferPointer { pp in
            weights.withUnsafeBufferPointer { wp in
                seeds.withUnsafeBufferPointer { cp in
                    partial.withUnsafeMutableBufferPointer { sp in
                        let box = SendableBox((pp.baseAddress!, wp.baseAddress!, cp.baseAddress!, sp.baseAddress!))
                        tilePairs(tiles, threads: threads) { ti, tj in
                            let (x, w, cs, part) = box.value
                            let acc = UnsafeMutablePointer<Double>.allocate(capacity: m)
                            defer { acc.deallocate() }
                            let j1 = min(n, (tj + 1) * b)
                            for i in (ti * b)..<min(n, (ti + 1) * b) {
                                let xi = x + i * m, wi = w[i], ci = cs[i]
                                acc.update(repeating: 0, count: m)
                                let j0 = ti == tj ? i + 1 : tj * b
                                if j0 < j1 {
                                    for j in j0..<j1 {
                                        let xj = x + j * m
                                        var r2 = 0.0
                                        for a in 0..<m { let z = xi[a] - xj[a]; r2 += z * z }
                                        let e = c * r2
                                        if e > cut { continue }
                                        let coef = -(ci * w[j] + wi * cs[j]) * Foundation.exp(-e) * invH2
                                        let pj = part + (j * tiles + ti) * m
                                        for a in 0..<m {
                                            let g = coef * (xi[a] - xj[a])
                                            acc[a] += g; pj[a] -= g
                                        }
                                    }
                                }
                                let pi = part + (i * tiles + tj) * m
                                for a in 0..<m { pi[a] += acc[a] }
                            }
                        }
                    }
                }
            }
        }
        var gradient = [Double](repeating: 0, count: m * n)
        for k in 0..<n {
            for a in 0..<m {
                var g = 0.0
                for t in 0..<tiles { g += partial[(k * tiles + t) * m + a] }
                gradient[k * m + a] = g
            }
        }
        return gradient
    }
}
