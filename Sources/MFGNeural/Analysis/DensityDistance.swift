import Foundation

/// The L1 distance ∫|ρ_N − ρ_G| between the neural density at one time and a grid density on
/// a `CellGrid`, by two independent estimators (docs/validation.md, "Comparing densities at
/// every time"). Both densities have unit mass, so the distance lies in [0, 2] and is also the
/// relative L1 distance.
public enum DensityDistance {

    /// A Monte Carlo estimate and its standard error.
    public struct Estimate: Sendable, Equatable {
        public let value: Double
        public let standardError: Double
    }

    /// The carried-density estimator: importance sampling under the neural density.
    ///
    /// For unit-mass densities ∫|p − q| = 2∫(p − q)₊ = 2 E_p[(1 − q/p)₊]. The pushed samples
    /// z(t) are draws from p = ρ_N(·, t), and along each characteristic p(z(t)) =
    /// ρ₀(x₀)e^{−ℓ(t)} is known exactly (`logDensity` = log ρ₀(x₀) − ℓ(t)); q = ρ_G is
    /// interpolated from the grid (zero outside it, so neural mass outside the grid counts in
    /// full). Using (·)₊ avoids the region where p ≈ 0, which sampling under p misses.
    ///
    /// It needs the *joint* neural density, so the grid must cover every coordinate of the run
    /// (d = 2 against a 2-D grid). It trusts the carried ℓ: if ℓ and the paths disagree (a time
    /// error of the log-determinant), the samples are not draws from ρ₀e^{−ℓ} and the estimate is
    /// biased; the histogram estimator does not use ℓ and catches that.
    ///
    /// Noise: the standard error returned (sample standard deviation of 2(1 − q/p)₊ over √n);
    /// bias: the bilinear interpolation of q between cell centres (measured in docs/validation.md).
    ///
    /// - Parameters:
    ///   - points: z(t), d × n column-major.
    ///   - logDensity: log ρ_N(z(t), t) per sample (n values).
    /// - Precondition: the grid's coordinates are exactly 0..<d; at least two samples.
    public static func carried(points: [Double], dimension d: Int, logDensity: [Double], reference: CellField) -> Estimate {
        precondition(Set(reference.grid.coordinates) == Set(0..<d),
                     "DensityDistance.carried needs the joint density: the grid must cover all \(d) coordinates")
        let n = logDensity.count
        precondition(n >= 2 && points.count == d * n, "DensityDistance.carried: d × n points and n ≥ 2 log-densities")
        var terms = [Double](repeating: 0, count: n)
        for a in 0..<n {
            let p = Foundation.exp(logDensity[a])
            let q = reference.interpolate(sample: a, in: points, dimension: d)
            // p = 0 or NaN (a diverged path): the sample says nothing about q; count it as missing mass.
            terms[a] = p > 0 && p.isFinite ? 2 * max(0, 1 - q / p) : 2
        }
        let n1 = Double(n)
        let mean = terms.reduce(0, +) / n1
        var ss = 0.0
        for t in terms { ss += (t - mean) * (t - mean) }
        return Estimate(value: mean, standardError: (ss / (n1 - 1) / n1).squareRoot())
    }

    /// The outcome of the histogram estimator.
    public struct Histogram: Sendable, Equatable {
        /// Σ_cells |f_c − M_c| + (fraction of samples outside the grid).
        public let value: Double
        /// Its expected value if the samples were drawn from the grid density itself:
        /// Σ_c E|Bin(n, M_c)/n − M_c| (de Moivre's closed form, exact for each cell).
        public let noiseFloor: Double
        /// Grid cells per histogram cell along each axis.
        public let coarsening: [Int]
        /// Histogram cells holding grid mass or samples.
        public let occupiedCells: Int
        /// Fraction of the samples outside the grid (counted in `value`).
        public let outside: Double
    }

    /// The histogram estimator: the fraction f_c of the pushed samples in each histogram cell
    /// (blocks of `coarsening` grid cells) against the grid mass M_c in the same cell,
    ///
    ///     D = Σ_c |f_c − M_c| + (fraction of samples outside the grid).
    ///
    /// It uses only the positions z(t), not the carried density, so it is independent of the
    /// carried estimator, and it works on any coordinates: for d > 2 it compares the marginal of
    /// the samples on the grid's coordinates. D estimates the L1 distance of the two densities
    /// averaged over histogram cells, which is at most the true L1 distance (averaging cannot
    /// increase it: coarser cells hide differences within a cell), plus sampling noise that
    /// raises it: with the samples drawn from the grid density itself its expectation is
    /// `noiseFloor` ≈ Σ_c √(2M_c/(πn)). A D near its floor shows no difference at this
    /// resolution.
    ///
    /// - Parameters:
    ///   - points: z(t), d × n column-major; only the grid's coordinates are read.
    ///   - reference: the grid density (normalised here by its own mass).
    ///   - coarsening: grid cells per histogram cell along each axis (≥ 1).
    public static func histogram(points: [Double], dimension d: Int, reference: CellField, coarsening: [Int]) -> Histogram {
        let g = reference.grid
        let n = d > 0 ? points.count / d : 0
        precondition(n >= 1 && g.coordinates.allSatisfy { $0 < d }, "DensityDistance.histogram: samples of dimension d covering the grid")
        let (coarse, map) = g.coarsened(by: coarsening)
        var mass = [Double](repeating: 0, count: coarse.cellCount)
        for c in 0..<g.cellCount { mass[map[c]] += reference.values[c] }
        let total = mass.reduce(0, +)
        if total > 0 { mass = mass.map { $0 / total } }
        var count = [Double](repeating: 0, count: coarse.cellCount)
        var outside = 0.0
        for a in 0..<n {
            if let c = g.cell(ofSample: a, in: points, dimension: d) { count[map[c]] += 1 } else { outside += 1 }
        }
        var value = outside / Double(n), floor = 0.0, occupied = 0
        for c in 0..<coarse.cellCount where mass[c] > 0 || count[c] > 0 {
            value += abs(count[c] / Double(n) - mass[c])
            floor += binomialMeanAbsoluteDeviation(n: n, p: mass[c]) / Double(n)
            occupied += 1
        }
        return Histogram(value: value, noiseFloor: floor, coarsening: coarsening, occupiedCells: occupied,
                         outside: outside / Double(n))
    }

    /// E|X − np| for X ~ Binomial(n, p), by de Moivre's formula
    ///
    ///     E|X − np| = 2ν C(n, ν) p^ν (1 − p)^(n−ν+1),   ν = ⌊np⌋ + 1,
    ///
    /// evaluated in logarithms (log-gamma), so it holds for any n.
    public static func binomialMeanAbsoluteDeviation(n: Int, p: Double) -> Double {
        guard n >= 1, p > 0, p < 1 else { return 0 }
        let nu = Int((Double(n) * p).rounded(.down)) + 1
        guard nu <= n else { return 0 }
        let logChoose = lgamma(Double(n + 1)) - lgamma(Double(nu + 1)) - lgamma(Double(n - nu + 1))
        return 2 * Double(nu) * Foundation.exp(logChoose + Double(nu) * Foundation.log(p) + Double(n - nu + 1) * Foundation.log1p(-p))
    }

    /// Grid cells per histogram cell along each axis so that each axis has about `cellsPerAxis`
    /// histogram cells (at least one grid cell per histogram cell).
    public static func coarsening(for grid: CellGrid, cellsPerAxis: Int = 24) -> [Int] {
        grid.counts.map { max(1, Int((Double($0) / Double(max(cellsPerAxis, 1))).rounded())) }
    }
}
