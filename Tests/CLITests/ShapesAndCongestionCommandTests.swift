import Foundation
import Testing

/// The classes of issue 15 from the command line: a problem with capsule walls and a congestion
/// goes through `mfg reference` (the grid charges both) with the congestion in its report; a bad
/// shape is one line on standard error, exit 2, nothing written. The congestion of a marginal:
/// solved, referenced by blocks (its block charges it as a local congestion), refused by the grid
/// where its marginal is not a block, and its bad input one line, exit 2, nothing written.
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

    /// A trained run with shaped obstacles: `mfg plot` draws them (legend "shaped obstacles") and
    /// counts the paths that enter one; `mfg evaluate` reports the same count.
    @Test func plotAndEvaluateShowTheShapes() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("shapes.yaml")
        let tiny = Self.problem.replacingOccurrences(of: "  congestion: {weight: 1, exponent: 2}\n", with: "") + """
            network: {width: 4, residual_layers: 1}
            integrator: {scheme: rk4, steps: 2}
            training: {optimizer: adam, iterations: 2, batch_size: 64, validation_size: 64, seed: 5, log_every: 1, checkpoint_every: 2}

            """
        try tiny.write(to: file, atomically: true, encoding: .utf8)
        let run = dir.appendingPathComponent("run")
        let solve = try CLI.run(["solve", file.path, "--out", run.path, "--threads", "1"])
        #expect(solve.status == 0, "\(solve.stderr)")
        let checkpoint = run.appendingPathComponent("checkpoint.h5").path
        let svgFile = dir.appendingPathComponent("paths.svg").path
        let plot = try CLI.run(["plot", checkpoint, "--out", svgFile, "--threads", "1"])
        #expect(plot.status == 0, "\(plot.stderr)")
        #expect(plot.stdout.contains("% of 256 paths enter a shaped obstacle"), "\(plot.stdout)")
        let svg = try String(contentsOfFile: svgFile, encoding: .utf8)
        #expect(svg.contains("shaped obstacles"))
        let evaluate = try CLI.run(["evaluate", checkpoint, "--samples", "64", "--threads", "1"])
        #expect(evaluate.status == 0, "\(evaluate.stderr)")
        #expect(evaluate.stdout.contains("paths entering a shaped obstacle (signed distance < 0): "), "\(evaluate.stdout)")
    }

    static let marginal = """
        name: cli-marginal-congestion
        dimension: 3
        horizon: 1
        kinetic_weight: 1
        initial_density: {type: gaussian, mean: [0, 2, 0], variance: 0.3}
        target_density: {type: gaussian, mean: [0, -2, 0], variance: 0.3}
        running_cost:
          entropy: {weight: 0.05}
          congestion: {weight: 2, exponent: 2, coordinates: [1, 2], bandwidth: 0.3}
        terminal_cost: {type: kl, weight: 2}
        penalties: {hjb: 1, terminal_hjb: 1}
        network: {width: 4, residual_layers: 1}
        integrator: {scheme: rk4, steps: 2}
        training: {optimizer: adam, iterations: 2, batch_size: 64, validation_size: 64, seed: 5, log_every: 1, checkpoint_every: 2}

        """

    @Test func marginalCongestionSolvesAndReferencesByBlocks() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("marginal.yaml")
        try Self.marginal.write(to: file, atomically: true, encoding: .utf8)
        let run = dir.appendingPathComponent("run")
        let solve = try CLI.run(["solve", file.path, "--out", run.path, "--threads", "1"])
        #expect(solve.status == 0, "\(solve.stderr)")
        #expect(solve.stdout.contains("congestion "), "\(solve.stdout)")

        let ref = dir.appendingPathComponent("ref")
        let r = try CLI.run(["reference", file.path, "--grid", "16x16x8", "--grid", "32x8", "--tolerance", "1e-3",
                             "--threads", "1", "--out", ref.path])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("congestion "), "\(r.stdout)")

        // On x1 alone in d = 2 the marginal is not a block of its own: the grid refuses it by name.
        let one = dir.appendingPathComponent("one.yaml")
        try Self.marginal.replacingOccurrences(of: "dimension: 3", with: "dimension: 2")
            .replacingOccurrences(of: "[0, 2, 0]", with: "[0, 2]").replacingOccurrences(of: "[0, -2, 0]", with: "[0, -2]")
            .replacingOccurrences(of: "coordinates: [1, 2]", with: "coordinates: [1]")
            .write(to: one, atomically: true, encoding: .utf8)
        let never = dir.appendingPathComponent("never")
        let o = try CLI.run(["reference", one.path, "--grid", "16x16x8", "--domain=-4:4,-4:4", "--out", never.path])
        #expect(o.status != 0)
        #expect(o.stderr.contains("running_cost: ") && o.stderr.contains("the congestion of the marginal of coordinates 1 has no grid form"), "\(o.stderr)")
        #expect(!FileManager.default.fileExists(atPath: never.path))

        let bad = dir.appendingPathComponent("bad.yaml")
        try Self.marginal.replacingOccurrences(of: ", bandwidth: 0.3}", with: "}").write(to: bad, atomically: true, encoding: .utf8)
        let b = try CLI.run(["solve", bad.path, "--out", never.path])
        #expect(b.status == 2)
        #expect(b.stderr.hasPrefix("mfg: \(bad.path): running_cost.congestion.coordinates: ") && b.stderr.contains("bandwidth")
                && b.stderr.filter { $0 == "\n" }.count == 1, "\(b.stderr)")
        #expect(!FileManager.default.fileExists(atPath: never.path))
    }
}
