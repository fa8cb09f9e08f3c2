import Foundation
import Testing
import MFGNeural
import MFGStore

/// Nothing hostile crashes `mfg`: a representative file of each kind of bad problem and damaged
/// checkpoint is refused with one line naming the file and the field, exit 2, nothing written
/// (also under a 4 GiB address-space limit); NaN never passes; SIGTERM saves the run.
@Suite("mfg under hostile input")
struct RobustnessTests {
    /// `mfg ARGS` under `ulimit -v` of `kib` KiB (through /bin/sh).
    static func runLimited(_ arguments: [String], addressSpaceKiB kib: Int) throws -> CLIRun {
        let quoted = ([CLI.binary.path] + arguments).map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        return try CLI.run(shell: "ulimit -v \(kib) && OPENBLAS_NUM_THREADS=1 exec " + quoted.joined(separator: " "))
    }

    /// The one line a refusal prints.
    static func line(_ r: CLIRun) -> String { r.stderr.hasSuffix("\n") ? String(r.stderr.dropLast()) : r.stderr }

    /// Bad problem files of every kind: exit 2, the exact line, no output folder.
    @Test func hostileProblemFiles() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let tiny = CLI.tinyProblem(closedForm: false)
        let cases: [(name: String, text: String, message: String)] = [
            ("dimension", tiny.replacingOccurrences(of: "dimension: 2", with: "dimension: 1000000000")
                .replacingOccurrences(of: "mean: [-1, 0]", with: "mean: 0").replacingOccurrences(of: "mean: [1, 0]", with: "mean: 0"),
             "dimension: 1000000000 is out of range (allowed: 1...100000)"),
            ("width", tiny.replacingOccurrences(of: "width: 6", with: "width: 100000000"),
             "network.width: 100000000 is out of range (allowed: 1...4096)"),
            ("batch", tiny.replacingOccurrences(of: "batch_size: 64", with: "batch_size: 1000000000000"),
             "training.batch_size: 1000000000000 is out of range (allowed: 1...10000000)"),
            ("tagged", tiny.replacingOccurrences(of: "horizon: 1", with: "horizon: !!str 1"),
             "horizon: expected a number, got '1' tagged !!str"),
            ("nan", tiny.replacingOccurrences(of: "variance: 0.3", with: "variance: .nan"),
             "initial_density.variance: .nan is not a finite number (allowed: finite numbers)"),
            ("subnormal", tiny.replacingOccurrences(of: "variance: 0.3", with: "variance: 1e-320"),
             "initial_density.variance: 1e-320 is out of range (allowed: >= 1e-12)"),
            ("deep", "name: " + String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000),
             "line 1, column 70: lists and mappings are nested more than 64 deep (allowed: at most 64 levels)"),
        ]
        for c in cases {
            let file = dir.appendingPathComponent(c.name + ".yaml")
            try c.text.write(to: file, atomically: true, encoding: .utf8)
            let out = dir.appendingPathComponent("out-" + c.name)
            let r = try CLI.run(["solve", file.path, "--out", out.path])
            #expect(r.status == 2 && Self.line(r) == "mfg: \(file.path): \(c.message)", "\(c.name): \(r.status) \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path), "\(c.name)")
        }
        // A directory and a FIFO given as the problem (the FIFO is never opened, so never waited on).
        let fifo = dir.appendingPathComponent("fifo.yaml").path
        #expect(mkfifo(fifo, 0o644) == 0)
        for (path, what) in [(dir.path, "a directory"), (fifo, "a named pipe (FIFO)")] {
            let r = try CLI.run(["solve", path, "--out", dir.appendingPathComponent("o").path])
            #expect(r.status == 2 && Self.line(r) == "mfg: \(path): cannot read file: is \(what) (allowed: a regular file)", "\(r.stderr)")
        }
    }

    /// Under a 4 GiB address space, what once crashed in the allocator is refused: a dimension
    /// beyond the limit, and a problem within every limit whose solve needs more than 4 GiB (its
    /// message names the limit it meets).
    @Test func refusedUnderAddressSpaceLimit() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let d100000 = CLI.tinyProblem(closedForm: false).replacingOccurrences(of: "dimension: 2", with: "dimension: 100000")
            .replacingOccurrences(of: "mean: [-1, 0]", with: "mean: 0").replacingOccurrences(of: "mean: [1, 0]", with: "mean: 0")
        let huge = dir.appendingPathComponent("huge.yaml")
        try d100000.replacingOccurrences(of: "batch_size: 64, validation_size: 64", with: "batch_size: 10000, validation_size: 10000")
            .write(to: huge, atomically: true, encoding: .utf8)
        let out = dir.appendingPathComponent("out")
        let r = try Self.runLimited(["solve", huge.path, "--out", out.path], addressSpaceKiB: 4 * 1024 * 1024)
        #expect(r.status == 2, "\(r.status) \(r.stderr)")
        #expect(Self.line(r).hasPrefix("mfg: \(huge.path): training.batch_size: a solve of this problem needs about "), "\(r.stderr)")
        #expect(Self.line(r).contains("this process may use (address-space limit (ulimit -v)); lower training.batch_size"))
        #expect(!r.stderr.contains("\n") || r.stderr.split(separator: "\n").count == 1)
        #expect(!FileManager.default.fileExists(atPath: out.path))
        let wide = dir.appendingPathComponent("wide.yaml")
        try d100000.replacingOccurrences(of: "dimension: 100000", with: "dimension: 1000000000").write(to: wide, atomically: true, encoding: .utf8)
        let w = try Self.runLimited(["solve", wide.path, "--out", out.path], addressSpaceKiB: 4 * 1024 * 1024)
        #expect(w.status == 2 && Self.line(w) == "mfg: \(wide.path): dimension: 1000000000 is out of range (allowed: 1...100000)")
    }

    /// A trained run of the tiny closed-form problem: (problem file, checkpoint).
    static func trainedRun(in dir: URL) throws -> (URL, String) {
        let file = dir.appendingPathComponent("tiny.yaml")
        try CLI.tinyProblem(closedForm: true).write(to: file, atomically: true, encoding: .utf8)
        let run = dir.appendingPathComponent("run")
        let solve = try CLI.run(["solve", file.path, "--out", run.path, "--threads", "1", "--paths", "8"])
        #expect(solve.status == 0, "\(solve.stderr)")
        return (file, run.appendingPathComponent("checkpoint.h5").path)
    }

    /// A checkpoint with one NaN weight is refused by every command that reads one, naming the
    /// dataset; nothing is written (no figure, no output folder).
    @Test func nanWeightIsRefusedEverywhere() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (file, good) = try Self.trainedRun(in: dir)
        var cp = try Checkpoint.read(from: good)
        let k1 = ParameterLayout(cp.shape).block("K1")!
        cp.state.bestParameters[k1.offset + 1] = .nan    // row 2, column 1
        let bad = dir.appendingPathComponent("nan.h5").path
        try cp.write(to: bad)
        let expected = "mfg: \(bad): damaged checkpoint: 'network/best_parameters/K1' holds nan at [2, 1] (allowed: finite numbers)"
        let out = dir.appendingPathComponent("resumed")
        let svg = dir.appendingPathComponent("figure.svg")
        for arguments in [["evaluate", bad], ["validate", bad], ["compare", bad, good], ["plot", bad, "--out", svg.path],
                          ["solve", file.path, "--out", out.path, "--resume", bad]] {
            let r = try CLI.run(arguments)
            #expect(r.status == 2 && Self.line(r) == expected, "\(arguments[0]): \(r.status) \(r.stderr)")
        }
        #expect(!FileManager.default.fileExists(atPath: out.path) && !FileManager.default.fileExists(atPath: svg.path))
    }

    /// Finite weights whose solution overflows: `validate` never prints PASS (its own exit code, 8,
    /// naming what is not finite), `evaluate` exits 8 after printing the terms, a resumed run does
    /// not write NaN terms into its checkpoint.
    @Test func nonFiniteResultsNeverPass() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let (file, good) = try Self.trainedRun(in: dir)
        var cp = try Checkpoint.read(from: good)
        let w = ParameterLayout(cp.shape).block("w")!
        for i in w.range { cp.state.bestParameters[i] = 1e200; cp.state.parameters[i] = 1e200 }
        let run = dir.appendingPathComponent("huge")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let huge = run.appendingPathComponent("checkpoint.h5").path
        try cp.write(to: huge)
        let v = try CLI.run(["validate", huge, "--samples", "64", "--cost-tolerance", "1000", "--gradient-tolerance", "1000",
                             "--std-tolerance", "1000"])
        #expect(v.status == 8 && v.stdout.contains("NOT FINITE: ") && !v.stdout.contains("PASS"), "\(v.status) \(v.stdout)")
        let e = try CLI.run(["evaluate", huge, "--samples", "64"])
        #expect(e.status == 8 && Self.line(e).hasPrefix("mfg: \(huge): the objective terms are not finite ("), "\(e.stderr)")
        let before = try Data(contentsOf: URL(fileURLWithPath: huge))
        let resumed = try CLI.run(["solve", file.path, "--out", run.path, "--resume", huge, "--threads", "1"])
        #expect(resumed.status == 8, "\(resumed.status) \(resumed.stderr)")
        #expect(Self.line(resumed).hasPrefix("mfg: the final validation terms of the best parameters are not finite ("))
        #expect(try Data(contentsOf: URL(fileURLWithPath: huge)) == before)
    }

    /// SIGTERM (what job schedulers send) saves a checkpoint (and metrics.csv) and exits 143, like
    /// Ctrl-C's 130; no `.tmp` is left, and a stale one from a killed run is removed by the next.
    @Test func sigtermSavesACheckpoint() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("long.yaml")
        try CLI.tinyProblem(closedForm: false, iterations: 1_000_000)
            .replacingOccurrences(of: "log_every: 2, checkpoint_every: 2", with: "log_every: 1, checkpoint_every: 0")
            .write(to: file, atomically: true, encoding: .utf8)
        let run = dir.appendingPathComponent("run")
        try FileManager.default.createDirectory(at: run, withIntermediateDirectories: true)
        let checkpoint = run.appendingPathComponent("checkpoint.h5").path
        try Data("left by kill -9".utf8).write(to: URL(fileURLWithPath: checkpoint + ".tmp"))

        let p = Process()
        p.executableURL = CLI.binary
        p.arguments = ["solve", file.path, "--out", run.path, "--threads", "1"]
        p.environment = ProcessInfo.processInfo.environment.merging(["OPENBLAS_NUM_THREADS": "1"]) { $1 }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // Wait for training to be under way (a progress line), then send SIGTERM.
        var seen = Data()
        while !String(decoding: seen, as: UTF8.self).contains("it 3/") {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            seen.append(chunk)
        }
        #expect(!FileManager.default.fileExists(atPath: checkpoint + ".tmp"), "the stale .tmp is removed at the start")
        p.terminate()
        // It stops after the iteration under way; a run that does not is killed (and fails).
        let deadline = Date().addingTimeInterval(60)
        while p.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        if p.isRunning {
            kill(p.processIdentifier, SIGKILL)
            Issue.record("still running 60 s after SIGTERM")
        }
        seen.append(out.fileHandleForReading.readDataToEndOfFile())
        _ = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        let stdout = String(decoding: seen, as: UTF8.self)
        #expect(p.terminationReason == .exit && p.terminationStatus == 143, "\(p.terminationReason) \(p.terminationStatus)")
        #expect(stdout.contains("interrupted by SIGTERM at iteration "), "\(stdout.suffix(300))")
        let saved = try Checkpoint.read(from: checkpoint)
        #expect(saved.state.iteration >= 3 && saved.checksummed)
        // metrics.csv is written with the checkpoint; summary.json only by a finished run.
        #expect(try FileManager.default.contentsOfDirectory(atPath: run.path).sorted() == ["checkpoint.h5", "metrics.csv"])
    }
}

extension CLI {
    /// Runs a shell command line (for `ulimit`), capturing its output like `run`.
    static func run(shell command: String) throws -> CLIRun {
        try run(["-c", command], executable: URL(fileURLWithPath: "/bin/sh"))
    }
}
