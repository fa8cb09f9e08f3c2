/// Distances between the neural and the grid potential (the densities: `DensityDistance`).
public enum GridComparison {
    /// Relative weighted RMS difference of two potentials on the grid cells up to a constant:
    /// with weights ρ on the support {ρ > 10⁻³ max ρ}, c = weighted mean of (Φ_N − Φ_G) and
    /// √(Σρ(Φ_N − Φ_G − c)² / Σρ(Φ_G − Φ̄_G)²).
    public static func potentialDifference(neural: [Double], grid: [Double], weights: [Double]) -> Double {
        let peak = weights.max() ?? 0
        var sw = 0.0, sd = 0.0, sg = 0.0
        for i in weights.indices where weights[i] > 1e-3 * peak {
            sw += weights[i]; sd += weights[i] * (neural[i] - grid[i]); sg += weights[i] * grid[i]
        }
        guard sw > 0 else { return .nan }
        let c = sd / sw, gMean = sg / sw
        var num = 0.0, den = 0.0
        for i in weights.indices where weights[i] > 1e-3 * peak {
            let e = neural[i] - grid[i] - c, g = grid[i] - gMean
            num += weights[i] * e * e; den += weights[i] * g * g
        }
        return (num / max(den, 1e-300)).squareRoot()
    }
}
