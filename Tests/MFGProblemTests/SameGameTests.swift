import Foundation
import Testing
@testable import MFGProblem

@Suite("Same game: which fields differ")
struct SameGameTests {
    static func crowd() throws -> Problem { try Problem.load(path: problemsDirectory + "/crowd-motion-d2.yaml") }

    /// The same file with solver settings changed (network, integrator, training, penalties,
    /// reference grid) states the same game; changed game fields are named, numbers with both values.
    @Test func solverSettingsDoNotMatterGameFieldsAreNamed() throws {
        let base = try Self.crowd()
        let text = base.sourceText
        let retuned = try Problem.parse(yaml: text.replacingOccurrences(of: "steps: 4", with: "steps: 8")
            .replacingOccurrences(of: "iterations: 300", with: "iterations: 20")
            .replacingOccurrences(of: "penalties: {hjb: 3, terminal_hjb: 1}", with: "penalties: {hjb: 5, terminal_hjb: 2}"),
                                        file: "retuned.yaml")
        #expect(retuned.penalties == Penalties(hjb: 5, terminalHJB: 2) && retuned.training.iterations == 20
                && retuned.integrator.steps == 8, "the edits above must reach the file's solver settings")
        #expect(base.gameDifferences(from: retuned).isEmpty && base.describesSameGame(as: retuned))

        let other = try Problem.parse(yaml: text.replacingOccurrences(of: "horizon: 1", with: "horizon: 2")
            .replacingOccurrences(of: "  mean: [0, -3]", with: "  mean: [0, -2.5]")
            .replacingOccurrences(of: "    weight: 1\n    amplitude: 50", with: "    weight: 10\n    amplitude: 50")
            .replacingOccurrences(of: "entropy: {weight: 0.01}", with: "entropy: {weight: 0.02}")
            .replacingOccurrences(of: "{type: kl, weight: 5}", with: "{type: kl, weight: 4}"), file: "other.yaml")
        #expect(base.gameDifferences(from: other).map(\.description)
                == ["horizon 1 ≠ 2", "target_density", "running_cost.obstacle.weight 1 ≠ 10",
                    "running_cost.entropy.weight 0.01 ≠ 0.02", "terminal_cost"])
        #expect(!base.describesSameGame(as: other))

        let moved = try Problem.parse(yaml: text.replacingOccurrences(of: "center: [0, 0]", with: "center: [0.5, 0]"),
                                      file: "moved.yaml")
        #expect(base.gameDifferences(from: moved).map(\.description) == ["running_cost.obstacle"])
    }
}
