import Testing
@testable import MFGProblem

/// `running_cost.congestion` in problem files: parsed with its default exponent, bad exponents
/// refused on one line, the term registered after the others, and — being a product, not a sum,
/// over the factors of a product density — refused by the block-separable analysis.
@Suite("Congestion in problem files")
struct CongestionFileTests {
    static func yaml(d: Int, congestion: String) -> String {
        """
        dimension: \(d)
        horizon: 1
        kinetic_weight: 1
        initial_density: {type: gaussian, mean: 1, variance: 0.3}
        target_density: {type: gaussian, mean: -1, variance: 0.3}
        running_cost:
          entropy: {weight: 0.1}
          congestion: \(congestion)
        terminal_cost: {type: kl, weight: 5}
        penalties: {hjb: 1, terminal_hjb: 1}
        """
    }

    @Test func parsedWithTheDefaultExponentAndRegistered() throws {
        let p = try Problem.parse(yaml: Self.yaml(d: 2, congestion: "{weight: 0.5}"), file: "x.yaml")
        #expect(p.congestion == Congestion(weight: 0.5, exponent: 2))
        #expect(p.runningCosts.map(\.name) == ["entropy", "congestion"])
        #expect(p.hasRunningCost)
        // The time-step check's re-integrated copy keeps it.
        #expect(p.integrated(with: IntegratorSettings(scheme: .rk4, steps: 16)).congestion == p.congestion)
        let q = try Problem.parse(yaml: Self.yaml(d: 2, congestion: "{weight: 0.5, exponent: 3}"), file: "x.yaml")
        #expect(q.gameDifferences(from: p).map(\.field) == ["running_cost.congestion.exponent"])
    }

    @Test(arguments: [("{weight: 0.5, exponent: 1}", "1.0"), ("{weight: 0.5, exponent: 12}", "12.0")])
    func exponentsOutsideTheRangeAreRefused(_ field: String, _ value: String) {
        do {
            _ = try Problem.parse(yaml: Self.yaml(d: 2, congestion: field), file: "x.yaml")
            Issue.record("accepted \(field)")
        } catch {
            #expect(error.description.hasPrefix("x.yaml: running_cost.congestion.exponent"))
            #expect(error.description.contains(value) && error.description.contains("1 < exponent ≤ 10"))
        }
    }

    @Test func aCongestionCouplesEveryCoordinate() throws {
        let p = try Problem.parse(yaml: Self.yaml(d: 10, congestion: "{weight: 0.5}"), file: "x.yaml")
        do {
            _ = try p.separableBlocks()
            Issue.record("a congestion in d = 10 was called block-separable")
        } catch {
            #expect(error.description == "x.yaml: running_cost.congestion: the congestion couples coordinates 1–10 (blocks have at most 2)")
        }
    }
}
