import Testing
@testable import MFGProblem

/// `training.sampling: importance` and its proposal settings.
@Suite("training.sampling: importance")
struct ImportanceSettingsTests {
    static let base = ProblemErrorTests.valid.replacingOccurrences(of: "  iterations: 10", with: "  iterations: 10\n  SAMPLING")

    func problem(_ sampling: String) throws -> Problem {
        try Problem.parse(yaml: Self.base.replacingOccurrences(of: "SAMPLING", with: sampling), file: "problems/x.yaml")
    }

    func message(_ sampling: String) -> String {
        do { _ = try problem(sampling); return "parsed" } catch { return "\(error)" }
    }

    @Test func shorthandAndMapping() throws {
        #expect(try problem("seed: 3").training.importance == nil)
        #expect(try problem("sampling: iid").training.importance == nil)
        let s = try problem("sampling: importance").training
        #expect(s.sampling == .importance && s.importance == .defaults)
        let m = try problem("sampling: {from: importance, mix: 0.05, widen: 2.5, penalties: unweighted}").training
        #expect(m.importance == .init(mix: 0.05, widen: 2.5, penalties: .unweighted))
        #expect(try problem("sampling: {from: moment_matched}").training.sampling == .momentMatched)
    }

    /// Out-of-range settings and a proposal that would not cover ρ₀ (mix 1: the wide Gaussian
    /// alone) give one line naming the file and the field.
    @Test func badSettingsNameTheField() {
        #expect(message("sampling: {from: importance, mix: 1}")
                == "problems/x.yaml: training.sampling.mix: 1 is out of range (allowed: 0.001 ... 0.9; with mix 1 the proposal "
                   + "is the wide Gaussian alone and need not cover ρ₀ (the weights ρ₀/q lose their bound))")
        #expect(message("sampling: {from: importance, mix: 0}")
                == "problems/x.yaml: training.sampling.mix: 0 is out of range (allowed: 0.001 ... 0.9)")
        #expect(message("sampling: {from: importance, widen: 0.5}")
                == "problems/x.yaml: training.sampling.widen: 0.5 is out of range (allowed: 1 ... 10)")
        #expect(message("sampling: {from: importance, penalties: some}")
                == "problems/x.yaml: training.sampling.penalties: unknown value 'some' (allowed: weighted, unweighted)")
        #expect(message("sampling: {from: iid, mix: 0.2}")
                == "problems/x.yaml: training.sampling.mix: only importance sampling has settings ('from: iid' takes none)")
        #expect(message("sampling: {mix: 0.2}").hasPrefix("problems/x.yaml: training.sampling"))
        #expect(message("sampling: {from: importance, spread: 2}").hasPrefix("problems/x.yaml: training.sampling"))
    }

    /// The proposal covers ρ₀: q ≥ (1 − ε)ρ₀ at every point, so log ρ₀ − log q ≤ −log(1 − ε) per
    /// factor (to rounding, 1e-12), including far in the tails and between the modes.
    @Test func proposalCoversTheDensity() {
        let mix = Density.mixture([(0.5, Gaussian(mean: [-1.5], variance: [0.2])), (0.5, Gaussian(mean: [1.5], variance: [0.2]))])
        let rho = Density.product(ProductDensity(dimension: 2, factors: [.init(coordinates: [0], density: mix),
                                                                          .init(coordinates: [1], density: mix)]))
        let eps = 0.3
        let q = rho.defensiveProposal(mix: eps, widen: 2)
        let pts: [Double] = stride(from: -8.0, through: 8.0, by: 0.25).flatMap { [$0, 0.37 - $0 / 3] }
        let n = pts.count / 2
        var lr = [Double](repeating: 0, count: n), lq = [Double](repeating: 0, count: n)
        pts.withUnsafeBufferPointer { xp in
            lr.withUnsafeMutableBufferPointer { rho.logDensity(xp, count: n, into: $0) }
            lq.withUnsafeMutableBufferPointer { q.logDensity(xp, count: n, into: $0) }
        }
        for i in 0..<n { #expect(lr[i] - lq[i] <= -2 * Double.log(1 - eps) + 1e-12, "point \(i)") }
        #expect(q.factorCount == 2)
    }
}
