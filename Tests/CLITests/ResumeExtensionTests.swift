import Foundation
import Testing
import MFGStore

/// `mfg solve --resume` with a larger `training.iterations`: the continued run equals an
/// uninterrupted run of the new length bit for bit, or is refused with one line saying why.
@Suite("Resuming to more training iterations")
struct ResumeExtensionTests {
    /// 4 iterations resumed to 6 (by --set and by an edited file) equal an uninterrupted 6.
    @Test func fourResumedToSixEqualsSix() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let four = dir.appendingPathComponent("four.yaml"), six = dir.appendingPathComponent("six.yaml")
        try CLI.tinyProblem(closedForm: false, iterations: 4).write(to: four, atomically: true, encoding: .utf8)
        try CLI.tinyProblem(closedForm: false, iterations: 6).write(to: six, atomically: true, encoding: .utf8)
        func solve(_ file: URL, _ out: String, _ extra: [String] = []) throws -> Checkpoint {
            let r = try CLI.run(["solve", file.path, "--out", dir.appendingPathComponent(out).path, "--threads", "1",
                                 "--paths", "0"] + extra)
            #expect(r.status == 0, "\(r.stderr)")
            return try Checkpoint.read(from: dir.appendingPathComponent(out).appendingPathComponent("checkpoint.h5").path)
        }
        let whole = try solve(six, "whole")
        _ = try solve(four, "bySet")
        _ = try solve(four, "byFile")
        let bySet = try solve(four, "bySet", ["--set", "training.iterations=6",
                                              "--resume", dir.appendingPathComponent("bySet/checkpoint.h5").path])
        let byFile = try solve(six, "byFile", ["--resume", dir.appendingPathComponent("byFile/checkpoint.h5").path])
        for continued in [bySet, byFile] {
            #expect(continued.state.iteration == 6 && continued.totalIterations == 6)
            #expect(continued.state.parameters == whole.state.parameters)
            #expect(continued.state.bestParameters == whole.state.bestParameters)
            #expect(continued.state.bestIteration == whole.state.bestIteration)
            #expect(continued.state.optimizer == whole.state.optimizer)
        }
        #expect(bySet.problemSource.hasPrefix("# \(four.path) with --set training.iterations=6\n"))
        #expect(byFile.problemSource == CLI.tinyProblem(closedForm: false, iterations: 6))
    }

    /// The last iteration of a finished run is validated as such; a longer run that would not
    /// validate it is refused, as are fewer iterations and another change with them.
    @Test func refusedWhenThePastDependsOnTheTotal() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.yaml")
        try CLI.tinyProblem(closedForm: false, iterations: 4).replacingOccurrences(of: "log_every: 2", with: "log_every: 3")
            .write(to: file, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("run").path
        let first = try CLI.run(["solve", file.path, "--out", out, "--threads", "1", "--paths", "0"])
        #expect(first.status == 0, "\(first.stderr)")
        let checkpoint = out + "/checkpoint.h5"
        let cases: [([String], String)] = [
            (["--set", "training.iterations=6"],
             "\(checkpoint): cannot continue the run of 4 training iterations to 6: iteration 4 was validated as the last "
                + "of the checkpoint's run (it may have become the best iterate), and a run of 6 does not validate it "
                + "(training.log_every 3)"),
            (["--set", "training.iterations=3"],
             "\(checkpoint): cannot continue the run of 4 training iterations to 3: training.iterations can only grow "
                + "(the checkpoint's run has 4)"),
            (["--set", "training.iterations=6", "--set", "training.batch_size=32"], "different problem file"),
        ]
        for (settings, expected) in cases {
            let r = try CLI.run(["solve", file.path, "--out", out, "--resume", checkpoint] + settings)
            #expect(r.status == 2, "\(settings)")
            #expect(r.stderr.contains(expected) && r.stderr.split(separator: "\n").count == 1, "\(r.stderr)")
        }
    }
}
