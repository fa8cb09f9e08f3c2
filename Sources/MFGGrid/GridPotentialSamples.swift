import MFGMath

/// Points of space-time drawn from a grid solution's densities, with the solution's potential
/// Φ, its gradient ∇ₓΦ and the diagonal of its Hessian ∂²Φ/∂xᵢ² there: what the network is
/// fitted to when training starts from a grid (`training.start: grid`, module MFGStart).
///
/// **Where.** Sample i has time tᵢ = ℓᵢT/L with ℓᵢ = 1 + (i mod L) cycling over the L = max nt
/// levels of the blocks, so every time level gets the same number of points. A block solved
/// with nt_b steps is read at its level k = round(tᵢ/Δt_b) (clamped to 1…nt_b: the nearest of
/// its levels, exact when all blocks share nt). There a cell is drawn with probability ∝ ρ
/// (negative round-off clipped) and the point is the cell centre; every occurrence of a block
/// draws its own cell, independently, as the density of a block-separable problem is the
/// product of its blocks' (docs/reference-solver.md).
///
/// **What.** The grid's Φ at level k is `GridSolution.potential` entry k − 1 (Φ at t = kΔt); its
/// gradient at a cell is the centred difference (Φᵢ₊₁ − Φᵢ₋₁)/(2Δx), one-sided in a boundary
/// cell. ∂²Φ/∂xᵢ² along an axis is the second difference (Φᵢ₊₁ − 2Φᵢ + Φᵢ₋₁)/Δx², taken at
/// the nearest interior cell in a boundary cell (the second-difference analogue of the
/// one-sided gradient; 0 along an axis of fewer than 3 cells), and ΔₓΦ is their sum. For a
/// block-separable problem Φ is the sum of the blocks' potentials (each block's HJB equation
/// involves only its own coordinates), so ∇ₓΦ and the Hessian diagonal are the blocks'
/// concatenated and ΔₓΦ the sum of their Laplacians. Φ on the grid is only meaningful where
/// ρ > 0, which is where the points are.
public struct GridPotentialSamples: Sendable {
    /// Spatial dimension d of the whole problem.
    public let dimension: Int
    /// count × (d + 1), row-major: x₁ … x_d, t.
    public var points: [Double]
    /// count × d: ∇ₓΦ at the points.
    public var gradients: [Double]
    /// Φ at the points.
    public var values: [Double]
    /// count × d: ∂²Φ/∂xᵢ² at the points (the fit's optional Laplacian term, `PotentialFit`).
    public var hessianDiagonals: [Double]
    /// ΔₓΦ at the points: the rows of `hessianDiagonals` summed.
    public var laplacians: [Double]

    public var count: Int { values.count }

    /// One block of the solution: its grid solution and every set of (0-based) coordinates it
    /// occupies (one for a d = 2 problem solved whole: [[0, 1]]).
    public struct Block: Sendable {
        public let solution: GridSolution
        public let occurrences: [[Int]]
        public init(solution: GridSolution, occurrences: [[Int]]) {
            self.solution = solution; self.occurrences = occurrences
        }
    }

    /// Draws `count` points (seeded, deterministic). Every coordinate 0…d−1 must be covered by
    /// exactly one occurrence of one block, and each occurrence must have as many coordinates
    /// as its block's grid has axes; the blocks must share the horizon.
    public init(blocks: [Block], dimension d: Int, count: Int, seed: UInt64) {
        precondition(!blocks.isEmpty && count > 0)
        var covered = [Int](repeating: 0, count: d)
        for b in blocks {
            for o in b.occurrences {
                precondition(o.count == b.solution.geometry.spatialDimension, "occurrence size ≠ grid dimension")
                for c in o { covered[c] += 1 }
            }
        }
        precondition(covered.allSatisfy { $0 == 1 }, "every coordinate must belong to exactly one block")
        dimension = d
        let horizon = blocks[0].solution.geometry.dt * Double(blocks[0].solution.geometry.nt)
        let levels = blocks.map(\.solution.geometry.nt).max()!
        var cumulative = blocks.map { b in [[Double]?](repeating: nil, count: b.solution.geometry.nt + 1) }
        var rng = RandomSource(seed: seed)
        points = [Double](repeating: 0, count: count * (d + 1))
        gradients = [Double](repeating: 0, count: count * d)
        values = [Double](repeating: 0, count: count)
        hessianDiagonals = [Double](repeating: 0, count: count * d)
        laplacians = [Double](repeating: 0, count: count)
        for s in 0..<count {
            let t = Double(1 + s % levels) * horizon / Double(levels)
            points[s * (d + 1) + d] = t
            var phi = 0.0, laplacian = 0.0
            for (bi, b) in blocks.enumerated() {
                let g = b.solution.geometry
                let k = min(g.nt, max(1, Int((t / g.dt).rounded())))
                if cumulative[bi][k] == nil { cumulative[bi][k] = Self.cumulativeMass(b.solution, level: k) }
                let cum = cumulative[bi][k]!
                for o in b.occurrences {
                    let cell = Self.draw(cum, &rng)
                    let i = cell % g.nx, j = cell / g.nx
                    let (x1, x2) = g.centre(i, j)
                    let (p, g1, g2, h1, h2) = Self.potential(b.solution, level: k, i: i, j: j)
                    phi += p
                    laplacian += h1 + h2
                    points[s * (d + 1) + o[0]] = x1
                    gradients[s * d + o[0]] = g1
                    hessianDiagonals[s * d + o[0]] = h1
                    if o.count == 2 {
                        points[s * (d + 1) + o[1]] = x2
                        gradients[s * d + o[1]] = g2
                        hessianDiagonals[s * d + o[1]] = h2
                    }
                }
            }
            values[s] = phi
            laplacians[s] = laplacian
        }
    }

    /// Running sums of max(ρ, 0) over the cells of density level k.
    static func cumulativeMass(_ s: GridSolution, level k: Int) -> [Double] {
        let rho = s.density(atLevel: k)
        var cum = [Double](repeating: 0, count: rho.count)
        var acc = 0.0
        for (c, r) in rho.enumerated() { acc += max(r, 0); cum[c] = acc }
        return cum
    }

    /// A cell index drawn with probability proportional to its increment in `cum`.
    static func draw(_ cum: [Double], _ rng: inout RandomSource) -> Int {
        let u = rng.uniformOpen() * cum[cum.count - 1]
        var lo = 0, hi = cum.count - 1
        while lo < hi {
            let mid = (lo + hi) / 2
            if cum[mid] < u { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    /// Φ at cell (i, j) of level k (1…nt), its centred-difference gradient (one-sided at the
    /// boundary; 0 along x₂ on a one-dimensional grid) and its second differences along x₁ and
    /// x₂ (centred at the nearest interior cell in a boundary cell; 0 along x₂ on a
    /// one-dimensional grid).
    static func potential(_ s: GridSolution, level k: Int, i: Int, j: Int) -> (Double, Double, Double, Double, Double) {
        let g = s.geometry
        let base = (k - 1) * g.cellsPerLevel
        func phi(_ a: Int, _ b: Int) -> Double { s.potential[base + a + g.nx * b] }
        func difference(_ at: Int, _ n: Int, _ h: Double, _ f: (Int) -> Double) -> Double {
            guard n > 1 else { return 0 }
            let lo = max(0, at - 1), hi = min(n - 1, at + 1)
            return (f(hi) - f(lo)) / (Double(hi - lo) * h)
        }
        func second(_ at: Int, _ n: Int, _ h: Double, _ f: (Int) -> Double) -> Double {
            guard n > 2 else { return 0 }
            let c = min(n - 2, max(1, at))
            return (f(c + 1) - 2 * f(c) + f(c - 1)) / (h * h)
        }
        let g1 = difference(i, g.nx, g.dx) { phi($0, j) }
        let g2 = g.isOneDimensional ? 0 : difference(j, g.ny, g.dy) { phi(i, $0) }
        let l1 = second(i, g.nx, g.dx) { phi($0, j) }
        let l2 = g.isOneDimensional ? 0 : second(j, g.ny, g.dy) { phi(i, $0) }
        return (phi(i, j), g1, g2, l1, l2)
    }
}
