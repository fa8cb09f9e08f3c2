import Foundation
import Testing
import MFGMath
import MFGNeural
import MFGProblem
@testable import MFGStore

@Suite("Training checkpoints")
struct CheckpointTests {
    static let yaml = """
        name: cp-test
        dimension: 3
        horizon: 1
        kinetic_weight: 2
        initial_density: {type: gaussian, mean: {head: [-1], rest: 0}, variance: 0.3}
        target_density: {type: gaussian, mean: {head: [1], rest: 0}, variance: 1}
        terminal_cost: {type: kl, weight: 5}
        penalties: {hjb: 1, terminal_hjb: 1}
        network: {width: 6, residual_layers: 2}
        integrator: {scheme: rk4, steps: 2}
        training: {optimizer: adam, iterations: 3, batch_size: 32, validation_size: 32, seed: 3, log_every: 1}
        """

    /// One directory per test (Swift Testing makes a suite instance per test), removed with it.
    let scratch: TemporaryDirectory

    init() throws { scratch = try TemporaryDirectory() }

    func tempPath(_ name: String) -> String { scratch.path(name) }

    /// The fixture's problem with `parts` (e.g. "separable_width: 2") added to its network.
    static func yaml(network parts: String) -> String {
        yaml.replacingOccurrences(of: "network: {width: 6, residual_layers: 2}",
                                  with: "network: {width: 6, residual_layers: 2, \(parts)}")
    }

    /// `cp` written to a fresh file and read back; the shape and the state must come back equal.
    func writtenAndReadBack(_ cp: Checkpoint) throws -> (path: String, back: Checkpoint) {
        let path = tempPath("checkpoint.h5")
        try cp.write(to: path)
        let back = try Checkpoint.read(from: path)
        #expect(back.shape == cp.shape)
        #expect(back.state == cp.state)
        return (path, back)
    }

    func trainedCheckpoint(yaml: String = CheckpointTests.yaml) throws -> Checkpoint {
        let problem = try Problem.parse(yaml: yaml, file: "cp-test.yaml")
        let solver = try Solver(problem: problem, threads: 1)
        try solver.train { _ in .proceed }
        let summary = try solver.validationTerms(parameters: solver.state.bestParameters)
        let paths = try solver.paths(parameters: solver.state.bestParameters, count: 5, seed: 1)
        return Checkpoint(problemName: problem.name, problemFile: problem.file, problemSource: problem.sourceText,
                          precision: "float64", seed: 3, shape: solver.shape, state: solver.state,
                          totalIterations: solver.totalIterations, summary: summary, summarySamples: 32, paths: paths)
    }

    /// Everything written is read back exactly (parameters through the row-major transpose,
    /// optimizer moments, history, summary, paths).
    @Test func roundTrip() throws {
        let cp = try trainedCheckpoint()
        let path = tempPath("checkpoint.h5")
        try cp.write(to: path)
        let back = try Checkpoint.read(from: path)
        #expect(back.state == cp.state)
        #expect(back.shape == cp.shape)
        #expect(back.problemSource == cp.problemSource)
        #expect(back.summary == cp.summary)
        #expect(back.paths?.z == cp.paths?.z)
        #expect(back.paths?.ell == cp.paths?.ell)
        #expect(back.totalIterations == 3)
        #expect(!FileManager.default.fileExists(atPath: path + ".tmp"))
    }

    /// A numpy user reads K0 as an m × (d+1) row-major matrix: entry [i][j] is K₀(i, j).
    @Test func parametersAreRowMajorWithNaturalShapes() throws {
        let cp = try trainedCheckpoint()
        let path = tempPath("checkpoint.h5")
        try cp.write(to: path)
        let r = try HDF5Reader(path: path)
        defer { r.close() }
        let k0 = try r.readDoubles("network/parameters/K0")
        #expect(k0.shape == [6, 4])
        let block = ParameterLayout(cp.shape).block("K0")!
        #expect(k0.values[1 * 4 + 2] == cp.state.parameters[block.offset + 1 + 2 * 6])
        #expect(try r.readDoubles("network/parameters/b").shape == [])
        #expect(try r.readDoubles("network/parameters/w").shape == [6])
    }

    /// A network with both optional parts: the shape (its attributes) and every block come
    /// back, S0…Sp as d × d matrices, v0…vp as d-vectors, sep_* as d × q matrices.
    @Test func roundTripWithOptionalParts() throws {
        let yaml = Self.yaml(network: "quadratic: full, time_degree: 1, separable_width: 2")
            .replacingOccurrences(of: "horizon: 1", with: "horizon: 1.5")
        let cp = try trainedCheckpoint(yaml: yaml)
        #expect(cp.shape.quadratic == .full && cp.shape.timeDegree == 1 && cp.shape.separableWidth == 2)
        #expect(cp.shape.timeScale == 1.5)
        let (path, _) = try writtenAndReadBack(cp)
        let r = try HDF5Reader(path: path)
        defer { r.close() }
        #expect(try r.stringAttribute("quadratic", on: "network") == "full")
        #expect(try r.int64Attribute("time_degree", on: "network") == 1)
        #expect(try r.int64Attribute("separable_width", on: "network") == 2)
        #expect(try r.doubleAttribute("time_scale", on: "network") == 1.5)
        #expect(try r.readDoubles("network/parameters/S1").shape == [3, 3])
        #expect(try r.readDoubles("network/parameters/v0").shape == [3])
        let sepA = try r.readDoubles("network/best_parameters/sep_a")
        #expect(sepA.shape == [3, 2])
        let block = ParameterLayout(cp.shape).block("sep_a")!
        #expect(sepA.values[2 * 2 + 1] == cp.state.bestParameters[block.offset + 2 + 1 * 3])   // row-major (i, j)
    }

    /// Time-scaled separable units: the `separable_form` attribute and sep_e (d × q) come back;
    /// fixed units are written without the attribute (checked in `legacyNetworkHasNoNewAttributes`
    /// for the network without parts, here for fixed units).
    @Test func roundTripWithTimeScaledSeparable() throws {
        let cp = try trainedCheckpoint(yaml: Self.yaml(network: "separable_width: 2, separable_form: time_scaled"))
        #expect(cp.shape.separableForm == .timeScaled && cp.shape.separableWidth == 2)
        let block = ParameterLayout(cp.shape).block("sep_e")!
        #expect(cp.state.bestParameters[block.range].contains { $0 != 0 })   // trained away from its start at 0
        let (path, _) = try writtenAndReadBack(cp)
        let r = try HDF5Reader(path: path)
        defer { r.close() }
        #expect(try r.stringAttribute("separable_form", on: "network") == "time_scaled")
        let sepE = try r.readDoubles("network/best_parameters/sep_e")
        #expect(sepE.shape == [3, 2])
        #expect(sepE.values[2 * 2 + 1] == cp.state.bestParameters[block.offset + 2 + 1 * 3])   // row-major (i, j)
        let fixedPath = tempPath("fixed.h5")
        try trainedCheckpoint(yaml: Self.yaml(network: "separable_width: 2")).write(to: fixedPath)
        let rf = try HDF5Reader(path: fixedPath)
        defer { rf.close() }
        #expect(!rf.hasAttribute("separable_form", on: "network"))
    }

    /// The spline form: `separable_form` spline, its range and time degree, and sep_spline
    /// (d × (q + 5)(p + 1)) come back.
    @Test func roundTripWithSpline() throws {
        let cp = try trainedCheckpoint(yaml: Self.yaml(network: "separable_width: 3, separable_form: spline, time_degree: 1, spline_range: [-2, 1.5]"))
        #expect(cp.shape.separableForm == .spline && cp.shape.splineRange == -2...1.5 && cp.shape.timeDegree == 1)
        let block = ParameterLayout(cp.shape).block("sep_spline")!
        #expect(cp.state.bestParameters[block.range].contains { $0 != 0 })   // trained away from its start at 0
        let (path, back) = try writtenAndReadBack(cp)
        #expect(back.shape == cp.shape)
        let r = try HDF5Reader(path: path)
        defer { r.close() }
        #expect(try r.stringAttribute("separable_form", on: "network") == "spline")
        #expect(try r.doubleAttribute("spline_low", on: "network") == -2)
        let spline = try r.readDoubles("network/best_parameters/sep_spline")
        #expect(spline.shape == [3, 16])
        #expect(spline.values[2 * 16 + 9] == cp.state.bestParameters[block.offset + 2 + 9 * 3])   // row-major (i, j)
    }

    /// The time-only term: its attribute and its (p + 1)-vector come back; a network without it
    /// has no such attribute.
    @Test func roundTripWithTimeTerm() throws {
        let yaml = Self.yaml(network: "quadratic: diagonal, time_degree: 3, time_term: polynomial")
        let cp = try trainedCheckpoint(yaml: yaml)
        #expect(cp.shape.timeTerm && cp.shape.timeDegree == 3)
        let block = ParameterLayout(cp.shape).block("c_time")!
        #expect(cp.state.bestParameters[block.range].contains { $0 != 0 })   // trained away from its start at 0
        let (path, back) = try writtenAndReadBack(cp)
        let r = try HDF5Reader(path: path)
        defer { r.close() }
        #expect(try r.stringAttribute("time_term", on: "network") == "polynomial")
        let stored = try r.readDoubles("network/best_parameters/c_time")
        #expect(stored.shape == [4] && stored.values == Array(cp.state.bestParameters[block.range]))
        // A solver resumed from the file evaluates Φ with c(t): zeroing c_time lowers Φ(x, t)
        // by exactly c(t) = Σₖ φₖ(t/T) cₖ (T = 1 here; φ at t = 0.5: 1, 0, −½, 0).
        let problem = try Problem.parse(yaml: yaml, file: "cp-test.yaml")
        let solver = try Solver(problem: problem, threads: 1, resume: back.state)
        var zeroed = back.state.bestParameters
        for i in block.range { zeroed[i] = 0 }
        let pts = try Matrix<Double>(rows: 4, cols: 1, storage: [0.1, -0.2, 0.3, 0.5])
        let with = try solver.potential(parameters: back.state.bestParameters, points: pts)
        let without = try solver.potential(parameters: zeroed, points: pts)
        let c = stored.values
        #expect(abs(with.phi[0] - without.phi[0] - (c[0] - 0.5 * c[2])) <= 1e-12)

        let plain = try trainedCheckpoint(yaml: Self.yaml.replacingOccurrences(
            of: "network: {width: 6, residual_layers: 2}", with: "network: {width: 6, residual_layers: 2, quadratic: full}"))
        let plainPath = tempPath("plain.h5")
        try plain.write(to: plainPath)
        let r2 = try HDF5Reader(path: plainPath)
        defer { r2.close() }
        #expect(!r2.hasAttribute("time_term", on: "network"))
        #expect(!(try Checkpoint.read(from: plainPath)).shape.timeTerm)
    }

    /// A network without the optional parts is written exactly as before they existed (no new
    /// attributes), and such a file reads back as that network.
    @Test func legacyNetworkHasNoNewAttributes() throws {
        let cp = try trainedCheckpoint()
        #expect(cp.shape.isLegacy)
        let path = tempPath("checkpoint.h5")
        try cp.write(to: path)
        do {
            let r = try HDF5Reader(path: path)
            defer { r.close() }
            for name in ["quadratic", "time_degree", "separable_width", "time_scale"] {
                #expect(!r.hasAttribute(name, on: "network"))
            }
        }
        let back = try Checkpoint.read(from: path)
        #expect(back.shape == cp.shape)
        #expect(back.shape == (try NetworkShape(dimension: 3, width: 6, residualLayers: 2)))
    }

    @Test func truncatedFileIsRefused() throws {
        let path = tempPath("checkpoint.h5")
        try trainedCheckpoint().write(to: path)
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        try data.prefix(data.count / 2).write(to: URL(fileURLWithPath: path))
        #expect(throws: CheckpointError.corrupt(file: path, detail: "not an HDF5 file or truncated")) {
            try Checkpoint.read(from: path)
        }
    }

    @Test func otherHDF5FilesAndVersionsAreRefused() throws {
        let other = tempPath("other.h5")
        let w = try HDF5Writer(path: other)
        try w.write([1.0, 2.0], to: "x")
        try w.commit()
        #expect(throws: CheckpointError.notACheckpoint(file: other, found: "<none>")) { try Checkpoint.read(from: other) }

        // A file that a later format version would write.
        let copy = tempPath("future.h5")
        let w2 = try HDF5Writer(path: copy)
        try w2.setAttribute("format", Checkpoint.formatName)
        try w2.setAttribute("format_version", Int64(99))
        try w2.commit()
        #expect(throws: CheckpointError.unsupportedVersion(file: copy, found: 99, supported: 1)) {
            try Checkpoint.read(from: copy)
        }
    }
}
