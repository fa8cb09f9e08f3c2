import Foundation
import MFGPlot

/// A d = 2 grid-solver solution to compare with: ρ at a few times on a regular grid.
struct ReferenceDensities: Sendable {
    /// The problem the reference solves (compared with the checkpoint's before any work).
    var problemName: String
    var xs: [Double]
    var ys: [Double]
    var times: [Double]
    /// `rho[k][i + j * xs.count]` = ρ(xs[i], ys[j], times[k]).
    var rho: [[Double]]

    /// The density at `times[k]` as a grid field.
    func field(_ k: Int) -> GridField { GridField(xs: xs, ys: ys, values: rho[k]) }
}

/// Reads a reference solution file.
protocol ReferenceReader {
    func read(_ path: String) throws(PlotError) -> ReferenceDensities
}

/// The reader of grid-solver result files (HDF5). Their format is not settled yet, so it only
/// checks that the file exists and then says so.
struct ResultFileReferenceReader: ReferenceReader {
    func read(_ path: String) throws(PlotError) -> ReferenceDensities {
        guard FileManager.default.fileExists(atPath: path) else { throw .badInput("\(path): no such reference file") }
        throw .badInput("\(path): reference files are not supported yet (the grid solver's result format is not final)")
    }
}
