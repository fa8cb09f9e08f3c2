import Testing
@testable import MFGProblem

/// `training.start`: where training starts (random, or fitted to a grid solution).
@Suite("training.start")
struct StartSettingsTests {
    /// The valid base file of the error tests, with a start and a reference section.
    static let base = ProblemErrorTests.valid.replacingOccurrences(of: "  iterations: 10", with: "  iterations: 10\n  START")
        + "\nreference: {domain: [[-4, 4], [-4, 4]], grid: {nx: 64, ny: 64, nt: 32}}"

    func problem(_ start: String, reference: Bool = true) throws -> Problem {
        var text = Self.base.replacingOccurrences(of: "START", with: start)
        if !reference { text = text.replacingOccurrences(of: "\nreference: {domain: [[-4, 4], [-4, 4]], grid: {nx: 64, ny: 64, nt: 32}}", with: "") }
        return try Problem.parse(yaml: text, file: "problems/x.yaml")
    }

    func message(_ start: String, reference: Bool = true) -> String {
        do { _ = try problem(start, reference: reference); return "parsed" } catch { return "\(error)" }
    }

    @Test func defaultIsRandom() throws {
        #expect(try problem("seed: 3").training.start == .random)
        #expect(try problem("start: random").training.start == .random)
        #expect(try problem("start: {from: random}").training.start == .random)
    }

    @Test func gridShorthandAndMapping() throws {
        #expect(try problem("start: grid").training.start == .grid(.defaults))
        let s = try problem("start: {from: grid, coarsen: 2, tolerance: 1e-3, max_iterations: 500, fit_iterations: 20, fit_points: 64}")
        #expect(s.training.start == .grid(GridStartSettings(coarsen: 2, tolerance: 1e-3, maxIterations: 500,
                                                            fitIterations: 20, fitPoints: 64)))
        let g = try problem("start: {from: grid, grid: {nx: 32, ny: 40, nt: 16}}")
        #expect(g.training.start == .grid(GridStartSettings(grid: .init(nx: 32, ny: 40, nt: 16))))
        #expect(GridStartSettings.defaults.fitLaplacianWeight == 0)
        let l = try problem("start: {from: grid, fit_laplacian_weight: 0.01}")
        #expect(l.training.start == .grid(GridStartSettings(fitLaplacianWeight: 0.01)))
        #expect(try problem("start: {from: grid, fit_laplacian_weight: 0}").training.start == .grid(.defaults))
        #expect(GridStartSettings.defaults.fitRestarts == 1)
        #expect(try problem("start: {from: grid, fit_restarts: 4}").training.start == .grid(GridStartSettings(fitRestarts: 4)))
        #expect(GridStartSettings.defaults.blockIterations == 0)
        #expect(try problem("start: {from: grid, fit_by: block, block_iterations: 40}").training.start
                == .grid(GridStartSettings(fitBy: .block, blockIterations: 40)))
    }

    @Test func badSettingsNameTheField() {
        #expect(message("start: sideways") == "problems/x.yaml: training.start: unknown value 'sideways' (allowed: random, grid)")
        #expect(message("start: {from: random, coarsen: 1}")
                == "problems/x.yaml: training.start.coarsen: only a start from a grid has settings ('from: random' takes none)")
        #expect(message("start: {from: grid, coarsen: 5}").hasPrefix("problems/x.yaml: training.start.coarsen:"))
        #expect(message("start: {from: grid, tolerance: 1}").hasPrefix("problems/x.yaml: training.start.tolerance:"))
        #expect(message("start: {from: grid, fit_points: 3}").hasPrefix("problems/x.yaml: training.start.fit_points:"))
        #expect(message("start: {from: grid, fit_laplacian_weight: -0.1}")
                == "problems/x.yaml: training.start.fit_laplacian_weight: -0.1 is out of range (allowed: >= 0)")
        #expect(message("start: {from: grid, fit_laplacian_weight: 2000}")
                == "problems/x.yaml: training.start.fit_laplacian_weight: 2000 is out of range (allowed: 0 ... 1000)")
        #expect(message("start: {from: grid, fit_restarts: 0}")
                == "problems/x.yaml: training.start.fit_restarts: 0 is out of range (allowed: 1...64)")
        #expect(message("start: {from: grid, block_iterations: 40}")
                == "problems/x.yaml: training.start.block_iterations: a block is trained alone only when the fit goes by blocks (fit_by: block)")
        #expect(message("start: {from: grid, fit_by: block, block_iterations: -1}").hasPrefix("problems/x.yaml: training.start.block_iterations:"))
        #expect(message("start: {from: random, block_iterations: 40}")
                == "problems/x.yaml: training.start.block_iterations: only a start from a grid has settings ('from: random' takes none)")
        #expect(message("start: {from: grid, fit_laplacian_weight: many}").hasPrefix("problems/x.yaml: training.start.fit_laplacian_weight:"))
        #expect(message("start: {from: random, fit_laplacian_weight: 0.1}")
                == "problems/x.yaml: training.start.fit_laplacian_weight: only a start from a grid has settings ('from: random' takes none)")
        #expect(message("start: {from: grid, grid: {nx: 32, ny: 40, nt: 16}, coarsen: 1}")
                == "problems/x.yaml: training.start.grid: give either grid or coarsen, not both")
        #expect(message("start: {coarsen: 1}").hasPrefix("problems/x.yaml: training.start.from:"))
        #expect(message("start: grid", reference: false)
                == "problems/x.yaml: reference: training.start: grid solves the problem on a grid first; "
                + "a d = 2 problem needs reference.domain and reference.grid")
    }
}
