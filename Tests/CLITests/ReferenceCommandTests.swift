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
        let result = dir.appendingPathComponent("reference.h5").path
        #expect(FileManager.default.fileExists(atPath: result))
        // The folder now holds a reference: another solve into it is refused (exit 2, one line,
        // the file untouched) unless --force replaces it.
        let before = try Data(contentsOf: URL(fileURLWithPath: result))
        let again = try CLI.run(["reference", file.path, "--grid", "16x16x8", "--domain=-4:5,-4:4",
                                 "--max-iterations", "3", "--out", dir.path])
        #expect(again.status == 2)
        #expect(again.stderr == "mfg: \(dir.path)/reference.h5 already exists; pass --force to replace it or choose another --out\n",
                "\(again.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: result)) == before)
        let forced = try CLI.run(["reference", file.path, "--grid", "16x16x8", "--domain=-4:5,-4:4",
                                  "--max-iterations", "3", "--out", dir.path, "--force"])
        #expect(forced.status == 7, "\(forced.stderr)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: result)) != before)
    }

    /// The file's `reference.max_iterations` and `reference.tolerance` are the defaults of the
    /// flags: a limit of 5 iterations in the file stops the solve (exit 7) and the header names
    /// the file's tolerance; the flags win over the file.
    @Test func theFilesStoppingRuleIsTheDefault() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("tiny.yaml")
        try (CLI.tinyProblem(closedForm: false)
             + "reference: {domain: [[-4, 5], [-4, 4]], grid: {nx: 16, ny: 16, nt: 8}, tolerance: 2e-3, max_iterations: 5}\n")
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["reference", file.path, "--coarse-levels", "0", "--out", dir.appendingPathComponent("a").path])
        #expect(r.status == 7, "\(r.stdout) \(r.stderr)")
        #expect(r.stdout.contains("tolerance 0.002 (reference.tolerance)"), "\(r.stdout)")
        let flags = try CLI.run(["reference", file.path, "--coarse-levels", "0", "--max-iterations", "20000",
                                 "--tolerance", "1e-3", "--out", dir.appendingPathComponent("b").path])
        #expect(flags.status == 0, "\(flags.stdout) \(flags.stderr)")
        #expect(flags.stdout.contains("tolerance 0.001 (--tolerance)"), "\(flags.stdout)")
    }

    /// Bad input is refused before any work: a problem of d ≠ 2 that does not split into blocks
    /// of at most two coordinates (the message names the term and the coordinates), a domain
    /// that misses the mass, a grid too coarse, a file without a reference section and no
    /// flags, a 1-D grid for a d = 2 problem, a setting given twice.
    @Test func badInputIsRefusedBeforeWork() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let d2 = dir.appendingPathComponent("d2.yaml")
        try CLI.tinyProblem(closedForm: false).write(to: d2, atomically: true, encoding: .utf8)
        let d3 = dir.appendingPathComponent("d3.yaml")
        try CLI.tinyProblem(closedForm: false).replacingOccurrences(of: "dimension: 2", with: "dimension: 3")
            .replacingOccurrences(of: "{type: gaussian, mean: [-1, 0], variance: 0.3}",
                                  with: "{type: mixture, components: [{weight: 1, mean: [-1, 0, 0], variance: 0.3}, {weight: 1, mean: [1, 1, 1], variance: 0.3}]}")
            .replacingOccurrences(of: "mean: [1, 0]", with: "mean: [1, 0, 0]")
            .write(to: d3, atomically: true, encoding: .utf8)
        let cases: [([String], String)] = [
            (["reference", d3.path], "\(d3.path): initial_density: the mixture couples coordinates 1–3 (blocks have at most 2)"),
            (["reference", d2.path, "--grid", "16x8", "--domain=-4:5,-4:4"],
             "\(d2.path): --grid 16x8 is for blocks of 1 coordinate; this problem has none (its blocks: (x1, x2))"),
            (["reference", d2.path, "--grid", "16x16x8", "--grid", "32x32x8"], "--grid is given twice for blocks of 2 coordinates"),
            (["reference", d2.path, "--domain=-4:5,-4"], "--domain must look like -4:4,-5:5"),
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

    /// A d = 3 problem that splits into (x1, x2) with an obstacle and x3 alone: each block on its
    /// own grid (the 2-D one from --grid NXxNYxNT, the 1-D one from --grid NXxNT), a table per
    /// block, the sums, and the result file.
    @Test func blockReferenceOfASeparableProblem() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("d3.yaml")
        try Self.separableD3.write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["reference", file.path, "--grid", "16x16x8", "--grid", "32x16", "--tolerance", "1e-3",
                             "--coarse-levels", "1", "--threads", "1", "--out", dir.path])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        for text in ["by blocks: 2 distinct blocks", "block (x1, x2) (1 copy)", "block x3 (1 copy)", "(command line)",
                     "copies", "iterations", "per copy of each block", "J = L + F + G", "converged: every block"] {
            #expect(r.stdout.contains(text), "missing '\(text)' in \(r.stdout)")
        }
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("reference.h5").path))
        // Stopped early: exit 7, the blocks named, the file written all the same.
        let early = dir.appendingPathComponent("early")
        let s = try CLI.run(["reference", file.path, "--grid", "16x16x8", "--grid", "32x16", "--max-iterations", "5",
                             "--threads", "1", "--out", early.path])
        #expect(s.status == 7)
        #expect(s.stdout.contains("NOT CONVERGED: blocks (x1, x2); x3 stopped at the iteration limit"), "\(s.stdout)")
        #expect(FileManager.default.fileExists(atPath: early.appendingPathComponent("reference.h5").path))
        // A file entry naming coordinates that are not a block: exit 2, nothing written.
        let wrong = dir.appendingPathComponent("wrong.yaml")
        try (Self.separableD3 + "reference:\n  blocks:\n    - {coordinates: [2, 3], grid: {nx: 16, ny: 16, nt: 8}}\n")
            .write(to: wrong, atomically: true, encoding: .utf8)
        let never = dir.appendingPathComponent("never")
        let w = try CLI.run(["reference", wrong.path, "--out", never.path])
        #expect(w.status == 2)
        #expect(w.stderr.contains("\(wrong.path): reference.blocks[1].coordinates: [2, 3] is not a block of this problem "
                                  + "(its blocks: (x1, x2), x3)"), "\(w.stderr)")
        #expect(!FileManager.default.fileExists(atPath: never.path))
    }

    static let separableD3 = """
        name: cli-blocks
        dimension: 3
        horizon: 1
        kinetic_weight: 1
        initial_density: {type: gaussian, mean: [0, 1.5, 0], variance: 0.3}
        target_density: {type: gaussian, mean: [0, -1.5, 0.5], variance: 0.5}
        running_cost:
          obstacle: {weight: 1, amplitude: 5, coordinates: [1, 2], center: [0, 0], variance: [0.5, 0.5]}
          entropy: {weight: 0.05}
        terminal_cost: {type: kl, weight: 2}
        penalties: {hjb: 1, terminal_hjb: 1}

        """
}
