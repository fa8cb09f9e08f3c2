import Foundation
import Testing

@Suite("mfg reference and mfg compare: what a user sees")
struct ReferenceCommandTests {
    /// A d = 2 problem with its reference grid, solved neurally (4 iterations) and on a
    /// 16 × 16 × 8 grid; `mfg compare` then prints both sides and the density distances
    /// (CompareCommandTests checks the report in detail).
    @Test func referenceThenCompare() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.yaml")
        try (CLI.tinyProblem(closedForm: false) + "reference: {domain: [[-4, 5], [-4, 4]], grid: {nx: 16, ny: 16, nt: 8}}\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let run = dir.appendingPathComponent("run")
        #expect(try CLI.run(["solve", file.path, "--out", run.path, "--threads", "1", "--paths", "0"]).status == 0)
        let ref = try CLI.run(["reference", file.path, "--out", run.path, "--tolerance", "1e-3", "--max-iterations", "20000"])
        #expect(ref.status == 0, "\(ref.stdout) \(ref.stderr)")
        #expect(ref.stdout.contains("converged after"))
        #expect(ref.stdout.contains("constraint residual"))
        let result = run.appendingPathComponent("reference.h5").path
        #expect(FileManager.default.fileExists(atPath: result))

        let cmp = try CLI.run(["compare", run.appendingPathComponent("checkpoint.h5").path, result, "--samples", "512"])
        #expect(cmp.status == 0, "\(cmp.stderr)")
        for text in ["L (kinetic)", "G (terminal)", "J = L + F + G", "L1 carried", "up to a constant"] {
            #expect(cmp.stdout.contains(text), "missing '\(text)' in \(cmp.stdout)")
        }
        // Swapped arguments: the checkpoint is not a reference result.
        let swapped = try CLI.run(["compare", result, result])
        #expect(swapped.status == 2)
        #expect(swapped.stderr.contains("not an mfg checkpoint"), "\(swapped.stderr)")
    }

    /// A stopped-early solve says so in its output and exit code, and still writes the file.
    @Test func unconvergedSolveSaysSo() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.yaml")
        try CLI.tinyProblem(closedForm: false).write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["reference", file.path, "--grid", "16x16x8", "--domain=-4:5,-4:4",
                             "--max-iterations", "5", "--out", dir.path])
        #expect(r.status == 7)
        #expect(r.stdout.contains("NOT CONVERGED"))
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("reference.h5").path))
    }

    /// Bad input is refused before any work: d ≠ 2, a domain that misses the mass, a grid too
    /// coarse, a file without a reference section and no flags.
    @Test func badInputIsRefusedBeforeWork() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let d2 = dir.appendingPathComponent("d2.yaml")
        try CLI.tinyProblem(closedForm: false).write(to: d2, atomically: true, encoding: .utf8)
        let d3 = dir.appendingPathComponent("d3.yaml")
        try CLI.tinyProblem(closedForm: false).replacingOccurrences(of: "dimension: 2", with: "dimension: 3")
            .replacingOccurrences(of: "mean: [-1, 0]", with: "mean: [-1, 0, 0]")
            .replacingOccurrences(of: "mean: [1, 0]", with: "mean: [1, 0, 0]")
            .write(to: d3, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["reference", d3.path, "--grid", "16x16x8", "--domain=-4:4,-4:4"], "the grid reference solver is two-dimensional"),
            (["reference", d2.path, "--grid", "16x16x8", "--domain=0:4,-4:4"], "of the mass of initial_density lies outside the domain"),
            (["reference", d2.path, "--grid", "4x16x8", "--domain=-4:5,-4:4"], "too coarse"),
            (["reference", d2.path], "no reference domain"),
        ]
        for (args, message) in cases {
            let out = dir.appendingPathComponent("never")
            let r = try CLI.run(args + ["--out", out.path])
            #expect(r.status == 2, "\(args): \(r.stderr)")
            #expect(r.stderr.contains(message), "\(args): \(r.stderr)")
            #expect(!FileManager.default.fileExists(atPath: out.path))
        }
    }
}
