import Foundation
import Testing
import MFGGrid
@testable import MFGStore

@Suite("Reference results")
struct ReferenceResultTests {
    let scratch: TemporaryDirectory
    init() throws { scratch = try TemporaryDirectory() }

    /// A block with recognisable values (every array a different ramp).
    static func block(_ occurrences: [[Int]], nx: Int, ny: Int, nt: Int, seed: Double) -> ReferenceResult.Block {
        let g = GridGeometry(nx: nx, ny: ny, nt: nt, x1Lower: -2, x1Upper: 3, x2Lower: ny == 1 ? 0 : -1,
                             x2Upper: ny == 1 ? 1 : 4, horizon: 1)
        func ramp(_ n: Int, _ s: Double) -> [Double] { (0..<n).map { s + Double($0) * 1e-3 } }
        return .init(occurrences: occurrences, geometry: g, x1Upper: 3, x2Upper: ny == 1 ? 1 : 4,
                     density: ramp((nt + 1) * nx * ny, seed), momentum1: ramp(nt * nx * ny, seed + 1),
                     momentum2: ny == 1 ? [Double](repeating: 0, count: nt * nx) : ramp(nt * nx * ny, seed + 2),
                     potential: ramp(nt * nx * ny, seed + 3),
                     costs: GridCostBreakdown(kinetic: seed, obstacle: 0.5, entropy: -0.25, terminal: 2 * seed),
                     iterations: Int(seed) * 10, residuals: GridResiduals(constraint: 1e-5, optimality: 2e-5, constraintHminus1: 3e-5),
                     converged: seed < 2, wallSeconds: seed)
    }

    /// Format version 2 round trip: a 2-D block and a 1-D block occurring three times, the
    /// totals summed with multiplicities, every array and attribute back.
    @Test func blocksRoundTrip() throws {
        let result = ReferenceResult(softwareVersion: "test", problemName: "p", problemFile: "p.yaml",
                                     problemSource: "dimension: 5", dimension: 5,
                                     blocks: [Self.block([[0, 3]], nx: 8, ny: 10, nt: 4, seed: 1),
                                              Self.block([[1], [2], [4]], nx: 12, ny: 1, nt: 6, seed: 2)],
                                     tolerance: 1e-4, wallSeconds: 7)
        let path = scratch.path("reference.h5")
        try result.write(to: path)
        let back = try ReferenceResult.read(from: path)
        #expect(back.dimension == 5 && back.blocks.count == 2 && back.wallSeconds == 7 && back.tolerance == 1e-4)
        for (a, b) in zip(result.blocks, back.blocks) {
            #expect(a.occurrences == b.occurrences && a.geometry == b.geometry && a.density == b.density)
            #expect(a.momentum1 == b.momentum1 && a.momentum2 == b.momentum2 && a.potential == b.potential)
            #expect(a.costs == b.costs && a.iterations == b.iterations && a.residuals == b.residuals)
            #expect(a.converged == b.converged && a.wallSeconds == b.wallSeconds && a.x2Upper == b.x2Upper)
        }
        #expect(back.blocks[1].dimension == 1 && back.blocks[1].multiplicity == 3)
        // J = 1·J₁ + 3·J₂ with J_b = seed + 0.5 − 0.25 + 2·seed.
        let first: Double = 3 * 1 + 0.25, second: Double = 3 * 2 + 0.25
        #expect(back.costs.total == first + 3 * second)
        #expect(!back.converged && !back.isSingleBlock)
        // h5py sees 1-D arrays without the x₂ axis, and the totals as attributes.
        let r = try HDF5Reader(path: path)
        defer { r.close() }
        #expect(try r.readDoubles("blocks/1/density").shape == [7, 12])
        #expect(try r.readDoubles("blocks/0/density").shape == [5, 10, 8])
        #expect(try r.readInt64s("blocks/1/occurrences").values == [1, 2, 4])
        #expect(!r.exists("blocks/1/momentum2"))
        #expect(try r.doubleAttribute("total", on: "costs") == back.costs.total)
    }

    /// A file of format version 1 (one 2-D block at the root, as written before blocks) is
    /// read as a one-block d = 2 result, and the single-block accessors give its arrays.
    @Test func versionOneFilesAreRead() throws {
        let b = Self.block([[0, 1]], nx: 8, ny: 8, nt: 4, seed: 1)
        let path = scratch.path("v1.h5")
        let w = try HDF5Writer(path: path)
        try w.setAttribute("format", "mfg-reference")
        try w.setAttribute("format_version", Int64(1))
        try w.setAttribute("software_version", "old")
        try w.setAttribute("problem_name", "old")
        try w.writeString("dimension: 2", to: "problem/source")
        try w.writeString("old.yaml", to: "problem/file")
        try w.createGroup("grid")
        for (k, v) in [("nx", 8), ("ny", 8), ("nt", 4)] { try w.setAttribute(k, v, on: "grid") }
        for (k, v) in [("x1_lower", -2.0), ("x1_upper", 3.0), ("x2_lower", -1.0), ("x2_upper", 4.0), ("horizon", 1.0)] {
            try w.setAttribute(k, v, on: "grid")
        }
        try w.write(b.density, shape: [5, 8, 8], to: "density")
        try w.write(b.momentum1, shape: [4, 8, 8], to: "momentum1")
        try w.write(b.momentum2, shape: [4, 8, 8], to: "momentum2")
        try w.write(b.potential, shape: [4, 8, 8], to: "potential")
        try w.createGroup("costs")
        for (k, v) in [("kinetic", 1.0), ("obstacle", 0.5), ("entropy", -0.25), ("terminal", 2.0), ("interaction", 0.25), ("total", 3.25)] {
            try w.setAttribute(k, v, on: "costs")
        }
        try w.createGroup("solver")
        try w.setAttribute("iterations", 10, on: "solver")
        try w.setAttribute("converged", 1, on: "solver")
        for (k, v) in [("tolerance", 1e-4), ("constraint_residual", 1e-5), ("optimality_residual", 2e-5),
                       ("constraint_residual_hminus1", 3e-5), ("wall_seconds", 1.0)] {
            try w.setAttribute(k, v, on: "solver")
        }
        try w.commit()
        let r = try ReferenceResult.read(from: path)
        #expect(r.dimension == 2 && r.isSingleBlock && r.blocks[0].coordinates == [0, 1])
        #expect(r.geometry == b.geometry && r.density == b.density && r.potential == b.potential && r.momentum2 == b.momentum2)
        #expect(r.costs == b.costs && r.iterations == 10 && r.converged && r.tolerance == 1e-4)
    }

    /// Blocks that do not cover the coordinates exactly once are damage, said as such.
    @Test func overlappingBlocksAreRefused() throws {
        let result = ReferenceResult(softwareVersion: "test", problemName: "p", problemFile: "p.yaml", problemSource: "",
                                     dimension: 3, blocks: [Self.block([[0, 1]], nx: 8, ny: 8, nt: 4, seed: 1),
                                                            Self.block([[1]], nx: 8, ny: 1, nt: 4, seed: 2)],
                                     tolerance: 1e-4, wallSeconds: 1)
        let path = scratch.path("bad.h5")
        try result.write(to: path)
        #expect(throws: CheckpointError.corrupt(file: path, detail: "the blocks do not cover the 3 coordinates exactly once")) {
            try ReferenceResult.read(from: path)
        }
    }
}
