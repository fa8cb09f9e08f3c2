import Foundation
import Testing

/// `mfg compare` against a reference by blocks: the plot fixture's d = 4 crowd, which splits into
/// (x1, x2) (with an obstacle) and two identical 1-D blocks x3, x4; 3 Adam iterations of a
/// small network (a second in a debug build) and coarse grids (16 × 16 × 8 and 32 × 8, a second
/// to converge).
@Suite("mfg compare: a reference by blocks")
struct CompareBlocksCommandTests {
    /// One section per distinct block (5 time rows each: the quarters of nt = 8), the histogram
    /// only (no carried column: the carried density is the joint one), the worst of the two
    /// copies of x3 … x4 and their mean, the grid J the sum over the blocks with multiplicities
    /// (the number `mfg reference` printed), exit 0; then exit 4 with a density tolerance no
    /// briefly trained run meets, the FAIL line naming the block.
    @Test func comparesEveryBlockAndExitsFourOnATinyTolerance() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let file = dir.appendingPathComponent("p.yaml"), run = dir.appendingPathComponent("run")
        try PlotFixture.yaml(dimension: 4).write(to: file, atomically: true, encoding: .utf8)
        let solve = try CLI.run(["solve", file.path, "--out", run.path, "--threads", "1", "--paths", "0"])
        try #require(solve.status == 0, "\(solve.stdout) \(solve.stderr)")
        let ref = try CLI.run(["reference", file.path, "--out", run.path, "--grid", "16x16x8", "--grid", "32x8",
                               "--tolerance", "1e-3", "--threads", "1"])
        try #require(ref.status == 0, "\(ref.stdout) \(ref.stderr)")
        let gridJ = try #require(ref.stdout.split(separator: "\n").first { $0.hasPrefix("  J = L + F + G") })
            .split(separator: " ").last.map(String.init)

        let checkpoint = run.appendingPathComponent("checkpoint.h5").path, reference = run.appendingPathComponent("reference.h5").path
        let r = try CLI.run(["compare", checkpoint, reference, "--samples", "1024", "--threads", "1"])
        #expect(r.status == 0, "\(r.stdout) \(r.stderr)")
        let lines = r.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines[0] == "tiny-crowd-d4 (d = 4): neural (1024 samples) against a grid reference by blocks: "
                + "(x1, x2) 16×16×8; x3 … x4 (2 copies) 32×8 (every block converged)", "\(lines[0])")
        let sections = lines.indices.filter { lines[$0].hasPrefix("block ") }
        try #require(sections.count == 2, "\(r.stdout)")
        #expect(lines[sections[0]].hasPrefix("block (x1, x2) (1 copy), grid 16×16×8: converged, "))
        #expect(lines[sections[1]].hasPrefix("block x3 … x4 (2 copies), grid 32×8: converged, "))
        #expect(lines[sections[0] + 1].contains("L1 histogram") && lines[sections[0] + 1].contains("core mass N / G"))
        #expect(lines[sections[1] + 1].contains("L1 worst copy") && lines[sections[1] + 1].contains("mean of copies"))
        for s in sections {
            let times = lines[(s + 2)...(s + 6)].map { $0.split(separator: " ").first.map(String.init) ?? "" }
            #expect(times == ["0", "0.25", "0.5", "0.75", "1"], "\(lines[s...])")
        }
        // The worst copy is named in every row of the x3 … x4 section.
        #expect(lines[(sections[1] + 2)...(sections[1] + 6)].allSatisfy { $0.contains("(x3)") || $0.contains("(x4)") })
        #expect(!r.stdout.contains("L1 carried"))
        let jRow = try #require(lines.first { $0.hasPrefix("J = L + F + G") })
        #expect(jRow.split(separator: " ").map(String.init).dropLast().last == gridJ, "\(jRow) vs reference J \(gridJ ?? "?")")
        let m = try CompareCommandTests.measured(r.stdout)
        #expect(m.density > 0 && m.density <= 2)

        let fail = try CLI.run(["compare", checkpoint, reference, "--samples", "1024", "--threads", "1",
                                "--density-tolerance", "0.001"])
        #expect(fail.status == 4, "\(fail.stdout) \(fail.stderr)")
        let verdict = fail.stdout.split(separator: "\n").last.map(String.init) ?? ""
        #expect(verdict.hasPrefix("FAIL: density L1 ") && verdict.contains("block") && verdict.hasSuffix("> 0.001"), "\(verdict)")

        // --json: the same numbers as one document (same seed and samples, so the same values
        // to the text's printed digits), pass false and exit 4 with the tiny tolerance.
        let js = try CLI.run(["compare", checkpoint, reference, "--samples", "1024", "--threads", "1",
                              "--density-tolerance", "0.001", "--json"])
        #expect(js.status == 4, "\(js.stdout) \(js.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(js.stdout.utf8)) as? [String: Any], "\(js.stdout)")
        #expect(doc["pass"] as? Bool == false && doc["dimension"] as? Int == 4)
        let blocks = try #require(doc["blocks"] as? [[String: Any]])
        #expect(blocks.count == 2)
        #expect((blocks[1]["copies"] as? [[Int]]) == [[3], [4]])
        let times = try #require(blocks[1]["times"] as? [[String: Any]])
        #expect(times.map { $0["t"] as? Double } == [0, 0.25, 0.5, 0.75, 1])
        #expect(times.allSatisfy { ["x3", "x4"].contains($0["worst_copy"] as? String ?? "") && $0["l1_carried"] == nil })
        let largest = try #require(doc["largest_density_distance"] as? [String: Any])
        let jsonDensity = try #require(largest["distance"] as? Double)
        #expect(abs(jsonDensity - m.density) <= 5e-5 * max(1, m.density), "\(jsonDensity) vs text \(m.density)")
        let costs = try #require(doc["costs"] as? [String: Any]), grid = try #require(costs["grid"] as? [String: Any])
        #expect(String(describing: grid["j"] as? Double ?? .nan).hasPrefix(String((gridJ ?? "?").prefix(4))))
    }
}
