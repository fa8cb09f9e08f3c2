import Foundation
import MFGPlot
import MFGStore

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

/// The reader of grid-solver result files written by `mfg reference` (MFGStore's
/// `ReferenceResult`): ρ on the cell centres at t = 0, T/2 (nearest level) and T.
struct ResultFileReferenceReader: ReferenceReader {
    func read(_ path: String) throws(PlotError) -> ReferenceDensities {
        let ref: ReferenceResult
        do { ref = try ReferenceResult.read(from: path) } catch { throw .badInput(error.description) }
        // A reference by blocks: the (x1, x2) block is the marginal density on (x1, x2).
        guard let block = ref.blocks.first(where: { $0.coordinates == [0, 1] }) else {
            throw .badInput("\(path): a reference by blocks without an (x1, x2) block; the comparison figure draws (x1, x2)")
        }
        let g = block.geometry
        let xs = (0..<g.nx).map { g.centre($0, 0).0 }, ys = (0..<g.ny).map { g.centre(0, $0).1 }
        let levels = [0, g.nt / 2, g.nt]
        let c = g.cellsPerLevel
        return ReferenceDensities(problemName: ref.problemName, xs: xs, ys: ys,
                                  times: levels.map { Double($0) * g.dt },
                                  rho: levels.map { Array(block.density[($0 * c)..<(($0 + 1) * c)]) })
    }
}
