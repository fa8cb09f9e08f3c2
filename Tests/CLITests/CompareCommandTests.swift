import Foundation
import Testing

/// A briefly trained Gaussian-transport run (15 L-BFGS iterations of the quick problem's network
/// on 256 samples: J 42 % and the density 0.6 in L1 from the grid, so tolerances on both sides of
/// the measured values are in (0, 1]) and three grid results for it, built once per test process:
/// a converged 16 × 16 × 8 reference, one stopped after 5 iterations, and one of another game
/// (horizon and α_L changed).
struct CompareFixture: Sendable {
    let directory: URL
    let problem: String
    let checkpoint: String
    let reference: String
    let unconverged: String
    let otherGame: String

    /// `CLI.tinyProblem` with the quick problem's network, 15 L-BFGS iterations and a 16 × 16 × 8
    /// reference grid.
    static func yaml(horizon: Int = 1, kineticWeight: Int = 2) -> String {
        let tiny = CLI.tinyProblem(closedForm: false)
        let head = tiny[..<tiny.range(of: "training:")!.lowerBound]
            .replacingOccurrences(of: "name: cli-tiny", with: "name: cli-compare")
            .replacingOccurrences(of: "horizon: 1", with: "horizon: \(horizon)")
            .replacingOccurrences(of: "kinetic_weight: 2", with: "kinetic_weight: \(kineticWeight)")
            .replacingOccurrences(of: "network: {width: 6, residual_layers: 1}", with: "network: {width: 16, residual_layers: 2}")
        return head + """
            training: {optimizer: lbfgs, iterations: 15, batch_size: 256, learning_rate: 0.1, resample_every: 100,
                       validation_size: 256, seed: 1, log_every: 5, checkpoint_every: 15}
            reference: {domain: [[-4, 5], [-4, 4]], grid: {nx: 16, ny: 16, nt: 8}}

            """
    }

    static func make() throws -> CompareFixture {
        let dir = CLI.tempDirectory()
        FixtureCleanup.removeAtExit(dir)
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        try yaml().write(toFile: path("p.yaml"), atomically: true, encoding: .utf8)
        try yaml(horizon: 2, kineticWeight: 1).write(toFile: path("other.yaml"), atomically: true, encoding: .utf8)
        func check(_ r: CLIRun, _ codes: Set<Int32>) throws {
            guard codes.contains(r.status) else { throw CLIFailure(message: "\(r.status): \(r.stdout) \(r.stderr)") }
        }
        try check(try CLI.run(["solve", path("p.yaml"), "--out", path("run"), "--threads", "1", "--paths", "0"]), [0])
        try check(try CLI.run(["reference", path("p.yaml"), "--out", path("run"), "--tolerance", "1e-3",
                               "--max-iterations", "20000", "--threads", "1"]), [0])
        try check(try CLI.run(["reference", path("p.yaml"), "--out", path("stopped"), "--max-iterations", "5",
                               "--threads", "1"]), [7])
        try check(try CLI.run(["reference", path("other.yaml"), "--out", path("other"), "--max-iterations", "5",
                               "--threads", "1"]), [7])
        return CompareFixture(directory: dir, problem: path("p.yaml"), checkpoint: path("run/checkpoint.h5"),
                              reference: path("run/reference.h5"), unconverged: path("stopped/reference.h5"),
                              otherGame: path("other/reference.h5"))
    }

    static let shared = Result { try make() }
}

struct CLIFailure: Error, CustomStringConvertible { let message: String; var description: String { message } }

@Suite("mfg compare: the report at every time, tolerances and bad input")
struct CompareCommandTests {
    /// 1024 samples keep each comparison under a second in a debug build.
    static let samples = ["--samples", "1024"]

    /// The five quarter times (the run integrates with 2 steps: the report says the paths were
    /// integrated again with 4), both estimators, moments, Φ, and the cost table; with
    /// --all-levels one row per grid level (9, with 8 steps).
    @Test func reportsTheQuarterTimesAndEveryLevel() throws {
        let f = try CompareFixture.shared.get()
        let r = try CLI.run(["compare", f.checkpoint, f.reference] + Self.samples)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        for text in ["J = L + F + G", "densities at 5 times (paths integrated again with 4 rk4 steps (the run used 2)",
                     "L1 carried (± s.e.)", "L1 histogram (floor)", "Φ rel. RMS", "per-coordinate moments, neural / grid:",
                     "mean x1", "std x2", "largest density L1 distance: ",
                     // the KL terminal cost's second estimate (KLRatioControl) and its check
                     "G, ratio control", "J, ratio control", "ratio control: G with ρ₁/ρ_N − 1 as control variate",
                     "mean ρ₁/ρ_N − 1 = "] {
            #expect(r.stdout.contains(text), "missing '\(text)' in \(r.stdout)")
        }
        let header = try #require(lines.firstIndex { $0.contains("L1 carried (± s.e.)") })
        let times = lines[(header + 1)...(header + 5)].map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(times == ["0", "0.25", "0.5", "0.75", "1"])
        // t = 0: the grid has no Φ there; the row says it used the first level (starred).
        #expect(lines[header + 1].hasSuffix("*"))
        #expect(r.stdout.contains("(*: at t = 0.125, the grid's first Φ level)"))

        let all = try CLI.run(["compare", f.checkpoint, f.reference, "--all-levels"] + Self.samples)
        #expect(all.status == 0, "\(all.stderr)")
        #expect(all.stdout.contains("densities at 9 times (paths integrated again with 8 rk4 steps (the run used 2)"))
    }

    /// The values the tolerances are checked against, read from the report.
    static func measured(_ stdout: String) throws -> (density: Double, cost: Double) {
        let line = try #require(stdout.split(separator: "\n").first { $0.hasPrefix("largest density L1 distance: ") })
        let parts = line.split(separator: " ")
        let density = try #require(Double(parts[4]))
        let cost = try #require(Double(parts.last!.dropLast()))
        return (density, cost / 100)
    }

    /// Tolerances above the measured values pass (exit 0, "PASS"); below, the command prints the
    /// report, a FAIL line naming what was exceeded, and exits 4.
    @Test func toleranceMissesExitWithFour() throws {
        let f = try CompareFixture.shared.get()
        let base = try CLI.run(["compare", f.checkpoint, f.reference] + Self.samples)
        let m = try Self.measured(base.stdout)
        try #require(m.density < 0.95 && m.cost < 0.95, "the fixture must land within (0, 1]: \(m)")
        let loose = [min(1, m.density + 0.05), min(1, m.cost + 0.05)].map { String($0) }
        let pass = try CLI.run(["compare", f.checkpoint, f.reference, "--density-tolerance", loose[0],
                                "--cost-tolerance", loose[1]] + Self.samples)
        #expect(pass.status == 0, "\(pass.stdout)")
        #expect(pass.stdout.contains("PASS: within tolerances"))

        let density = try CLI.run(["compare", f.checkpoint, f.reference, "--density-tolerance", String(m.density / 2)] + Self.samples)
        #expect(density.status == 4)
        let densityVerdict = density.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(densityVerdict.hasPrefix("FAIL: density L1 ") && !densityVerdict.contains("J_N"), "\(densityVerdict)")
        #expect(density.stdout.contains("J = L + F + G"))       // the report is printed before the verdict

        let cost = try CLI.run(["compare", f.checkpoint, f.reference, "--density-tolerance", loose[0],
                                "--cost-tolerance", String(m.cost / 2)] + Self.samples)
        #expect(cost.status == 4)
        let verdict = cost.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(verdict.hasPrefix("FAIL: |J_N − J_G|/|J_G| = ") && !verdict.contains("density"), "\(verdict)")

        // --json: one document on standard output (nothing else), the carried estimate at every
        // time of a d = 2 reference, pass true with the loose tolerances, exit 0.
        let js = try CLI.run(["compare", f.checkpoint, f.reference, "--density-tolerance", loose[0],
                              "--cost-tolerance", loose[1], "--json"] + Self.samples)
        #expect(js.status == 0, "\(js.stdout) \(js.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(js.stdout.utf8)) as? [String: Any], "\(js.stdout)")
        #expect(doc["pass"] as? Bool == true)
        let costs = try #require(doc["costs"] as? [String: Any])
        let rel = try #require(costs["relative_difference_j"] as? Double)
        #expect(abs(rel - m.cost) <= 5e-5, "\(rel) vs text \(m.cost)")
        let control = try #require(costs["ratio_control"] as? [String: Double], "\(costs)")
        #expect(["g", "g_standard_error", "j", "j_standard_error", "coefficient", "ratio_mean", "ratio_standard_error"]
            .allSatisfy { control[$0] != nil }, "\(control)")
        let times = try #require((doc["blocks"] as? [[String: Any]])?.first?["times"] as? [[String: Any]])
        #expect(times.count == 5 && times.allSatisfy { ($0["l1_carried"] as? [String: Any])?["value"] is Double })
    }

    /// One line on standard error, exit 2, for: tolerances outside (0, 1]; a reference of another
    /// game (naming the fields that differ); an unconverged reference (unless
    /// --allow-unconverged). Nothing is written.
    @Test func badInputIsOneLineAndExitTwo() throws {
        let f = try CompareFixture.shared.get()
        let before = try FileManager.default.subpathsOfDirectory(atPath: f.directory.path).sorted()
        let flags: [([String], String)] = [
            (["--density-tolerance", "0"], "--density-tolerance must be in (0, 1], got 0.0"),
            (["--density-tolerance", "1.5"], "--density-tolerance must be in (0, 1], got 1.5"),
            (["--cost-tolerance=-0.1"], "--cost-tolerance must be in (0, 1], got -0.1"),
            (["--cost-tolerance", "nan"], "--cost-tolerance must be in (0, 1], got nan"),
        ]
        for (args, message) in flags {
            let r = try CLI.run(["compare", f.checkpoint, f.reference] + args)
            #expect(r.status == 2, "\(args)")
            #expect(r.stderr == "mfg: \(message) (see 'mfg compare --help')\n", "\(args): \(r.stderr)")
            #expect(r.stdout.isEmpty)
        }

        let other = try CLI.run(["compare", f.checkpoint, f.otherGame])
        #expect(other.status == 2)
        #expect(other.stderr == "mfg: \(f.otherGame) solves 'cli-compare' (\(f.directory.path)/other.yaml), a different game "
                + "from the checkpoint's 'cli-compare' (\(f.problem)): they differ in horizon 1 ≠ 2, kinetic_weight 2 ≠ 1 "
                + "(checkpoint ≠ reference)\n", "\(other.stderr)")

        let stopped = try CLI.run(["compare", f.checkpoint, f.unconverged])
        #expect(stopped.status == 2)
        #expect(stopped.stderr.hasPrefix("mfg: \(f.unconverged): the grid solve did not converge: it stopped at its iteration "
                                         + "limit after 5 iterations with residuals "))
        #expect(stopped.stderr.hasSuffix(" (constraint / optimality; tolerance 1.000e-04); solve it further with "
                                         + "`mfg reference --max-iterations`, or pass --allow-unconverged\n"))
        #expect(stopped.stderr.filter { $0 == "\n" }.count == 1 && stopped.stdout.isEmpty)
        let allowed = try CLI.run(["compare", f.checkpoint, f.unconverged, "--allow-unconverged"] + Self.samples)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("(NOT converged, 5 iterations"))

        #expect(try FileManager.default.subpathsOfDirectory(atPath: f.directory.path).sorted() == before)
    }
}
