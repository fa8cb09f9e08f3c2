import Testing
import Foundation
import MFGMath
import MFGProblem
@testable import MFGGrid

/// The grid problem is built from the same cost terms as the neural objective (`LocalCost`,
/// their `gridForm`): the running terms summed into the cell cost, the terminal term a KL or a
/// preference; a term the grid cannot charge is refused by name.
@Suite("Cost terms on the grid")
struct GridCostTermsTests {
    static let yaml = """
        dimension: 2
        horizon: 1
        kinetic_weight: 1
        initial_density: {type: gaussian, mean: [0, 2], variance: 0.3}
        target_density: {type: gaussian, mean: [0, -2], variance: 0.4}
        running_cost:
          obstacle: {weight: 2, amplitude: 5, coordinates: [1, 2], center: [0, 0], variance: [1, 0.5]}
          entropy: {weight: 0.1}
        terminal_cost: {type: kl, weight: 5}
        penalties: {hjb: 1, terminal_hjb: 1}
        """

    /// The problem's fields at the cell centres of a 16 × 20 grid on [−5, 5] × [−6, 6].
    static func cells(_ f: (UnsafeBufferPointer<Double>, UnsafeMutableBufferPointer<Double>) -> Void) -> [Double] {
        let geo = GridGeometry(nx: 16, ny: 20, nt: 1, x1Lower: -5, x1Upper: 5, x2Lower: -6, x2Upper: 6, horizon: 1)
        var out = [Double](repeating: 0, count: 16 * 20)
        for j in 0..<20 { for i in 0..<16 {
            let (a, b) = geo.centre(i, j)
            var v = [0.0]
            [a, b].withUnsafeBufferPointer { x in v.withUnsafeMutableBufferPointer { f(x, $0) } }
            out[i + 16 * j] = v[0]
        } }
        return out
    }

    /// Obstacle (λ_Q = 2) and entropy (0.1) become the weighted field 2Q with λ_Q = 1 and λ_E =
    /// 0.1; the KL term the target e^(log ρ₁) with λ_G = 5 — exactly the numbers the grid was
    /// given before the terms (the same operations on the same values, so equal to the last bit).
    @Test func runningAndKLTermsBecomeTheCellCost() throws {
        let p = try Problem.parse(yaml: Self.yaml, file: "x.yaml")
        let grid = try GridProblem(problem: p, domain: [-5...5, -6...6], nx: 16, ny: 20)
        let q = try #require(p.activeObstacles)
        #expect(grid.lambdaQ == 1 && grid.lambdaE == 0.1)
        #expect(grid.obstacle == Self.cells { q.value($0, count: 1, into: $1) }.map { 2 * $0 })
        guard case let .kullbackLeibler(target, weight) = grid.terminal else { Issue.record("not KL"); return }
        #expect(weight == 5)
        #expect(target == Self.cells { p.targetDensity!.logDensity($0, count: 1, into: $1) }.map { Double.exp($0) })
    }

    @Test func preferenceTermBecomesTheTerminalField() throws {
        let p = try Problem.parse(yaml: Self.yaml
            .replacingOccurrences(of: "target_density: {type: gaussian, mean: [0, -2], variance: 0.4}\n", with: "")
            .replacingOccurrences(of: "terminal_cost: {type: kl, weight: 5}",
                                  with: "terminal_cost: {type: preference, weight: 3, g: {type: quadratic, center: [0, -2], scale: 2}}"),
            file: "x.yaml")
        let grid = try GridProblem(problem: p, domain: [-5...5, -6...6], nx: 16, ny: 20)
        guard case let .preference(g, weight) = grid.terminal else { Issue.record("not a preference"); return }
        #expect(weight == 3)
        #expect(g == Self.cells { x, out in out[0] = (x[0] * x[0] + (x[1] + 2) * (x[1] + 2)) })
    }

    /// A problem with σ > 0 goes on the grid with its noise (the Fokker–Planck constraint), and the
    /// log-quadratic terminal term has a cell form.
    @Test func noiseCarriesOverAndTheLogQuadraticHasACellForm() throws {
        let text = Self.yaml
            .replacingOccurrences(of: "target_density: {type: gaussian, mean: [0, -2], variance: 0.4}\n", with: "")
            .replacingOccurrences(of: "  entropy: {weight: 0.1}\n", with: "")
            .replacingOccurrences(of: "terminal_cost: {type: kl, weight: 5}",
                                  with: "terminal_cost: {type: log_quadratic, weight: 1, offset: 1, divisor: 2}")
        let p = try Problem.parse(yaml: text, file: "x.yaml")
        let grid = try GridProblem(problem: p, domain: [-5...5, -6...6], nx: 16, ny: 20)
        guard case let .preference(g, weight) = grid.terminal else { Issue.record("not a preference"); return }
        #expect(weight == 1)
        #expect(grid.sigma == 0)
        let expected = Self.cells { x, out in out[0] = Double.log((1 + x[0] * x[0] + x[1] * x[1]) / 2) }
        #expect(zip(g, expected).allSatisfy { abs($0 - $1) <= 1e-15 * max(1, abs($1)) })
        let noisy = try Problem.parse(yaml: text + "\nsigma: 0.5\nintegrator: {scheme: euler, steps: 4}", file: "x.yaml")
        let viscous = try GridProblem(problem: noisy, domain: [-5...5, -6...6], nx: 16, ny: 20)
        #expect(viscous.sigma == 0.5)
        #expect(GridGeometry(viscous, GridSettings(nx: 16, ny: 20, nt: 8)).diffusion == 0.125)
    }

    /// A running term with no cell form, and two terminal terms: one line naming the list and term.
    @Test func termsTheGridCannotChargeAreRefused() throws {
        let p = try Problem.parse(yaml: Self.yaml, file: "x.yaml")
        #expect(throws: ReferenceSetupError.unsupportedCost(file: "x.yaml", list: "running_cost", term: "no_grid_form",
                                                            reason: "it has no cell form (only terms linear in ρ, entropies and powers ρ^p)")) {
            try GridProblem(problem: p, running: p.runningCosts + [NoGridForm()], terminal: p.terminalCosts,
                            domain: [-5...5, -6...6], nx: 16, ny: 20)
        }
        do {
            _ = try GridProblem(problem: p, running: p.runningCosts, terminal: p.terminalCosts + p.terminalCosts,
                                domain: [-5...5, -6...6], nx: 16, ny: 20)
            Issue.record("two terminal terms were accepted")
        } catch {
            #expect(error.description == "x.yaml: terminal_cost: the grid reference solver cannot solve the term 'kl + kl': "
                    + "it takes exactly one terminal term")
        }
    }
}

/// A running term the grid cannot charge (its `gridForm` is nil); its values are never used.
private struct NoGridForm: LocalCost {
    var name: String { "no_grid_form" }
    var weight: Double { 1 }
    var dependsOnState: Bool { false }
    var dependsOnDensity: Bool { false }
    var stateGradientsAgree: Bool { true }
    var gridForm: GridCellForm? { nil }
    func evaluate(_ input: LocalCostInput<Double>, _ output: LocalCostOutput<Double>) {}
    func evaluate(_ input: LocalCostInput<Float>, _ output: LocalCostOutput<Float>) {}
}
