import Foundation
import Testing
import MFGStore

@Suite("mfg solve, evaluate, validate: what a user sees")
struct SolveCommandTests {
    /// A wrong problem file: exit 2, one line naming the file and the field, nothing written.
    @Test func badProblemFileIsOneLineAndWritesNothing() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("bad.yaml")
        try CLI.tinyProblem(closedForm: false).replacingOccurrences(of: "optimizer: adam", with: "optimizer: sgd")
            .write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let r = try CLI.run(["solve", file.path, "--out", out.path])
        #expect(r.status == 2)
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(r.stderr.contains("bad.yaml") && r.stderr.contains("training.optimizer") && r.stderr.contains("adam, lbfgs"),
                "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
    }

    /// A sample density's data file is read again by every command that rebuilds the problem from
    /// a checkpoint: evaluate works beside it, and once the file is gone it stops with exit 2 and
    /// one line naming the file.
    @Test func sampleDensityCheckpointNeedsItsDataFile() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = (0..<40).map { k in "\(Double(k % 8) * 0.25 - 1), \(Double(k / 8) * 0.3)" }.joined(separator: "\n")
        try rows.write(to: dir.appendingPathComponent("crowd.csv"), atomically: true, encoding: .utf8)
        let file = dir.appendingPathComponent("samples.yaml")
        try CLI.tinyProblem(closedForm: false)
            .replacingOccurrences(of: "initial_density: {type: gaussian, mean: [-1, 0], variance: 0.3}",
                                  with: "initial_density: {type: samples, file: crowd.csv, bandwidth: 0.3}")
            .write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let solve = try CLI.run(["solve", file.path, "--out", out.path, "--threads", "1"])
        #expect(solve.status == 0, "\(solve.stderr)")
        let checkpoint = out.appendingPathComponent("checkpoint.h5").path
        let eval = try CLI.run(["evaluate", checkpoint, "--samples", "64"])
        #expect(eval.status == 0 && eval.stdout.contains("NLL of ρ₀'s samples"), "\(eval.stderr)")
        // Solved with a relative path from the problem's folder, the run still reads its data
        // file from any other folder: the checkpoint stores the problem file's absolute path.
        let relative = try CLI.run(["solve", "samples.yaml", "--out", "rel", "--threads", "1", "--paths", "0"], in: dir)
        #expect(relative.status == 0, "\(relative.stderr)")
        let relativeCheckpoint = dir.appendingPathComponent("rel/checkpoint.h5").path
        #expect(try Checkpoint.read(from: relativeCheckpoint).problemFile == file.standardizedFileURL.path)
        let elsewhere = try CLI.run(["evaluate", relativeCheckpoint, "--samples", "64"], in: URL(fileURLWithPath: "/"))
        #expect(elsewhere.status == 0 && elsewhere.stdout.contains("NLL of ρ₀'s samples"), "\(elsewhere.stderr)")
        try FileManager.default.removeItem(at: dir.appendingPathComponent("crowd.csv"))
        let gone = try CLI.run(["evaluate", checkpoint, "--samples", "64"])
        #expect(gone.status == 2)
        #expect(gone.stderr.split(separator: "\n").count == 1 && gone.stderr.contains("initial_density.file: cannot read crowd.csv"),
                "\(gone.stderr)")
    }

    /// Solve writes a checkpoint and prints the summary; evaluate recomputes the terms;
    /// resume continues to a longer schedule; a checkpoint of another problem is refused.
    @Test func solveEvaluateResume() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.yaml")
        try CLI.tinyProblem(closedForm: true).write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let solve = try CLI.run(["solve", file.path, "--out", out.path, "--threads", "1", "--paths", "8"])
        #expect(solve.status == 0, "\(solve.stderr)")
        #expect(solve.stdout.contains("summary (best iterate"))
        #expect(solve.stdout.contains("HJB residual"))
        #expect(solve.stdout.contains("time-step check: J = L + F + G is"), "\(solve.stdout)")
        let checkpoint = out.appendingPathComponent("checkpoint.h5").path
        #expect(FileManager.default.fileExists(atPath: checkpoint))

        let eval = try CLI.run(["evaluate", checkpoint, "--samples", "64", "--export-paths", "2"])
        #expect(eval.status == 0, "\(eval.stderr)")
        #expect(eval.stdout.contains("agent,step,t,x1,x2,ell"))
        #expect(eval.stdout.contains("standard errors (Monte Carlo): L"), "\(eval.stdout)")
        #expect(eval.stdout.contains("NLL of ρ₀'s samples under the flow, −log ρ₁(z_T) − ℓ_T: "), "\(eval.stdout)")
        // Re-integration on a finer time grid is announced; an out-of-range step count is a bad
        // flag (exit 2, one message naming it, as for every flag).
        let fine = try CLI.run(["evaluate", checkpoint, "--samples", "64", "--steps", "8"])
        #expect(fine.status == 0 && fine.stdout.contains("integrated with 8 rk4 steps (the run used 2)"), "\(fine.stdout)")
        let zero = try CLI.run(["evaluate", checkpoint, "--steps", "0"])
        #expect(zero.status == 2 && zero.stderr.contains("--steps must be in 1…4096"), "\(zero.status) \(zero.stderr)")
        let unknown = try CLI.run(["evaluate", checkpoint, "--stepz", "8"])
        #expect(unknown.status == 2, "\(unknown.status) \(unknown.stderr)")
        // Points and paths are two tables with different columns: not both into one file.
        let pointsFile = dir.appendingPathComponent("points.csv")
        try "x1,x2,t\n0,0,0.5\n".write(to: pointsFile, atomically: true, encoding: .utf8)
        let both = try CLI.run(["evaluate", checkpoint, "--points", pointsFile.path, "--export-paths", "2",
                                "--output", dir.appendingPathComponent("both.csv").path])
        #expect(both.status == 2 && both.stderr.contains("--points and --export-paths write tables with different columns"),
                "\(both.status) \(both.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("both.csv").path))

        // Resume with another batch size is a different problem text: refused.
        let longer = dir.appendingPathComponent("longer.yaml")
        try CLI.tinyProblem(closedForm: true).replacingOccurrences(of: "batch_size: 64", with: "batch_size: 32")
            .write(to: longer, atomically: true, encoding: .utf8)
        let refused = try CLI.run(["solve", longer.path, "--out", out.path, "--resume", checkpoint])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("different problem file"), "\(refused.stderr)")
        // Resuming the finished run with its own file does nothing more and succeeds.
        let again = try CLI.run(["solve", file.path, "--out", out.path, "--resume", checkpoint, "--threads", "1"])
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("resuming from"))
    }

    /// validate: a tolerance miss exits 4; a problem without a closed form exits 5; a problem
    /// file changed since the run exits 6; a truncated checkpoint is a clear error.
    @Test func validateExitCodes() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let withForm = dir.appendingPathComponent("gauss.yaml")
        try CLI.tinyProblem(closedForm: true).write(to: withForm, atomically: true, encoding: .utf8)
        let run1 = dir.appendingPathComponent("a")
        #expect(try CLI.run(["solve", withForm.path, "--out", run1.path, "--threads", "1", "--paths", "0"]).status == 0)
        let cp1 = run1.appendingPathComponent("checkpoint.h5").path
        let v = try CLI.run(["validate", cp1, "--samples", "256"])
        #expect(v.status == 4, "4 iterations cannot reach 1%: \(v.stdout) \(v.stderr)")
        #expect(v.stdout.contains("L (kinetic)") && v.stdout.contains("FAIL"))
        #expect(v.stdout.contains("plain MC") && v.stdout.contains("paired estimates"), "\(v.stdout)")

        let one = try CLI.run(["validate", cp1, "--samples", "1"])
        #expect(one.status == 2 && one.stderr.contains("--samples must be in 2…10000000"), "\(one.stderr)")

        let loose = try CLI.run(["validate", cp1, "--samples", "256", "--cost-tolerance", "1000", "--gradient-tolerance", "1000",
                                 "--std-tolerance", "1000"])
        #expect(loose.status == 0, "\(loose.stdout) \(loose.stderr)")
        // The terminal spread alone can fail the check (4 iterations leave it near √0.3 against
        // s* = 0.927); its row names the worst coordinates.
        let spread = try CLI.run(["validate", cp1, "--samples", "256", "--cost-tolerance", "1000", "--gradient-tolerance", "1000"])
        #expect(spread.status == 4 && spread.stdout.contains("FAIL: terminal std error"), "\(spread.stdout)")
        #expect(spread.stdout.contains("terminal std, max err") && spread.stdout.contains("per coordinate")
                && spread.stdout.contains("worst: x"), "\(spread.stdout)")
        let zero = try CLI.run(["validate", cp1, "--std-tolerance", "0"])
        #expect(zero.status == 2 && zero.stderr.contains("tolerances must be positive"), "\(zero.stderr)")

        // A comment is not a change of the game: a note, and the validation runs (exit 4 as above).
        try (CLI.tinyProblem(closedForm: true) + "# edited\n").write(to: withForm, atomically: true, encoding: .utf8)
        let comment = try CLI.run(["validate", cp1, "--samples", "256"])
        #expect(comment.status == 4 && comment.stdout.contains("changed since the run, but not the game"), "\(comment.stdout)")
        // Another target is: exit 6, naming the field.
        try CLI.tinyProblem(closedForm: true).replacingOccurrences(of: "variance: 1}", with: "variance: 2}")
            .write(to: withForm, atomically: true, encoding: .utf8)
        let changed = try CLI.run(["validate", cp1])
        #expect(changed.status == 6)
        #expect(changed.stderr.contains("has changed since the run") && changed.stderr.contains("target_density"),
                "\(changed.stderr)")
        // A file that cannot be read from here (moved away): a note, not silence.
        try FileManager.default.removeItem(at: withForm)
        let moved = try CLI.run(["validate", cp1, "--samples", "256"])
        #expect(moved.status == 4 && moved.stdout.contains("cannot read"), "\(moved.stdout)")
        try CLI.tinyProblem(closedForm: true).write(to: withForm, atomically: true, encoding: .utf8)

        let without = dir.appendingPathComponent("plain.yaml")
        try CLI.tinyProblem(closedForm: false).write(to: without, atomically: true, encoding: .utf8)
        let run2 = dir.appendingPathComponent("b")
        #expect(try CLI.run(["solve", without.path, "--out", run2.path, "--threads", "1", "--paths", "0"]).status == 0)
        let none = try CLI.run(["validate", run2.appendingPathComponent("checkpoint.h5").path])
        #expect(none.status == 5)
        #expect(none.stderr.contains("declares no closed form"), "\(none.stderr)")

        let truncated = dir.appendingPathComponent("truncated.h5")
        let data = try Data(contentsOf: URL(fileURLWithPath: cp1))
        try data.prefix(1000).write(to: truncated)
        let bad = try CLI.run(["validate", truncated.path])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("not an HDF5 file or truncated"), "\(bad.stderr)")
    }

    /// validate on a rotated problem (ρ₀ and ρ₁ share `rotation: {seed: 3}`): the spread is checked
    /// per principal direction, named v1, v2, …
    @Test func validateRotatedProblem() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("rotated.yaml")
        try CLI.tinyProblem(closedForm: true)
            .replacingOccurrences(of: "{type: gaussian, mean: [-1, 0], variance: 0.3}",
                                  with: "{type: gaussian, mean: [-1, 0], variance: [0.3, 0.6], rotation: {seed: 3}}")
            .replacingOccurrences(of: "{type: gaussian, mean: [1, 0], variance: 1}",
                                  with: "{type: gaussian, mean: [1, 0], variance: [1, 0.5], rotation: {seed: 3}}")
            .write(to: file, atomically: true, encoding: .utf8)
        let run = dir.appendingPathComponent("r")
        let solve = try CLI.run(["solve", file.path, "--out", run.path, "--threads", "1", "--paths", "0"])
        #expect(solve.status == 0, "\(solve.stderr)")
        let v = try CLI.run(["validate", run.appendingPathComponent("checkpoint.h5").path, "--samples", "256"])
        #expect(v.status == 4, "\(v.stdout) \(v.stderr)")
        #expect(v.stdout.contains("per principal direction") && v.stdout.contains("worst: v"), "\(v.stdout)")
    }
}
