import Testing
@testable import MFGProblem

/// `running_cost.interaction` in problem files: parsed (all coordinates by default), refused on
/// one line naming the file, the field and the allowed values, kept by the copies, compared as
/// part of the game, and its coordinates coupled by the block-separable analysis.
@Suite("Interaction in problem files")
struct InteractionFileTests {
    static func yaml(d: Int, interaction: String, extra: String = "") -> String {
        """
        dimension: \(d)
        horizon: 1
        kinetic_weight: 1
        initial_density: {type: gaussian, mean: 1, variance: 0.3}
        target_density: {type: gaussian, mean: -1, variance: 0.3}
        running_cost:
          entropy: {weight: 0.1}
          interaction: \(interaction)
        terminal_cost: {type: kl, weight: 5}
        penalties: {hjb: 1, terminal_hjb: 1}
        \(extra)
        """
    }

    @Test func parsedRegisteredAndKept() throws {
        let p = try Problem.parse(yaml: Self.yaml(d: 2, interaction: "{weight: 0.5, width: 0.8}"), file: "x.yaml")
        #expect(p.interaction == Interaction(weight: 0.5, width: 0.8, coordinates: [0, 1]))
        #expect(p.runningCosts.map(\.name) == ["entropy"])
        #expect(p.nonlocalRunningCosts.map(\.name) == ["interaction"])
        #expect(p.hasRunningCost)
        #expect(p.integrated(with: IntegratorSettings(scheme: .rk4, steps: 16)).interaction == p.interaction)
        let q = try Problem.parse(yaml: Self.yaml(d: 2, interaction: "{weight: -0.05, width: 0.8, coordinates: [2]}"), file: "x.yaml")
        #expect(q.interaction == Interaction(weight: -0.05, width: 0.8, coordinates: [1]))
        #expect(q.gameDifferences(from: p).map(\.field) == ["running_cost.interaction.weight", "running_cost.interaction.coordinates"])
    }

    @Test(arguments: [
        ("{weight: 0.5, width: 0}", "x.yaml: running_cost.interaction.width", "> 0"),
        ("{weight: 0.5, width: -1}", "x.yaml: running_cost.interaction.width", "> 0"),
        ("{weight: .nan, width: 1}", "x.yaml: running_cost.interaction.weight", "finite"),
        ("{weight: .inf, width: 1}", "x.yaml: running_cost.interaction.weight", "finite"),
        ("{weight: 0.5, width: 1, coordinates: [3]}", "x.yaml: running_cost.interaction.coordinates", "1...2"),
        ("{weight: 0.5, width: 1, coordinates: [1, 1]}", "x.yaml: running_cost.interaction.coordinates", "listed twice"),
        ("{weight: 0.5, width: 1, radius: 2}", "x.yaml: running_cost.interaction", "coordinates"),
        ("{width: 1}", "x.yaml: running_cost.interaction", "weight"),
    ])
    func badFieldsAreRefusedOnOneLine(_ field: String, _ prefix: String, _ allowed: String) {
        do {
            _ = try Problem.parse(yaml: Self.yaml(d: 2, interaction: field), file: "x.yaml")
            Issue.record("accepted \(field)")
        } catch {
            #expect(error.description.hasPrefix(prefix), "\(error.description)")
            #expect(error.description.contains(allowed), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    /// With noise the term needs no log ρ: allowed (with a density-free terminal cost).
    @Test func allowedWithNoise() throws {
        let yaml = """
            dimension: 2
            horizon: 1
            kinetic_weight: 1
            sigma: 0.3
            initial_density: {type: gaussian, mean: 1, variance: 0.3}
            running_cost:
              interaction: {weight: 0.5, width: 0.8}
            terminal_cost: {type: preference, weight: 1, g: {type: quadratic, center: [0, 0]}}
            penalties: {hjb: 1, terminal_hjb: 1}
            integrator: {scheme: euler, steps: 8}
            """
        let p = try Problem.parse(yaml: yaml, file: "x.yaml")
        #expect(p.sigma == 0.3 && p.interaction != nil)
    }

    /// A kernel on S couples S: on all coordinates of d = 10 it makes one block of 10 (refused);
    /// on [3, 4] of d = 6 the blocks are {3, 4} (holding the interaction, re-indexed) and singletons.
    @Test func theKernelCouplesItsCoordinates() throws {
        let p = try Problem.parse(yaml: Self.yaml(d: 10, interaction: "{weight: 0.5, width: 1}"), file: "x.yaml")
        do {
            _ = try p.separableBlocks()
            Issue.record("an interaction on all of d = 10 was called block-separable")
        } catch {
            #expect(error.description == "x.yaml: running_cost.interaction: the interaction kernel couples coordinates 1–10 (blocks have at most 2)")
        }
        let q = try Problem.parse(yaml: Self.yaml(d: 6, interaction: "{weight: 0.5, width: 1, coordinates: [3, 4]}"), file: "x.yaml")
        let blocks = try q.separableBlocks()
        let pair = blocks.first { $0.occurrences == [[2, 3]] }
        #expect(pair?.problem.interaction == Interaction(weight: 0.5, width: 1, coordinates: [0, 1]))
        #expect(blocks.filter { $0.problem.dimension == 1 }.allSatisfy { $0.problem.interaction == nil })
    }
}
