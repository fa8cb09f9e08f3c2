import Foundation
import Testing
import MFGNeural
import MFGStore

/// `mfg solve`'s output folder: an existing checkpoint is refused unless the run continues it or
/// `--force` is given; `metrics.csv` and `summary.json` beside the checkpoint hold what it holds.
@Suite("mfg solve: the run folder")
struct RunFolderTests {
    /// The one line a refusal prints.
    static func line(_ r: CLIRun) -> String { r.stderr.hasSuffix("\n") ? String(r.stderr.dropLast()) : r.stderr }

    /// The tiny problem with an obstacle and entropy (two running terms) and a KL terminal cost.
    static func problem(iterations: Int = 4, logEvery: Int = 2, checkpointEvery: Int = 2) -> String {
        CLI.tinyProblem(closedForm: false, iterations: iterations)
            .replacingOccurrences(of: "log_every: 2, checkpoint_every: 2",
                                  with: "log_every: \(logEvery), checkpoint_every: \(checkpointEvery)")
            + """
            running_cost:
              obstacle: {weight: 1, amplitude: 5, coordinates: [1, 2], center: [0, 0], variance: [1, 0.5]}
              entropy: {weight: 0.01}

            """
    }

    static func write(_ text: String, _ url: URL) throws { try text.write(to: url, atomically: true, encoding: .utf8) }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }

    /// A second solve into a folder holding a checkpoint is refused at once (exit 2, one line
    /// naming the file and both ways on, nothing printed or changed); `--resume` of that checkpoint,
    /// however spelt, continues it; `--resume` of another checkpoint is refused too; `--force`
    /// starts afresh and says what it removed.
    @Test func existingCheckpointIsRefusedUnlessContinuedOrForced() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("p.yaml")
        try Self.write(Self.problem(), file)
        let run = dir.appendingPathComponent("run")
        let folder = RunFolder(run.path)
        let first = try CLI.run(["solve", file.path, "--out", run.path, "--threads", "1", "--paths", "0"])
        #expect(first.status == 0, "\(first.stderr)")
        let files = [folder.checkpoint, folder.metrics, folder.summary]
        let before = try files.map(Self.bytes)

        let again = try CLI.run(["solve", file.path, "--out", run.path, "--threads", "1"])
        #expect(again.status == 2)
        #expect(Self.line(again) == "mfg: \(folder.checkpoint) already exists; pass --force to overwrite it or "
                + "--resume \(folder.checkpoint) to continue it", "\(again.stderr)")
        #expect(again.stdout.isEmpty, "refused before any work: \(again.stdout)")
        #expect(try files.map(Self.bytes) == before)

        // Another checkpoint (a copy elsewhere) into this folder is another run's too.
        let copy = dir.appendingPathComponent("copy.h5").path
        try FileManager.default.copyItem(atPath: folder.checkpoint, toPath: copy)
        let other = try CLI.run(["solve", file.path, "--out", run.path, "--resume", copy, "--threads", "1"])
        #expect(other.status == 2 && Self.line(other).hasSuffix("already exists; pass --force to overwrite it or "
                + "--resume \(folder.checkpoint) to continue it"), "\(other.stderr)")
        #expect(try files.map(Self.bytes) == before)

        // The same checkpoint, spelt relative to another working directory and through "..".
        let resumed = try CLI.run(["solve", file.path, "--out", "run/../run", "--resume", "./run/checkpoint.h5",
                                   "--threads", "1", "--paths", "0"], in: dir)
        #expect(resumed.status == 0 && resumed.stdout.contains("resuming from ./run/checkpoint.h5 at iteration 4"),
                "\(resumed.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.summary))

        // --force with a longer schedule: a new run, the old files removed first.
        let longer = dir.appendingPathComponent("longer.yaml")
        try Self.write(Self.problem(iterations: 6), longer)
        let forced = try CLI.run(["solve", longer.path, "--out", run.path, "--force", "--threads", "1", "--paths", "0"])
        #expect(forced.status == 0, "\(forced.stderr)")
        #expect(forced.stdout.contains("--force: removed the previous run's checkpoint.h5, metrics.csv, summary.json from \(run.path)"),
                "\(forced.stdout)")
        let cp = try Checkpoint.read(from: folder.checkpoint)
        #expect(cp.totalIterations == 6 && cp.state.iteration == 6 && cp.problemFile == longer.path)
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.path).sorted()
                == ["checkpoint.h5", "metrics.csv", "summary.json"])
    }

    /// Without `--out` the folder is runs/<problem name> under the working directory, and the
    /// refusal names it so.
    @Test func defaultFolderIsRefusedByItsName() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        try Self.write(Self.problem(), dir.appendingPathComponent("p.yaml"))
        let first = try CLI.run(["solve", "p.yaml", "--threads", "1", "--paths", "0"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("checkpoint: runs/cli-tiny/checkpoint.h5\n"
                                      + "metrics: runs/cli-tiny/metrics.csv, summary: runs/cli-tiny/summary.json"),
                "\(first.stdout)")
        let again = try CLI.run(["solve", "p.yaml", "--threads", "1"], in: dir)
        #expect(again.status == 2 && Self.line(again) == "mfg: runs/cli-tiny/checkpoint.h5 already exists; pass --force "
                + "to overwrite it or --resume runs/cli-tiny/checkpoint.h5 to continue it", "\(again.stderr)")
    }

    /// metrics.csv: a header and one row per logged iteration (log_every 2 of 4: 1, 2, 4), each
    /// number exactly the checkpoint's history; every cost term is a column of its own
    /// (`running_entropy`, `running_obstacle`, `terminal_kl`), the running ones summing to F
    /// (to rounding: the per-term sums are accumulated separately) and the KL equal to G.
    @Test func metricsAreTheCheckpointsHistory() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("p.yaml")
        try Self.write(Self.problem(), file)
        let folder = RunFolder(dir.appendingPathComponent("run").path)
        let solve = try CLI.run(["solve", file.path, "--out", folder.path, "--threads", "1", "--paths", "0"])
        #expect(solve.status == 0, "\(solve.stderr)")
        let text = try String(contentsOfFile: folder.metrics, encoding: .utf8)
        let rows = text.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let names = ["total", "kinetic", "interaction", "terminal", "hjb", "terminal_hjb",
                     "running_entropy", "running_obstacle", "terminal_kl"]
        #expect(rows.first == ["iteration", "seconds"] + names + names.map { "validation_" + $0 })
        #expect(rows.dropFirst().map { $0.first } == ["1", "2", "4"])
        let h = try Checkpoint.read(from: folder.checkpoint).state.history
        for (v, row) in rows.dropFirst().enumerated() {
            #expect(row.count == 20)
            let t = h.iterations.firstIndex(of: Int(row[0])!)!
            #expect(Double(row[1]) == h.seconds[t])
            for (c, name) in names.enumerated() {
                #expect(Double(row[2 + c]) == h.training[name]![t], "\(name) at \(row[0])")
                #expect(Double(row[11 + c]) == h.validation[name]![v], "validation_\(name) at \(row[0])")
            }
            for offset in [2, 11] {   // training, validation
                let value = { (c: Int) in Double(row[offset + c])! }
                #expect(abs(value(6) + value(7) - value(2)) <= 1e-12 * max(1, abs(value(2))), "F = entropy + obstacle: \(row)")
                #expect(value(8) == value(3), "the KL column is G: \(row)")
            }
        }
    }

    /// numpy reads metrics.csv as it is, extreme exponents and a missing value (an empty cell)
    /// included (when python3 with numpy is installed).
    @Test(.enabled(if: RunFolderTests.hasNumpy)) func numpyLoadsTheMetrics() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var history = TrainingHistory()
        history.iterations = [1, 2]
        history.seconds = [0.5, 1e-7]
        history.training = ["total": [1e300, -3.25], "kinetic": [0.1, 2]]
        history.validationIterations = [1, 2]
        history.validation = ["total": [-1e-300]]
        let path = dir.appendingPathComponent("metrics.csv").path
        try RunMetrics.csv(history).write(toFile: path, atomically: true, encoding: .utf8)
        let script = "import numpy; a = numpy.genfromtxt('\(path)', delimiter=',', names=True); "
            + "print(list(a.dtype.names), a['iteration'].tolist(), a['seconds'].tolist(), a['total'].tolist(), "
            + "a['kinetic'].tolist(), a['validation_total'].tolist())"
        let r = try CLI.run(["python3", "-c", script], executable: URL(fileURLWithPath: "/usr/bin/env"))
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "['iteration', 'seconds', 'total', 'kinetic', 'validation_total'] [1.0, 2.0] [0.5, 1e-07] "
                + "[1e+300, -3.25] [0.1, 2.0] [-1e-300, nan]\n", "\(r.stdout)")
    }

    static let hasNumpy: Bool = {
        (try? CLI.run(["python3", "-c", "import numpy"], executable: URL(fileURLWithPath: "/usr/bin/env")))?.status == 0
    }()

    /// summary.json: the final validation terms by name (the checkpoint's summary, exactly), the
    /// run's counters, the problem and the version; plain JSON.
    @Test func summaryIsTheFinalCheckpointsSummary() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("p.yaml")
        try Self.write(Self.problem(), file)
        let folder = RunFolder(dir.appendingPathComponent("run").path)
        let solve = try CLI.run(["solve", file.path, "--out", folder.path, "--threads", "1", "--paths", "0"])
        #expect(solve.status == 0, "\(solve.stderr)")
        let cp = try Checkpoint.read(from: folder.checkpoint)
        let s = try #require(cp.summary)
        let json = try #require(try JSONSerialization.jsonObject(with: Self.bytes(folder.summary)) as? [String: Any])
        #expect(json["problem_name"] as? String == "cli-tiny")
        #expect(json["problem_file"] as? String == file.path)
        #expect(json["software_version"] as? String == SoftwareVersion.current)
        #expect(json["precision"] as? String == "float64" && json["seed"] as? Int == 5)
        #expect(json["iterations"] as? Int == 4 && json["total_iterations"] as? Int == 4)
        #expect(json["best_iteration"] as? Int == cp.state.bestIteration)
        #expect(json["validation_samples"] as? Int == 64)
        // Foundation's JSONSerialization on Linux may read the last digit of a double differently
        // (the file is exact: JSONDecoder below and Python's json read the written numbers back).
        func near(_ value: Any?, _ expected: Double) -> Bool {
            guard let x = value as? Double else { return false }
            return abs(x - expected) <= 1e-14 * abs(expected)
        }
        #expect(near(json["wall_seconds"], cp.state.wallSeconds))
        let v = try #require(json["validation"] as? [String: Any])
        let expected: [(String, Double)] = [("total", s.total), ("cost", s.cost), ("kinetic", s.kinetic),
                                            ("interaction", s.interaction), ("terminal", s.terminal), ("hjb", s.hjb),
                                            ("terminal_hjb", s.terminalHJB)]
        for (key, value) in expected { #expect(near(v[key], value), "\(key): \(v[key] ?? "missing") vs \(value)") }
        let running = try #require(v["running_by_term"] as? [String: Any])
        #expect(running.keys.sorted() == ["entropy", "obstacle"] && s.runningByTerm.map(\.name) == ["obstacle", "entropy"])
        #expect(near(running["obstacle"], s.runningByTerm[0].value) && near(running["entropy"], s.runningByTerm[1].value))
        let terminal = try #require(v["terminal_by_term"] as? [String: Any])
        #expect(terminal.keys.sorted() == ["kl"] && near(terminal["kl"], s.terminal))
        #expect(Set(json.keys) == ["problem_name", "problem_file", "software_version", "precision", "seed", "iterations",
                                   "total_iterations", "best_iteration", "validation_samples", "wall_seconds", "validation"])
        // Codable reads it back as what the checkpoint says, every number exactly.
        #expect(try JSONDecoder().decode(RunSummary.self, from: Self.bytes(folder.summary)) == RunSummary(checkpoint: cp))
    }

    /// Writing metrics.csv at every iteration's checkpoint leaves training as it was: the same
    /// parameters, bit for bit, as a run that writes them only at the end.
    @Test func writingMetricsDoesNotChangeTraining() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        var parameters: [[Double]] = []
        for every in [1, 0] {
            let file = dir.appendingPathComponent("p\(every).yaml")
            try Self.write(Self.problem(checkpointEvery: every), file)
            let folder = RunFolder(dir.appendingPathComponent("run\(every)").path)
            let r = try CLI.run(["solve", file.path, "--out", folder.path, "--threads", "1", "--paths", "0"])
            #expect(r.status == 0, "\(r.stderr)")
            let state = try Checkpoint.read(from: folder.checkpoint).state
            parameters += [state.parameters, state.bestParameters]
        }
        #expect(parameters[0] == parameters[2] && parameters[1] == parameters[3])
    }

    /// A side file that cannot be written (a folder in its place) stops the run with one line
    /// naming it, exit 1; the checkpoint written before it stays, no temporary file is left.
    @Test(arguments: [RunFolder.metricsName, RunFolder.summaryName])
    func writeFailureIsOneLine(name: String) throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("p.yaml")
        try Self.write(Self.problem(), file)
        let folder = RunFolder(dir.appendingPathComponent("run").path)
        let blocker = folder.path + "/" + name
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: true)
        let r = try CLI.run(["solve", file.path, "--out", folder.path, "--threads", "1", "--paths", "0"])
        #expect(r.status == 1)
        #expect(Self.line(r) == "mfg: \(blocker): rename from '\(blocker).tmp' failed: Is a directory", "\(r.stderr)")
        #expect(FileManager.default.fileExists(atPath: folder.checkpoint))
        #expect(!FileManager.default.fileExists(atPath: blocker + ".tmp"))
    }

    /// `training.log_every: 0`: no intermediate logging or validation; the last iteration is
    /// validated (and so is the best), and that is the one logged line and the one metrics row.
    @Test func logEveryZeroValidatesOnlyAtTheEnd() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("p.yaml")
        try Self.write(Self.problem(iterations: 5, logEvery: 0), file)
        let folder = RunFolder(dir.appendingPathComponent("run").path)
        let r = try CLI.run(["solve", file.path, "--out", folder.path, "--threads", "1", "--paths", "0"])
        #expect(r.status == 0, "\(r.stderr)")
        let progress = r.stdout.split(separator: "\n").filter { $0.hasPrefix("it ") }
        #expect(progress.count == 1 && progress[0].hasPrefix("it 5/5  J "), "\(r.stdout)")
        let state = try Checkpoint.read(from: folder.checkpoint).state
        #expect(state.history.validationIterations == [5])
        #expect(state.history.iterations == [1, 2, 3, 4, 5])
        #expect(state.bestIteration == 5)
        let rows = try String(contentsOfFile: folder.metrics, encoding: .utf8).split(separator: "\n")
        #expect(rows.count == 2 && rows[1].hasPrefix("5,"))
    }
}
