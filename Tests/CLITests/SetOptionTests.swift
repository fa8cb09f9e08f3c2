import Foundation
import Testing
import MFGStore

/// `mfg solve --set` and `mfg reference --set`: the effective problem is what runs and what is
/// stored; a bad setting is one line, exit 2, nothing written.
@Suite("--set key.path=value on solve and reference")
struct SetOptionTests {
    /// The run uses the settings, the checkpoint stores the effective text (with its comment
    /// line), resume needs the same settings, and evaluate reads the stored problem.
    @Test func solveUsesAndStoresTheEffectiveProblem() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.yaml")
        try CLI.tinyProblem(closedForm: false).write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let sets = ["--set", "training.iterations=2", "--set", "network.width=4", "--set", "running_cost.entropy.weight=0.02"]
        let r = try CLI.run(["solve", file.path, "--out", out.path, "--threads", "1", "--paths", "0"] + sets)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("2 iterations"), "\(r.stdout)")
        #expect(r.stdout.contains("(entropy"), "\(r.stdout)")
        let checkpoint = out.appendingPathComponent("checkpoint.h5").path
        let cp = try Checkpoint.read(from: checkpoint)
        #expect(cp.problemSource.hasPrefix("# \(file.path) with --set training.iterations=2 --set network.width=4 "
                                           + "--set running_cost.entropy.weight=0.02\n"), "\(cp.problemSource)")
        #expect(cp.problemSource.contains("weight: 0.02"), "\(cp.problemSource)")
        #expect(cp.totalIterations == 2)
        #expect(cp.problemFile == file.path)

        let eval = try CLI.run(["evaluate", checkpoint, "--samples", "64"])
        #expect(eval.status == 0, "\(eval.stderr)")
        // The same settings resume; the file alone is another problem.
        let again = try CLI.run(["solve", file.path, "--out", out.path, "--resume", checkpoint, "--threads", "1",
                                 "--paths", "0"] + sets)
        #expect(again.status == 0 && again.stdout.contains("resuming from"), "\(again.stderr)")
        let plain = try CLI.run(["solve", file.path, "--out", out.path, "--resume", checkpoint])
        #expect(plain.status == 2 && plain.stderr.contains("the same --set settings"), "\(plain.stderr)")
    }

    /// Malformed settings and refused values: exit 2, the exact one-line message, nothing written.
    @Test func badSettingsAreOneLineAndWriteNothing() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.yaml")
        try CLI.tinyProblem(closedForm: false).write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let cases: [(String, String)] = [
            ("training.iterations.x=3", "--set training.iterations.x=3: training.iterations is a number, not a mapping"),
            ("training.iterations", "--set training.iterations: expected key.path=value"),
            ("=3", "--set =3: the key path before '=' is empty"),
            ("initial_density.mean.x=1", "--set initial_density.mean.x=1: initial_density.mean is a list, not a mapping"),
            ("training.iterations=-1", "\(file.path): training.iterations: -1 is out of range (allowed: 0...10000000)"),
            ("initial_density.mean=[1, 2, 3]", "\(file.path): initial_density.mean: has 3 entries but dimension is 2"),
        ]
        for command in ["solve", "reference"] {
            for (setting, expected) in cases {
                let r = try CLI.run([command, file.path, "--out", out.path, "--set", "network.width=4", "--set", setting])
                #expect(r.status == 2, "\(command) --set \(setting): \(r.status)")
                #expect(r.stderr == "mfg: " + expected + "\n", "\(command) --set \(setting): \(r.stderr)")
                #expect(!FileManager.default.fileExists(atPath: out.path))
            }
        }
    }

    /// reference: a section given by --set is used, and the result stores the effective text.
    @Test func referenceUsesTheEffectiveProblem() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.yaml")
        try CLI.tinyProblem(closedForm: false).write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["reference", file.path, "--max-iterations", "5", "--out", dir.path,
                             "--set", "reference={domain: [[-4, 5], [-4, 4]], grid: {nx: 16, ny: 16, nt: 8}}"])
        #expect(r.status == 7, "\(r.stderr)")
        let result = try ReferenceResult.read(from: dir.appendingPathComponent("reference.h5").path)
        #expect(result.problemSource.hasPrefix("# \(file.path) with --set reference={domain:"), "\(result.problemSource)")
        #expect(result.problemSource.contains("nx: 16"), "\(result.problemSource)")
    }

    /// validate: a run whose --set changed the game validates the stored problem (with a note),
    /// not "the file has changed since the run" (exit 6).
    @Test func validateUsesTheStoredEffectiveProblem() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.yaml")
        try CLI.tinyProblem(closedForm: true).write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run")
        let r = try CLI.run(["solve", file.path, "--out", out.path, "--threads", "1", "--paths", "0",
                             "--set", "training.iterations=2", "--set", "terminal_cost.weight=4"])
        #expect(r.status == 0, "\(r.stderr)")
        let v = try CLI.run(["validate", out.appendingPathComponent("checkpoint.h5").path, "--samples", "64"])
        #expect(v.status != 6, "\(v.stderr)")
        #expect(v.stdout.contains("note: the run applied --set settings to \(file.path) (\(file.path) with --set "
                                  + "training.iterations=2 --set terminal_cost.weight=4)"), "\(v.stdout)")
    }
}
