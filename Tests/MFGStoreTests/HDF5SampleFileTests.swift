import Foundation
import Testing
import MFGStore
import MFGProblem

/// `initial_density: {type: samples, file: x.h5, dataset: /points}`: an HDF5 dataset of shape
/// (N, d), float64 or float32, read as the rows of a .npy file are; its bad input refused in one
/// line naming the problem file and the field, before anything is allocated for the samples.
@Suite("Sample densities from HDF5 datasets")
struct HDF5SampleFileTests {
    static func yaml(_ density: String) -> String {
        """
        name: t
        dimension: 2
        horizon: 1
        kinetic_weight: 1
        initial_density: \(density)
        target_density: {type: gaussian, mean: [0, 0], variance: 1}
        terminal_cost: {type: kl, weight: 1}
        penalties: {hjb: 1, terminal_hjb: 1}
        """
    }

    /// A folder with `good.h5` (/points (3, 2) float64 and /group/single (3, 2) float32), `wide.h5`
    /// (/points (2, 3)), `flat.h5` (/points (6,)), `inf.h5` (an infinite entry at row 2, column 2)
    /// and `labels.h5` (/points (3, 2) of Int64).
    static func folder() throws -> TemporaryDirectory {
        let dir = try TemporaryDirectory()
        func file(_ name: String, _ body: (HDF5Writer) throws -> Void) throws {
            let w = try HDF5Writer(path: dir.path(name))
            try body(w)
            try w.commit()
        }
        try file("good.h5") {
            try $0.write([0.0, 0, 1, 0, 0, 1], shape: [3, 2], to: "/points")
            try $0.write([Float(0), 0, 1, 0, 0, 1], shape: [3, 2], to: "/group/single")
        }
        try file("wide.h5") { try $0.write([0.0, 0, 0, 1, 1, 1], shape: [2, 3], to: "/points") }
        try file("flat.h5") { try $0.write([0.0, 0, 1, 0, 0, 1], shape: [6], to: "/points") }
        try file("inf.h5") { try $0.write([0.0, 0, 1, .infinity, 0, 1], shape: [3, 2], to: "/points") }
        try file("labels.h5") { try $0.write([Int64(0), 0, 1, 0, 0, 1], shape: [3, 2], to: "/points") }
        try "not hdf5".write(toFile: dir.path("text.h5"), atomically: true, encoding: .utf8)
        return dir
    }

    @Test func datasetsAreReadAsRows() throws {
        let dir = try Self.folder()
        for dataset in ["/points", "/group/single"] {
            let p = try Problem.parse(yaml: Self.yaml("{type: samples, file: good.h5, dataset: \(dataset), bandwidth: 0.25}"),
                                      file: dir.path("x.yaml"))
            guard case .samples(let s) = p.initialDensity else { Issue.record("not samples"); continue }
            #expect(s.points == [0, 0, 1, 0, 0, 1] && s.bandwidth == 0.25, "\(dataset)")
        }
    }

    @Test func badInputIsRefusedInOneLine() throws {
        let dir = try Self.folder()
        let cases: [(String, String)] = [
            ("{type: samples, file: good.h5, bandwidth: 0.2}",
             "initial_density.file: good.h5: an HDF5 file needs the dataset to read (dataset: /path/in/file, shape (N, 2))"),
            ("{type: samples, file: good.h5, dataset: /nothing, bandwidth: 0.2}",
             "initial_density.dataset: good.h5: has no dataset '/nothing'"),
            ("{type: samples, file: good.h5, dataset: /group, bandwidth: 0.2}",
             "initial_density.dataset: good.h5: '/group' is not a dataset"),
            ("{type: samples, file: wide.h5, dataset: /points, bandwidth: 0.2}",
             "initial_density.dataset: wide.h5: '/points' has 3 columns but dimension is 2 (allowed: shape (N, 2))"),
            ("{type: samples, file: flat.h5, dataset: /points, bandwidth: 0.2}",
             "initial_density.dataset: flat.h5: '/points' has 1 dimension (allowed: 2, shape (N, 2), one row per sample)"),
            ("{type: samples, file: inf.h5, dataset: /points, bandwidth: 0.2}",
             "initial_density.dataset: inf.h5: '/points' row 2, column 2 is not a finite number"),
            ("{type: samples, file: labels.h5, dataset: /points, bandwidth: 0.2}",
             "initial_density.dataset: labels.h5: '/points' does not hold floating-point numbers (allowed: float32 or float64)"),
            ("{type: samples, file: text.h5, dataset: /points, bandwidth: 0.2}",
             "initial_density.file: text.h5: is not an HDF5 file (it cannot be opened as one)"),
            ("{type: samples, file: missing.h5, dataset: /points, bandwidth: 0.2}",
             "initial_density.file: cannot read missing.h5 (DIR/missing.h5): no such file"),
        ]
        for (density, expected) in cases {
            do {
                _ = try Problem.parse(yaml: Self.yaml(density), file: dir.path("x.yaml"))
                Issue.record("accepted \(density)")
            } catch {
                let text = error.description.replacingOccurrences(of: dir.url.path, with: "DIR")
                #expect(text == "DIR/x.yaml: " + expected, "\(density)")
            }
        }
    }
}
