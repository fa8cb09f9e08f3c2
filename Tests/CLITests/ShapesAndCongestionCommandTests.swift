import Foundation
import Testing

/// The classes of issue 15 from the command line: a problem with capsule walls and a congestion
/// goes through `mfg reference` (the grid charges both) with the congestion in its report; a bad
/// shape is one line on standard error, exit 2, nothing written.
@Suite("mfg reference with obstacle shapes and congestion")
struct ShapesAndCongestionCommandTests {
    static let problem = """
        name: cli-shapes
        dimension: 2
        horizon: 1
        kinetic_weight: 1
        initial_density: {type: gaussian, mean: [0, 2], variance: 0.3}
        target_density: {type: gaussian, mean: [0, -2], variance: 0.3}
        running_cost:
          obstacle:
            - {shape: capsule, weight: 1, amplitude: 10, softness: 0.3, coordinates: [1, 2], from: [-5, 0], to: [-1, 0], radius: 0.3}
            - {shape: box, weight: 1, amplitude: 10, softness: 0.3, coordinates: [1, 2], lower: [1, -0.3], upper: [5, 0.3]}
          entropy: {weight: 0.05}
          congestion: {weight: 1, exponent: 2}
        terminal_cost: {type: kl, weight: 2}
        penalties: {hjb: 1, terminal_hjb: 1}

        """

    @Test func referenceChargesShapesAndCongestion() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("shapes.yaml")
        try Self.problem.write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("ref")
        let r = try CLI.run(["reference", file.path, "--grid", "16x16x8", "--domain=-4:4,-4:4", "--tolerance", "1e-3",
                             "--coarse-levels", "0", "--threads", "1", "--out", out.path])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("congestion "), "\(r.stdout)")
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("reference.h5").path))

        let bad = dir.appendingPathComponent("bad.yaml")
        try Self.problem.replacingOccurrences(of: "lower: [1, -0.3], upper: [5, 0.3]", with: "lower: [1, 0.3], upper: [5, 0.3]")
            .write(to: bad, atomically: true, encoding: .utf8)
        let never = dir.appendingPathComponent("never")
        let b = try CLI.run(["reference", bad.path, "--out", never.path])
        #expect(b.status == 2)
        #expect(b.stderr == "mfg: \(bad.path): running_cost.obstacle[2].upper: 0.3 is out of range "
                + "(allowed: above lower (0.3) in every coordinate)\n", "\(b.stderr)")
        #expect(!FileManager.default.fileExists(atPath: never.path))
    }
}
