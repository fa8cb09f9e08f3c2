import Foundation
import Testing

/// `mfg validate --json`: one JSON document on standard output, the same verdict and exit code
/// as the text report.
@Suite("mfg validate --json")
struct ValidateJSONTests {
    /// The tiny closed-form problem: the document names the check, carries L, G, J (neural,
    /// exact, relative error, standard error) and every terminal standard deviation, the
    /// tolerances, and `pass` agrees with the exit code (0 when true, 4 when false) and with the
    /// text report's PASS/FAIL line; a tolerance of 1e-9 fails with exit 4 and names L.
    @Test func documentMatchesTheTextVerdict() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("p.yaml"), run = dir.appendingPathComponent("run")
        try CLI.tinyProblem(closedForm: true).write(to: file, atomically: true, encoding: .utf8)
        let solve = try CLI.run(["solve", file.path, "--out", run.path, "--threads", "1"])
        try #require(solve.status == 0, "\(solve.stdout) \(solve.stderr)")
        let checkpoint = run.appendingPathComponent("checkpoint.h5").path

        let args = ["validate", checkpoint, "--samples", "512", "--threads", "1", "--cost-tolerance", "0.5",
                    "--gradient-tolerance", "0.9", "--std-tolerance", "0.5"]
        let text = try CLI.run(args), js = try CLI.run(args + ["--json"])
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(js.stdout.utf8)) as? [String: Any], "\(js.stdout)")
        #expect(doc["check"] as? String == "gaussian_kl_transport")
        let quantities = try #require(doc["quantities"] as? [[String: Any]])
        let names = quantities.compactMap { $0["name"] as? String }
        #expect(Array(names.prefix(3)) == ["L", "G", "J"])
        #expect(names.filter { $0.hasPrefix("terminal std x") }.count == 2)
        #expect(quantities[0]["exact"] is Double && quantities[0]["standard_error"] is Double)
        #expect((doc["tolerances"] as? [String: Double])?["cost"] == 0.5)
        let pass = try #require(doc["pass"] as? Bool)
        #expect(js.status == (pass ? 0 : 4) && text.status == js.status, "\(js.status) \(text.status)")
        #expect(text.stdout.contains(pass ? "PASS: within tolerances" : "FAIL: "))

        let strict = try CLI.run(["validate", checkpoint, "--samples", "512", "--threads", "1", "--cost-tolerance", "1e-9", "--json"])
        #expect(strict.status == 4)
        let failed = try #require(try JSONSerialization.jsonObject(with: Data(strict.stdout.utf8)) as? [String: Any])
        #expect(failed["pass"] as? Bool == false)
        #expect((failed["failures"] as? [String])?.first?.hasPrefix("L error ") == true, "\(failed)")
    }
}
