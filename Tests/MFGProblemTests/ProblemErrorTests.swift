import Foundation
import Testing
@testable import MFGProblem

@Suite("Problem file errors")
struct ProblemErrorTests {
    static let valid = """
    name: t
    dimension: 2
    horizon: 1
    kinetic_weight: 2
    initial_density: {type: gaussian, mean: [-1, 0], variance: 0.3}
    target_density: {type: gaussian, mean: [1, 0], variance: 1}
    terminal_cost: {type: kl, weight: 5}
    penalties: {hjb: 3, terminal_hjb: 3}
    training:
      optimizer: adam
      iterations: 10
    """

    func message(_ yaml: String) -> String? {
        do {
            _ = try Problem.parse(yaml: yaml, file: "problems/x.yaml")
            return nil
        } catch {
            return error.description
        }
    }

    func replacing(_ old: String, _ new: String) -> String {
        precondition(Self.valid.contains(old))
        return Self.valid.replacingOccurrences(of: old, with: new)
    }

    @Test func validBaseParses() throws {
        let p = try Problem.parse(yaml: Self.valid, file: "problems/x.yaml")
        #expect(p.training.iterations == 10)
        #expect(p.network.rank == 3 && p.network.step == 0.5)
        #expect(p.file == "problems/x.yaml" && p.sourceText == Self.valid)
    }

    @Test func unknownValue() {
        #expect(message(replacing("optimizer: adam", "optimizer: sgd"))
                == "problems/x.yaml: training.optimizer: unknown value 'sgd' (allowed: adam, lbfgs)")
        #expect(message(replacing("optimizer: adam", "optimizer: adam\n  sampling: sobol"))
                == "problems/x.yaml: training.sampling: unknown value 'sobol' (allowed: iid, moment_matched, importance)")
    }

    /// Sample densities: a missing data file, and samples where only analytic densities are allowed
    /// (more cases in SampleDensityTests).
    @Test func sampleDensityFields() {
        // The path in parentheses is the file resolved next to the problem file (absolute here).
        let missing = message(replacing("{type: gaussian, mean: [-1, 0], variance: 0.3}", "{type: samples, file: moons.npy}")) ?? ""
        #expect(missing.hasPrefix("problems/x.yaml: initial_density.file: cannot read moons.npy (")
                && missing.hasSuffix("problems/moons.npy): no such file"), "\(missing)")
        #expect(message(replacing("{type: gaussian, mean: [1, 0], variance: 1}", "{type: samples, file: moons.npy}"))
                == "problems/x.yaml: target_density.type: samples is only allowed for initial_density and its product blocks "
                + "(a data file as ρ₀; target densities are analytic)")
        #expect(message(replacing("{type: gaussian, mean: [-1, 0], variance: 0.3}", "{type: histogram}"))
                == "problems/x.yaml: initial_density.type: unknown value 'histogram' (allowed: gaussian, mixture, product, samples)")
    }

    @Test func wrongVectorLength() {
        #expect(message(replacing("mean: [-1, 0]", "mean: [-1, 0, 0]"))
                == "problems/x.yaml: initial_density.mean: has 3 entries but dimension is 2")
    }

    @Test func unknownTopLevelKey() {
        #expect(message(replacing("training:", "trainng:"))
                == "problems/x.yaml: unknown key 'trainng' (allowed: name, description, dimension, horizon, "
                + "kinetic_weight, initial_density, target_density, running_cost, terminal_cost, penalties, "
                + "network, integrator, training, reference, closed_form, sigma)")
    }

    @Test func unknownNestedKey() {
        let m = message(replacing("optimizer: adam", "optimiser: adam"))
        #expect(m?.hasPrefix("problems/x.yaml: training: unknown key 'optimiser' (allowed: optimizer, iterations,") == true)
        #expect(message(replacing("{hjb: 3, terminal_hjb: 3}", "{hjb: 3, terminal: 3}"))
                == "problems/x.yaml: penalties: unknown key 'terminal' (allowed: hjb, terminal_hjb, final)")
    }

    @Test func missingField() {
        #expect(message(replacing("horizon: 1\n", "")) == "problems/x.yaml: horizon: missing required field")
        #expect(message(replacing("{hjb: 3, terminal_hjb: 3}", "{hjb: 3}"))
                == "problems/x.yaml: penalties.terminal_hjb: missing required field")
    }

    @Test func negativeVarianceAndWeight() {
        #expect(message(replacing("variance: 0.3", "variance: -0.3"))
                == "problems/x.yaml: initial_density.variance: -0.3 is out of range (allowed: > 0)")
        #expect(message(replacing("variance: 0.3", "variance: [0.3, 0]"))
                == "problems/x.yaml: initial_density.variance[2]: 0 is out of range (allowed: > 0)")
        let mixture = "{type: mixture, components: [{weight: 1, mean: 0, variance: 1}, {weight: -1, mean: 0, variance: 1}]}"
        #expect(message(replacing("{type: gaussian, mean: [-1, 0], variance: 0.3}", mixture))
                == "problems/x.yaml: initial_density.components[2].weight: -1 is out of range (allowed: > 0)")
        #expect(message(replacing("{type: kl, weight: 5}", "{type: kl, weight: -5}"))
                == "problems/x.yaml: terminal_cost.weight: -5 is out of range (allowed: >= 0)")
    }

    @Test func wrongType() {
        #expect(message(replacing("dimension: 2", "dimension: two"))
                == "problems/x.yaml: dimension: expected an integer, got 'two'")
        #expect(message(replacing("horizon: 1", "horizon: [1]"))
                == "problems/x.yaml: horizon: expected a number, got a list")
        #expect(message(replacing("horizon: 1", "horizon: '1'"))
                == "problems/x.yaml: horizon: expected a number, got the string '1'")
    }

    @Test func syntaxErrorNamesTheLine() throws {
        let broken = replacing("  iterations: 10", "  iterations: 10\n bad: [1, 2")
        let m = try #require(message(broken))
        #expect(m.hasPrefix("problems/x.yaml: line 1"))
        #expect(m.contains("YAML syntax error"))
        #expect(!m.contains("\n"))
        #expect(message("") == "problems/x.yaml: YAML syntax error: the file is empty")
        let tab = message("name: t\ndimension: 2\n  horizon: 1\n")
        #expect(tab?.hasPrefix("problems/x.yaml: line 3, column ") == true)
    }

    @Test func duplicateKey() {
        #expect(message(replacing("horizon: 1", "horizon: 1\nhorizon: 2"))
                == "problems/x.yaml: horizon: key 'horizon' is given more than once")
    }

    /// `reference.tolerance` and `reference.max_iterations`: read in both forms, range-checked.
    @Test func referenceStoppingRule() throws {
        let grid = "\nreference: {domain: [[-1, 1], [-1, 1]], grid: {nx: 8, ny: 8, nt: 4}"
        let p = try Problem.parse(yaml: Self.valid + grid + ", tolerance: 1e-5, max_iterations: 50000}", file: "problems/x.yaml")
        #expect(p.reference?.tolerance == 1e-5 && p.reference?.maxIterations == 50000)
        let q = try Problem.parse(yaml: Self.valid + grid + "}", file: "problems/x.yaml")
        #expect(q.reference?.tolerance == nil && q.reference?.maxIterations == nil)
        #expect(message(Self.valid + grid + ", tolerance: 1}")
                == "problems/x.yaml: reference.tolerance: 1 is out of range (allowed: 0 < tolerance < 1)")
        #expect(message(Self.valid + grid + ", tolerance: 0}")
                == "problems/x.yaml: reference.tolerance: 0 is out of range (allowed: > 0)")
        #expect(message(Self.valid + grid + ", max_iterations: 0}")
                == "problems/x.yaml: reference.max_iterations: 0 is out of range (allowed: 1...10000000)")
    }

    @Test func crossFieldRules() {
        #expect(message(replacing("target_density: {type: gaussian, mean: [1, 0], variance: 1}\n", ""))
                == "problems/x.yaml: target_density: required by terminal_cost type kl")
        #expect(message(Self.valid + "\nreference: {domain: [[-1, 1], [-1, 1]], grid: {nx: 8, ny: 8, nt: 4}}")
                == nil)
        let d3 = replacing("dimension: 2", "dimension: 3").replacingOccurrences(of: "[-1, 0]", with: "[-1, 0, 0]")
            .replacingOccurrences(of: "[1, 0]", with: "[1, 0, 0]")
        #expect(message(d3 + "\nreference: {domain: [[-1, 1], [-1, 1]], grid: {nx: 8, ny: 8, nt: 4}}")
                == "problems/x.yaml: reference.domain: the domain/grid form is for dimension 2 (dimension is 3); give per-block settings under reference.blocks")
        // Diagonal variances are allowed (the problem separates by coordinate); a mixture is not.
        #expect(message(replacing("{type: gaussian, mean: [-1, 0], variance: 0.3}",
                                  "{type: gaussian, mean: [-1, 0], variance: [0.3, 0.4]}") + "\nclosed_form: gaussian_kl_transport")
                == nil)
        #expect(message(replacing("{type: gaussian, mean: [-1, 0], variance: 0.3}",
                                  "{type: mixture, components: [{weight: 1, mean: [-1, 0], variance: 0.3}, {weight: 1, mean: [1, 1], variance: 0.3}]}")
                        + "\nclosed_form: gaussian_kl_transport")
                == "problems/x.yaml: closed_form: gaussian_kl_transport does not apply: initial_density must be a single Gaussian")
        #expect(message(Self.valid + "\nclosed_form: gaussian_kl_transport") == nil)
        #expect(message(Self.valid + "\nclosed_form: something")
                == "problems/x.yaml: closed_form: unknown value 'something' (allowed: gaussian_kl_transport, cole_hopf, riccati_lq)")
    }

    @Test func compactVectorsAndObstacle() throws {
        let yaml = replacing("mean: [-1, 0]", "mean: {head: [-1], rest: 0.5}") + """

        running_cost:
          obstacle: {weight: 1, amplitude: 50, coordinates: [2], center: [0], variance: 0.5}
          entropy: {weight: 0.01}
        """
        let p = try Problem.parse(yaml: yaml, file: "problems/x.yaml")
        guard case .gaussian(let g) = p.initialDensity else { Issue.record("not Gaussian"); return }
        #expect(g.mean == [-1, 0.5])
        #expect(p.obstacle?.coordinates == [1])
        #expect(p.obstacleWeight == 1 && p.entropyWeight == 0.01 && p.hasRunningCost)
        #expect(message(yaml.replacingOccurrences(of: "coordinates: [2]", with: "coordinates: [3]"))
                == "problems/x.yaml: running_cost.obstacle.coordinates[1]: 3 is out of range (allowed: 1...2, coordinates are 1-based)")
        #expect(message(yaml.replacingOccurrences(of: "center: [0]", with: "center: [0, 0]"))
                == "problems/x.yaml: running_cost.obstacle.center: has 2 entries but the number of coordinates is 1")
        #expect(message(replacing("mean: [-1, 0]", "mean: {head: [-1, 0, 0]}"))
                == "problems/x.yaml: initial_density.mean.head: has 3 entries but dimension is only 2")
    }

    @Test func preferenceAndSchedule() throws {
        let yaml = replacing("target_density: {type: gaussian, mean: [1, 0], variance: 1}\n", "")
            .replacingOccurrences(of: "{type: kl, weight: 5}",
                                  with: "{type: preference, weight: 2, g: {type: quadratic, center: [1, 1], scale: 4}}")
            + "\n  schedule: {factor: 0.5, every: 3}\n  stage2: {iterations: 5, batch_size: 64, learning_rate: 0.001}"
        let p = try Problem.parse(yaml: yaml, file: "problems/x.yaml")
        #expect(p.terminal == .preference(weight: 2, g: .quadratic(center: [1, 1], scale: 4)))
        #expect(p.training.schedule == .stepDecay(factor: 0.5, every: 3))
        #expect(p.training.stage2 == .init(iterations: 5, batchSize: 64, learningRate: 0.001))
        #expect(message(yaml.replacingOccurrences(of: "type: quadratic", with: "type: cubic"))
                == "problems/x.yaml: terminal_cost.g.type: unknown value 'cubic' (allowed: quadratic, bump)")
        #expect(message(yaml.replacingOccurrences(of: "{factor: 0.5, every: 3}", with: "{factor: 2, every: 3}"))
                == "problems/x.yaml: training.schedule.factor: 2 is out of range (allowed: 0 < factor <= 1)")
    }

    @Test func unreadableFile() {
        do {
            _ = try Problem.load(path: "/nonexistent/p.yaml")
            Issue.record("no error")
        } catch {
            #expect(error.description == "/nonexistent/p.yaml: cannot read file: no such file")
        }
    }
}

extension ProblemErrorTests {
    /// Errors carry the 1-based line and column of the offending key or value.
    @Test func errorsCarryPositions() {
        do {
            _ = try Problem.parse(yaml: "name: t\ndimension: 2\nhorizn: 1\n", file: "f.yaml")
            Issue.record("no error")
        } catch {
            #expect(error.line == 3 && error.column == 1)
            #expect(error.kind == .unknownKey("horizn", allowed: ProblemReader.topKeys))
        }
    }
}

extension ProblemErrorTests {
    /// `kinetic_weight` and `sigma` per coordinate: read as vectors (list or `{head, rest}`), a
    /// list of equal entries is the scalar, and each bad entry is named by its index on one line.
    @Test func perCoordinateKineticWeightAndSigma() throws {
        let p = try Problem.parse(yaml: replacing("kinetic_weight: 2", "kinetic_weight: [2, 0.5]"), file: "problems/x.yaml")
        #expect(p.kineticWeights == [2, 0.5] && p.kineticWeightsPerAxis == [2, 0.5] && !p.isIsotropic)
        #expect(abs(p.kineticWeight - 1) < 1e-15)   // the geometric mean: a scale only
        let same = try Problem.parse(yaml: replacing("kinetic_weight: 2", "kinetic_weight: [2, 2]"), file: "problems/x.yaml")
        #expect(same.kineticWeights == nil && same.kineticWeight == 2 && same.isIsotropic)
        let head = try Problem.parse(yaml: replacing("kinetic_weight: 2", "kinetic_weight: {head: [3], rest: 1}"),
                                     file: "problems/x.yaml")
        #expect(head.kineticWeights == [3, 1])
        #expect(p.gameDifferences(from: head).map(\.field) == ["kinetic_weight"])
        #expect(message(replacing("kinetic_weight: 2", "kinetic_weight: [2, 0]"))
                == "problems/x.yaml: kinetic_weight[2]: 0 is out of range (allowed: > 0)")
        #expect(message(replacing("kinetic_weight: 2", "kinetic_weight: [-1, 2]"))
                == "problems/x.yaml: kinetic_weight[1]: -1 is out of range (allowed: > 0)")
        #expect(message(replacing("kinetic_weight: 2", "kinetic_weight: [2, 1, 3]"))
                == "problems/x.yaml: kinetic_weight: has 3 entries but dimension is 2")
        #expect(message(replacing("kinetic_weight: 2", "kinetic_weight: {head: [2], rest: 0}"))
                == "problems/x.yaml: kinetic_weight: 0 is out of range (allowed: > 0)")
        #expect(message(replacing("kinetic_weight: 2", "kinetic_weight: [2, .inf]"))
                == "problems/x.yaml: kinetic_weight[2]: .inf is not a finite number (allowed: finite numbers)")
        #expect(message(replacing("kinetic_weight: 2", "kinetic_weight: [2, x]"))
                == "problems/x.yaml: kinetic_weight[2]: expected a number, got 'x'")
        // sigma: each entry 0 or positive, finite; the base file's KL is then refused as with one σ.
        #expect(message(Self.valid + "\nsigma: [0.5, -0.1]")
                == "problems/x.yaml: sigma[2]: -0.1 is out of range (allowed: >= 0)")
        #expect(message(Self.valid + "\nsigma: [0.5, .nan]")
                == "problems/x.yaml: sigma[2]: .nan is not a finite number (allowed: finite numbers)")
        #expect(message(Self.valid + "\nsigma: [0.5, 1, 1]") == "problems/x.yaml: sigma: has 3 entries but dimension is 2")
        #expect(message(Self.valid + "\nsigma: [0.5, 0]")?.hasPrefix("problems/x.yaml: sigma: sigma > 0 cannot be combined") == true)
        let quiet = try Problem.parse(yaml: Self.valid + "\nsigma: [0, 0]", file: "problems/x.yaml")
        #expect(quiet.sigma == 0 && quiet.sigmas == nil)
    }
}
