import Foundation
import Testing

/// `mfg reference` and `mfg compare` with noise (σ > 0): a two-iteration Euler–Maruyama run of a
/// small noisy problem (preference terminal cost: KL is refused with noise) and its 16 × 16 × 8
/// viscous grid reference; the same problem with another σ is another game.
@Suite("mfg reference and compare with noise (σ > 0)")
struct CompareNoiseCommandTests {
    static func yaml(sigma: String) -> String {
        """
        name: cli-noise
        dimension: 2
        horizon: 1
        kinetic_weight: 2
        sigma: \(sigma)
        initial_density: {type: gaussian, mean: [-1, 0], variance: 0.3}
        terminal_cost: {type: preference, weight: 1, g: {type: quadratic, center: [1, 0], scale: 1}}
        penalties: {hjb: 1, terminal_hjb: 1}
        network: {width: 6, residual_layers: 1}
        integrator: {scheme: euler, steps: 4}
        training: {optimizer: adam, iterations: 2, batch_size: 64, validation_size: 64, seed: 5,
                   log_every: 1, checkpoint_every: 2}
        reference: {domain: [[-4, 4], [-4, 4]], grid: {nx: 16, ny: 16, nt: 8}}

        """
    }

    /// The reference records σ and solves the viscous problem; compare prints no carried estimate
    /// ("—" and the reason), checks its tolerance on the histogram, writes `sigma` and a null
    /// `l1_carried` in JSON, and refuses a reference of another σ in one line, exit 2.
    @Test func noisyRunIsComparedByTheHistogramOnly() throws {
        let dir = CLI.tempDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        func path(_ name: String) -> String { dir.appendingPathComponent(name).path }
        try Self.yaml(sigma: "0.5").write(toFile: path("p.yaml"), atomically: true, encoding: .utf8)
        try Self.yaml(sigma: "0.3").write(toFile: path("q.yaml"), atomically: true, encoding: .utf8)
        let solve = try CLI.run(["solve", path("p.yaml"), "--out", path("run"), "--threads", "1", "--paths", "0"])
        try #require(solve.status == 0, "\(solve.stderr)")
        let reference = try CLI.run(["reference", path("p.yaml"), "--out", path("run"), "--tolerance", "1e-3",
                                     "--max-iterations", "20000", "--threads", "1"])
        try #require(reference.status == 0, "\(reference.stdout) \(reference.stderr)")
        let other = try CLI.run(["reference", path("q.yaml"), "--out", path("other"), "--max-iterations", "5", "--threads", "1"])
        #expect(other.status == 7)

        let run = path("run/checkpoint.h5"), ref = path("run/reference.h5")
        let r = try CLI.run(["compare", run, ref, "--samples", "1024", "--density-tolerance", "1"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("No carried estimate (—): with noise (σ = 0.5)"), "\(r.stdout)")
        #expect(!r.stdout.contains("L1 carried: 2E"))
        let header = try #require(r.stdout.split(separator: "\n").firstIndex { $0.contains("L1 carried (± s.e.)") })
        let rows = r.stdout.split(separator: "\n")[(header + 1)...(header + 5)]
        #expect(rows.allSatisfy { $0.contains(" — ") }, "\(rows)")

        let json = try CLI.run(["compare", run, ref, "--samples", "1024", "--json"])
        #expect(json.status == 0, "\(json.stderr)")
        let doc = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(doc["sigma"] as? Double == 0.5)
        let times = try #require(((doc["blocks"] as? [[String: Any]])?.first?["times"]) as? [[String: Any]])
        #expect(times.count == 5 && times.allSatisfy { $0["l1_carried"] == nil || $0["l1_carried"] is NSNull })

        let mismatch = try CLI.run(["compare", run, path("other/reference.h5"), "--allow-unconverged"])
        #expect(mismatch.status == 2)
        #expect(mismatch.stderr.contains("they differ in sigma 0.5 ≠ 0.3 (checkpoint ≠ reference)"), "\(mismatch.stderr)")
        #expect(mismatch.stdout.isEmpty)
    }
}
