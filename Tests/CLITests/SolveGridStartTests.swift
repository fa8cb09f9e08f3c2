import Foundation
import Testing

@Suite("mfg solve with training.start: grid")
struct SolveGridStartTests {
    static func problem(start: String, reference: String = "{domain: [[-5, 5], [-5, 5]], grid: {nx: 32, ny: 32, nt: 16}}") -> String {
        CLI.tinyProblem(closedForm: true, iterations: 2)
            .replacingOccurrences(of: "seed: 5,", with: "seed: 5, start: \(start),")
            + "reference: \(reference)\n"
    }

    /// Writes the tiny problem with `start` into `dir` and solves it into `dir`/run (1 thread).
    static func solve(start: String, in dir: URL) throws -> (run: CLIRun, file: URL, out: URL) {
        let file = dir.appendingPathComponent("g.yaml")
        try problem(start: start).write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        return (try CLI.run(["solve", file.path, "--out", out.path, "--threads", "1", "--paths", "0"]), file, out)
    }

    /// The grid solve and the fit are reported before training (that training starts from the
    /// fit is GridStartTests' and the Trainer's business); a resume does not redo the start.
    @Test func startIsReportedAndUsed() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (solve, file, out) = try Self.solve(
            start: "{from: grid, grid: {nx: 16, ny: 16, nt: 8}, tolerance: 1e-3, fit_iterations: 100, fit_points: 512}", in: dir)
        #expect(solve.status == 0, "\(solve.stderr)")
        #expect(solve.stdout.contains("start: solving on grids first (training.start: grid, tolerance 0.001): 16×16×8"), "\(solve.stdout)")
        #expect(solve.stdout.contains("fitted Φ to 512 points in 100 L-BFGS iterations"), "\(solve.stdout)")
        #expect(solve.stdout.contains("∇Φ misfit") && solve.stdout.contains("ΔΦ misfit"))
        #expect(!solve.stdout.contains("; terms ∇Φ"), "\(solve.stdout)")
        let checkpoint = out.appendingPathComponent("checkpoint.h5").path
        let again = try CLI.run(["solve", file.path, "--out", out.path, "--resume", checkpoint, "--threads", "1", "--paths", "0"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(!again.stdout.contains("start: solving on grids first"), "\(again.stdout)")
    }

    /// With a Laplacian weight the fit's line also gives the loss's three terms and β; with
    /// restarts, every draw's final loss and score, and which draw was kept.
    @Test func laplacianWeightAndRestartsAreReported() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let solve = try Self.solve(
            start: "{from: grid, grid: {nx: 16, ny: 16, nt: 8}, tolerance: 1e-3, fit_iterations: 20, fit_points: 256, "
                + "fit_laplacian_weight: 0.5, fit_restarts: 2}",
            in: dir).run
        #expect(solve.status == 0, "\(solve.stderr)")
        #expect(solve.stdout.contains("ΔΦ misfit") && solve.stdout.contains("; terms ∇Φ") && solve.stdout.contains("(β 0.5)"),
                "\(solve.stdout)")
        #expect(solve.stdout.contains("; final losses of the 2 draws ") && solve.stdout.contains(" of 2 (fit_restarts), by the training objective"),
                "\(solve.stdout)")
    }

    /// A start whose grids cannot be set up is refused before anything is written.
    @Test func badStartWritesNothing() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("narrow.yaml")
        try Self.problem(start: "grid", reference: "{domain: [[-2, 2], [-5, 5]], grid: {nx: 32, ny: 32, nt: 16}}")
            .write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let r = try CLI.run(["solve", file.path, "--out", out.path, "--threads", "1"])
        #expect(r.status == 2, "\(r.status) \(r.stdout) \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("narrow.yaml") && r.stderr.contains("training.start"),
                "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// `block_iterations`: each block's training alone is reported (iterations, J of one copy and
    /// the objective before → after), then the whole network's objective after the copy; without
    /// `fit_by: block` the setting is refused in one line, exit 2, nothing written.
    @Test func blockTrainingIsReported() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func problem(_ start: String) -> String {
            """
            name: b3
            dimension: 3
            horizon: 1
            kinetic_weight: 1
            initial_density: {type: gaussian, mean: [-1, 0, 0], variance: 0.3}
            target_density: {type: gaussian, mean: [1, 0, 0], variance: 0.5}
            terminal_cost: {type: kl, weight: 5}
            penalties: {hjb: 1, terminal_hjb: 1}
            network: {width: 8, residual_layers: 1, quadratic: diagonal, separable_width: 2}
            training: {optimizer: lbfgs, iterations: 2, batch_size: 128, validation_size: 128, seed: 2, start: \(start)}

            """
        }
        let file = dir.appendingPathComponent("b3.yaml")
        try problem("{from: grid, tolerance: 1e-3, fit_iterations: 20, fit_points: 256, fit_by: block, block_iterations: 3}")
            .write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let r = try CLI.run(["solve", file.path, "--out", out.path, "--threads", "1", "--paths", "0"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("block x1 trained alone (block_iterations) 3 iterations, best ")
                && r.stdout.contains("block x2 … x3 trained alone (block_iterations) 3 iterations"), "\(r.stdout)")
        #expect(r.stdout.contains("J of one copy ") && r.stdout.contains("the trained blocks copied: training objective "),
                "\(r.stdout)")
        let bad = dir.appendingPathComponent("joint.yaml")
        try problem("{from: grid, block_iterations: 3}").write(to: bad, atomically: true, encoding: .utf8)
        let badOut = dir.appendingPathComponent("badrun")
        let refused = try CLI.run(["solve", bad.path, "--out", badOut.path, "--threads", "1"])
        #expect(refused.status == 2, "\(refused.status) \(refused.stdout) \(refused.stderr)")
        #expect(refused.stderr.split(separator: "\n").count == 1
                && refused.stderr.contains("joint.yaml: training.start.block_iterations: a block is trained alone only when the fit goes by blocks"),
                "\(refused.stderr)")
        #expect(!FileManager.default.fileExists(atPath: badOut.path))
    }

    /// `fit_by: block` on a problem solved as one 2-D grid: one line, exit 2, nothing written.
    @Test func fitByBlockNeedsOneCoordinateBlocks() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (r, _, out) = try Self.solve(start: "{from: grid, fit_by: block}", in: dir)
        #expect(r.status == 2, "\(r.status) \(r.stdout) \(r.stderr)")
        #expect(r.stderr.split(separator: "\n").count == 1 && r.stderr.contains("g.yaml: training.start.fit_by: block needs one-coordinate blocks"),
                "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }
}
