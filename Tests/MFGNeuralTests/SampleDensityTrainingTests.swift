import Foundation
import Testing
import MFGMath
import MFGProblem
@testable import MFGNeural

/// Training from a sample density (a KDE of a data file as ρ₀): stopping and resuming reproduces
/// the uninterrupted run bit for bit, as for analytic densities (the KDE's draws come from the
/// same counter-based generator).
@Suite("Training from samples")
struct SampleDensityTrainingTests {
    static func problem(iterations: Int, sampling: String = "iid") throws -> Problem {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("mfg-neural-samples-\(getpid())").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var rng = RandomSource(seed: 3)
        let xs: [Double] = rng.gaussians(2 * 60)
        let text = (0..<60).map { "\(xs[2 * $0] + ($0 % 2 == 0 ? 1 : -1)), \(0.5 * xs[2 * $0 + 1] + 1.5)" }.joined(separator: "\n")
        try text.write(toFile: dir + "/crowd.csv", atomically: true, encoding: .utf8)
        return try Problem.parse(yaml: """
            name: samples
            dimension: 2
            horizon: 1
            kinetic_weight: 1
            initial_density: {type: samples, file: crowd.csv, bandwidth: 0.3}
            target_density: {type: gaussian, mean: [0, -1.5], variance: 0.3}
            running_cost:
              entropy: {weight: 0.01}
            terminal_cost: {type: kl, weight: 5}
            penalties: {hjb: 1, terminal_hjb: 1}
            network: {width: 8, residual_layers: 2}
            integrator: {scheme: rk4, steps: 2}
            training:
              optimizer: adam
              iterations: \(iterations)
              batch_size: 64
              resample_every: 3
              learning_rate: 0.02
              validation_size: 128
              seed: 7
              precision: float64
              log_every: 5
              sampling: \(sampling)
            """, file: dir + "/samples.yaml")
    }

    @Test(arguments: ["iid", "importance"])
    func resumeReproducesAnUninterruptedRun(sampling: String) throws {
        _ = blasSingleThreaded
        let (straight, _) = try stoppedAtFiveAndResumed(try Self.problem(iterations: 12, sampling: sampling), iterations: 12)
        #expect(straight.state.parameters.allSatisfy { $0.isFinite })
    }
}
