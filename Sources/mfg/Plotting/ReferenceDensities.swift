import Foundation
import MFGNeural
import MFGProblem
import MFGPlot
import MFGStore

/// A d = 2 grid-solver solution to compare with: the reference block (densities at every grid
/// level on its cells) and the problem it solves.
struct ReferenceDensities: Sendable {
    /// The problem the reference solves (compared with the checkpoint's before any work).
    var problemName: String
    var block: ReferenceBlock
    /// The stored problem, when it parses (then the games are compared, not the names).
    var problem: Problem? = nil

    /// The cell centres along x₁ and x₂ (the nodes of the figure's fields).
    var xs: [Double] { (0..<block.grid.counts[0]).map { block.grid.centre(block.grid.index($0, 0))[0] } }
    var ys: [Double] { (0..<block.grid.counts[1]).map { block.grid.centre(block.grid.index(0, $0))[1] } }

    /// The density at grid level k as a figure field.
    func field(level k: Int) -> GridField { GridField(xs: xs, ys: ys, values: block.densityField(level: k).values) }
}

/// Reads a reference solution file.
protocol ReferenceReader {
    func read(_ path: String) throws(PlotError) -> ReferenceDensities
}

/// The reader of grid-solver result files written by `mfg reference` (MFGStore's
/// `ReferenceResult`).
struct ResultFileReferenceReader: ReferenceReader {
    func read(_ path: String) throws(PlotError) -> ReferenceDensities {
        let ref: ReferenceResult
        do { ref = try ReferenceResult.read(from: path) } catch { throw .badInput(error.description) }
        // A reference by blocks: the (x1, x2) block is the marginal density on (x1, x2).
        guard let block = ref.comparisonBlocks.first(where: { $0.grid.coordinates == [0, 1] }) else {
            throw .badInput("\(path): a reference by blocks without an (x1, x2) block; the comparison figure draws (x1, x2)")
        }
        return ReferenceDensities(problemName: ref.problemName, block: block,
                                  problem: try? Problem.parse(yaml: ref.problemSource, file: ref.problemFile))
    }
}
