import Foundation
import Testing

/// `mfg evaluate --json`: the report as one JSON document that pandas/json can read.
@Suite("mfg evaluate --json")
struct EvaluateJSONTests {
    /// The document parses, J = L + F + G to rounding, the same terms as the text report (same
    /// seed and samples: the text's 4 significant digits), standard errors present; an export
    /// needs --output with --json (exit 2, one line), and with it the file is written and named.
    @Test func reportsTheTermsAsJSON() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("p.yaml"), run = dir.appendingPathComponent("run")
        try CLI.tinyProblem(closedForm: false).write(to: file, atomically: true, encoding: .utf8)
        let solve = try CLI.run(["solve", file.path, "--out", run.path, "--threads", "1"])
        try #require(solve.status == 0, "\(solve.stdout) \(solve.stderr)")
        let checkpoint = run.appendingPathComponent("checkpoint.h5").path

        let r = try CLI.run(["evaluate", checkpoint, "--samples", "256", "--json", "--threads", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")
        let terms = try #require(doc["terms"] as? [String: Double])
        let (l, f, g, j) = (terms["l"] ?? .nan, terms["f"] ?? .nan, terms["g"] ?? .nan, terms["j"] ?? .nan)
        #expect(abs(j - (l + f + g)) <= 1e-12 * max(1, abs(j)))
        #expect((doc["standard_errors"] as? [String: Double])?["j"] != nil)
        #expect((doc["ratio_control"] as? [String: Double])?["g_standard_error"] != nil)   // a KL terminal cost
        #expect(doc["problem"] as? String == "cli-tiny" && doc["samples"] as? Int == 256)
        #expect((doc["terminal_by_term"] as? [String: Double])?["kl"] == g)

        let text = try CLI.run(["evaluate", checkpoint, "--samples", "256", "--threads", "1"])
        let line = try #require(text.stdout.split(separator: "\n").first { $0.hasPrefix("  L ") })
        let printedJ = try #require(line.split(separator: " ").map(String.init).split(separator: "J").dropFirst().first?.first)
        #expect(abs(try #require(Double(printedJ)) - j) <= 5e-4 * max(1, abs(j)), "\(line) vs \(j)")

        let noOutput = try CLI.run(["evaluate", checkpoint, "--json", "--export-paths", "2"])
        #expect(noOutput.status == 2 && noOutput.stderr.contains("--json") && noOutput.stdout.isEmpty)
        let csv = dir.appendingPathComponent("paths.csv").path
        let export = try CLI.run(["evaluate", checkpoint, "--samples", "64", "--json", "--export-paths", "2", "--output", csv,
                                  "--threads", "1"])
        #expect(export.status == 0, "\(export.stderr)")
        let exported = try #require(try JSONSerialization.jsonObject(with: Data(export.stdout.utf8)) as? [String: Any])
        #expect(exported["exported"] as? String == csv)
        #expect(try String(contentsOfFile: csv, encoding: .utf8).hasPrefix("agent,step,t,x1,x2,ell"))
    }
}
