import Foundation
import MFGPlot

/// Densities on a grid from samples, for heat maps.
///
/// The grid's nodes are cell centres (uniform spacing); a sample belongs to the nearest node.
enum DensityHistogram {
    /// The empirical density of the samples (x, y): count / (n · cell area). Works in any
    /// dimension for projected samples, at the price of sampling noise.
    static func counts(xs px: [Double], ys py: [Double], grid xs: [Double], _ ys: [Double]) -> GridField {
        var cells = [Double](repeating: 0, count: xs.count * ys.count)
        let area = spacing(xs) * spacing(ys)
        let n = Double(px.count)
        for k in px.indices {
            if let c = cell(px[k], py[k], xs, ys) { cells[c] += 1 / (n * area) }
        }
        return GridField(xs: xs, ys: ys, values: cells)
    }

    /// The mean of known density values carried by the samples in each cell (0 where there is
    /// none). With ρ(z(t), t) = ρ₀(x₀)·e^{−ℓ(t)} along the characteristics (d = 2), this shows the
    /// solver's own density rather than counting noise: the samples only tell where to look.
    static func weighted(xs px: [Double], ys py: [Double], values: [Double],
                         grid xs: [Double], _ ys: [Double]) -> GridField {
        var sum = [Double](repeating: 0, count: xs.count * ys.count)
        var count = [Double](repeating: 0, count: xs.count * ys.count)
        for k in px.indices where values[k].isFinite {
            if let c = cell(px[k], py[k], xs, ys) { sum[c] += values[k]; count[c] += 1 }
        }
        return GridField(xs: xs, ys: ys, values: zip(sum, count).map { $1 > 0 ? $0 / $1 : 0 })
    }

    private static func spacing(_ v: [Double]) -> Double { v.count > 1 ? (v[v.count - 1] - v[0]) / Double(v.count - 1) : 1 }

    /// Index of the cell around (x, y), nil outside the grid.
    private static func cell(_ x: Double, _ y: Double, _ xs: [Double], _ ys: [Double]) -> Int? {
        guard x.isFinite, y.isFinite else { return nil }
        let i = Int(((x - xs[0]) / spacing(xs)).rounded()), j = Int(((y - ys[0]) / spacing(ys)).rounded())
        guard i >= 0, i < xs.count, j >= 0, j < ys.count else { return nil }
        return i + j * xs.count
    }
}
