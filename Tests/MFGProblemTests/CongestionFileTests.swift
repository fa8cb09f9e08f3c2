import Testing
@testable import MFGProblem

/// `running_cost.congestion` in problem files: parsed with its default exponent, bad exponents
/// refused on one line, the term registered after the others, and — being a product, not a sum,
/// over the factors of a product density — refused by the block-separable analysis. The
/// congestion of a marginal (`coordinates`, `bandwidth`): parsed as a sample-coupled term, its bad
/// input refused, and handed whole to its block, where it is the block's local congestion.
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

    @Test func aMarginalCongestionIsASampleCoupledTerm() throws {
        let p = try Problem.parse(yaml: Self.yaml(d: 10, congestion: "{weight: 5, coordinates: [1, 2], bandwidth: 0.1}"),
                                  file: "x.yaml")
        #expect(p.congestion == Congestion(weight: 5, exponent: 2, marginal: .init(coordinates: [0, 1], bandwidth: 0.1)))
        #expect(p.runningCosts.map(\.name) == ["entropy"])
        #expect(p.nonlocalRunningCosts.map(\.name) == ["congestion"])
        #expect(p.nonlocalRunningCosts.first?.coordinates == [0, 1])
        #expect(p.nonlocalRunningCosts.first?.gridForm == nil)
        let q = try Problem.parse(yaml: Self.yaml(d: 10, congestion: "{weight: 5, coordinates: [1, 2], bandwidth: 0.2}"),
                                  file: "x.yaml")
        #expect(q.gameDifferences(from: p).map(\.field) == ["running_cost.congestion.bandwidth"])
        let r = try Problem.parse(yaml: Self.yaml(d: 10, congestion: "{weight: 5, coordinates: [1, 3], bandwidth: 0.1}"),
                                  file: "x.yaml")
        #expect(r.gameDifferences(from: p).map(\.field) == ["running_cost.congestion.coordinates"])
        #expect(p.integrated(with: IntegratorSettings(scheme: .rk4, steps: 16)).congestion == p.congestion)
    }

    /// The marginal's congestion couples its coordinates only: the (x1, x2) block gets it as its
    /// own local congestion (the kernel estimate's h → 0 limit, charged exactly by the grid), the
    /// other coordinates none.
    @Test func aMarginalCongestionGoesWholeToItsBlock() throws {
        let p = try Problem.parse(yaml: Self.yaml(d: 10, congestion: "{weight: 5, exponent: 3, coordinates: [1, 2], bandwidth: 0.1}"),
                                  file: "x.yaml")
        let blocks = try p.separableBlocks()
        let pair = try #require(blocks.first { $0.occurrences == [[0, 1]] })
        #expect(pair.problem.congestion == Congestion(weight: 5, exponent: 3))
        #expect(pair.problem.runningCosts.map(\.name) == ["entropy", "congestion"])
        #expect(pair.problem.nonlocalRunningCosts.isEmpty)
        let rest = blocks.filter { $0.occurrences != [[0, 1]] }
        #expect(rest.count == 1 && rest[0].occurrences.count == 8 && rest[0].problem.congestion == nil)
        // A marginal on one coordinate inside a two-coordinate block stays a marginal there.
        let c = Congestion(weight: 5, exponent: 2, marginal: .init(coordinates: [4], bandwidth: 0.1))
        #expect(c.restricted(to: [3, 4], dimension: 10) == Congestion(weight: 5, exponent: 2, marginal: .init(coordinates: [1], bandwidth: 0.1)))
        #expect(c.restricted(to: [0, 1], dimension: 10) == nil)
    }

    @Test(arguments: [
        ("{weight: 5, bandwidth: 0.1}", "running_cost.congestion.bandwidth", "give the coordinates"),
        ("{weight: 5, coordinates: [1, 2]}", "running_cost.congestion.coordinates", "give its bandwidth"),
        ("{weight: 5, coordinates: {from: 1, to: 10}, bandwidth: 0.1}", "running_cost.congestion.coordinates", "all 10 of them"),
        ("{weight: 5, coordinates: [1, 2, 3, 4], bandwidth: 0.1}", "running_cost.congestion.coordinates", "at most 3"),
        ("{weight: 5, coordinates: [1, 2], bandwidth: 0}", "running_cost.congestion.bandwidth", "0"),
        ("{weight: 5, coordinates: [1, 11], bandwidth: 0.1}", "running_cost.congestion.coordinates", "1...10"),
    ])
    func badMarginalsAreRefused(_ field: String, _ path: String, _ says: String) {
        do {
            _ = try Problem.parse(yaml: Self.yaml(d: 10, congestion: field), file: "x.yaml")
            Issue.record("accepted \(field)")
        } catch {
            #expect(error.description.hasPrefix("x.yaml: \(path)"), "\(error.description)")
            #expect(error.description.contains(says), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }
}
