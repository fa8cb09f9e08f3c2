import Foundation
import Testing
@testable import MFGProblem

/// The bad inputs of full covariances, covariance files, product densities and bump lists: one
/// line naming the file, the field and what is wrong (exact texts).
extension ProblemErrorTests {
    func initial(_ density: String) -> String {
        replacing("{type: gaussian, mean: [-1, 0], variance: 0.3}", density)
    }

    @Test func badInlineCovariances() {
        #expect(message(initial("{type: gaussian, mean: 0, covariance: [[1, 2], [2, 1]]}"))
                == "problems/x.yaml: initial_density.covariance: is not positive definite: its smallest eigenvalue is -1 "
                + "(allowed: all eigenvalues > 0)")
        #expect(message(initial("{type: gaussian, mean: 0, covariance: [[1, 0.1], [0.2, 1]]}"))
                == "problems/x.yaml: initial_density.covariance: is not symmetric: entry (1, 2) is 0.1 but entry (2, 1) is 0.2")
        #expect(message(initial("{type: gaussian, mean: 0, covariance: [[1, 0, 0], [0, 1, 0], [0, 0, 1]]}"))
                == "problems/x.yaml: initial_density.covariance: has 3 entries but dimension is 2")
        #expect(message(initial("{type: gaussian, mean: 0, covariance: [[1, 0], [0, 1, 0]]}"))
                == "problems/x.yaml: initial_density.covariance[2]: has 3 entries but dimension is 2")
        #expect(message(initial("{type: gaussian, mean: 0, covariance: [[1, 0], [0, x]]}"))
                == "problems/x.yaml: initial_density.covariance[2][2]: expected a number, got 'x'")
        #expect(message(initial("{type: gaussian, mean: 0, variance: 1, covariance: [[1, 0], [0, 1]]}"))
                == "problems/x.yaml: initial_density.covariance: give either variance or covariance, not both")
        #expect(message(initial("{type: gaussian, mean: 0}"))
                == "problems/x.yaml: initial_density.variance: missing required field (one of: variance, covariance)")
        #expect(message(initial("{type: gaussian, mean: 0, covariance: [[1, 0], [0, 1]], rotation: {seed: 1}}"))
                == "problems/x.yaml: initial_density.rotation: only used with variance (the covariance is given in full)")
        #expect(message(initial("{type: gaussian, mean: 0, variance: 1, rotation: {seed: -1}}"))
                == "problems/x.yaml: initial_density.rotation.seed: expected an integer in 0...18446744073709551615, got '-1'")
        #expect(message(initial("{type: gaussian, mean: 0, variance: [1, 0], rotation: {seed: 3}}"))
                == "problems/x.yaml: initial_density.variance[2]: 0 is out of range (allowed: > 0)")
    }

    /// Files are found next to the problem file; what is wrong with them is said with their name.
    @Test func badCovarianceFiles() {
        let file = covarianceFixtures + "/p.yaml"
        func fileMessage(_ name: String) -> String? {
            let yaml = """
            dimension: 3
            horizon: 1
            kinetic_weight: 1
            initial_density: {type: gaussian, mean: 0, covariance: {file: \(name)}}
            target_density: {type: gaussian, mean: 0, variance: 1}
            terminal_cost: {type: kl, weight: 1}
            penalties: {hjb: 1, terminal_hjb: 1}
            """
            do { _ = try Problem.parse(yaml: yaml, file: file); return nil } catch { return error.description }
        }
        #expect(fileMessage("spd3.npy") == nil)
        #expect(fileMessage("nowhere.npy")
                == "\(file): initial_density.covariance.file: cannot read nowhere.npy (\(covarianceFixtures)/nowhere.npy): no such file")
        #expect(fileMessage("bad-bigendian.npy")
                == "\(file): initial_density.covariance.file: bad-bigendian.npy: data type '>f8' is not allowed "
                + "(allowed: '<f8' float64 or '<f4' float32, little-endian)")
        #expect(fileMessage("indefinite3.npy")
                == "\(file): initial_density.covariance.file: indefinite3.npy: is not positive definite: "
                + "its smallest eigenvalue is -1 (allowed: all eigenvalues > 0)")
        #expect(fileMessage("nonsymmetric.csv")
                == "\(file): initial_density.covariance.file: nonsymmetric.csv: is not symmetric: entry (1, 2) is 0.5 "
                + "but entry (2, 1) is 0.4")
        #expect(fileMessage("ragged.csv")
                == "\(file): initial_density.covariance.file: ragged.csv: line 2 has 2 values but dimension is 3")
        #expect(fileMessage("{name: x}")
                == "\(file): initial_density.covariance.file: expected a string, got a mapping")
    }

    @Test func badProductDensities() {
        let d3 = replacing("dimension: 2", "dimension: 3").replacingOccurrences(of: "[1, 0]", with: "[1, 0, 0]")
        func product(_ blocks: String) -> String? {
            message(d3.replacingOccurrences(of: "{type: gaussian, mean: [-1, 0], variance: 0.3}",
                                            with: "{type: product, blocks: \(blocks)}"))
        }
        let g1 = "{type: gaussian, mean: 0, variance: 1}"
        let g2 = "{type: gaussian, mean: 0, variance: 1}"
        #expect(product("[{coordinates: [1, 2], density: \(g2)}, {coordinates: [3], density: \(g1)}]") == nil)
        #expect(product("[{coordinates: [1, 2], density: \(g2)}]")
                == "problems/x.yaml: initial_density.blocks: coordinate 3 is not covered by any block")
        #expect(product("[{coordinates: [1], density: \(g1)}]")
                == "problems/x.yaml: initial_density.blocks: coordinates 2, 3 are not covered by any block")
        #expect(product("[{coordinates: [1, 2], density: \(g2)}, {each: {from: 2, to: 3}, density: \(g1)}]")
                == "problems/x.yaml: initial_density.blocks[2].each: coordinate 2 is already covered by initial_density.blocks[1]")
        #expect(product("[{coordinates: [1, 2, 3], density: \(g1)}]")
                == "problems/x.yaml: initial_density.blocks[1].coordinates: has 3 coordinates (allowed: 1 or 2 per block; "
                + "use each: for one density per coordinate)")
        #expect(product("[{coordinates: [1, 4], density: \(g2)}]")
                == "problems/x.yaml: initial_density.blocks[1].coordinates[2]: 4 is out of range (allowed: 1...3, coordinates are 1-based)")
        #expect(product("[{each: {from: 3, to: 1}, density: \(g1)}]")
                == "problems/x.yaml: initial_density.blocks[1].each: from 3 is above to 1")
        #expect(product("[{coordinates: [1], each: [2], density: \(g1)}]")
                == "problems/x.yaml: initial_density.blocks[1].each: give either coordinates (one density for all of them) "
                + "or each (one per coordinate), not both")
        #expect(product("[{each: {from: 1, to: 3}, density: {type: gaussian, mean: [0, 0], variance: 1}}]")
                == "problems/x.yaml: initial_density.blocks[1].density.mean: has 2 entries but dimension is 1")
        #expect(product("[{each: {from: 1, to: 3}, density: {type: product, blocks: []}}]")
                == "problems/x.yaml: initial_density.blocks[1].density.type: unknown value 'product' (allowed: gaussian, mixture)")
        #expect(product("[]") == "problems/x.yaml: initial_density.blocks: a product needs at least one block")
    }

    @Test func badBumpLists() {
        let obstacle = "\nrunning_cost:\n  obstacle: "
        #expect(message(Self.valid + obstacle + "[{weight: 1, amplitude: 5, each: [1, 2], center: 0, variance: 1}]") == nil)
        #expect(message(Self.valid + obstacle + "{weight: 1, amplitude: 5, each: [1, 2], center: [0, 0], variance: 1}")
                == "problems/x.yaml: running_cost.obstacle.center: has 2 entries but the number of coordinates per bump (each:) is 1")
        #expect(message(Self.valid + obstacle + "{weight: 1, amplitude: 5, each: [1], coordinates: [1], center: 0, variance: 1}")
                == "problems/x.yaml: running_cost.obstacle.coordinates: give either coordinates (one bump on all of them) "
                + "or each (one bump per coordinate), not both")
        #expect(message(Self.valid + obstacle + "[{weight: 1, amplitude: 5, center: 0, variance: 1}, {weight: -1, amplitude: 5, center: 0, variance: 1}]")
                == "problems/x.yaml: running_cost.obstacle[2].weight: -1 is out of range (allowed: >= 0)")
        #expect(message(Self.valid + obstacle + "[]") == "problems/x.yaml: running_cost.obstacle: needs at least one obstacle")
        let preference = replacing("target_density: {type: gaussian, mean: [1, 0], variance: 1}\n", "")
            .replacingOccurrences(of: "{type: kl, weight: 5}", with: "{type: preference, weight: 1, g: G}")
        #expect(message(preference.replacingOccurrences(of: "G", with: "[{type: bump, amplitude: -1, each: {from: 1, to: 2}, center: 1, variance: 0.5}]")) == nil)
        #expect(message(preference.replacingOccurrences(of: "G", with: "[{type: quadratic, center: 0}]"))
                == "problems/x.yaml: terminal_cost.g[1].type: unknown value 'quadratic' (allowed: bump (a list of g terms holds bumps))")
    }

    /// A declared closed form whose covariances do not commute is refused with the measured
    /// commutator; commuting rotated ones (the same seed) are accepted.
    @Test func closedFormNeedsCommutingCovariances() {
        let rotated = initial("{type: gaussian, mean: [-1, 0], variance: [0.3, 0.5], rotation: {seed: 4}}")
        #expect(message(rotated.replacingOccurrences(of: "{type: gaussian, mean: [1, 0], variance: 1}",
                                                     with: "{type: gaussian, mean: [1, 0], variance: [1, 2], rotation: {seed: 4}}")
                        + "\nclosed_form: gaussian_kl_transport") == nil)
        let m = message(rotated.replacingOccurrences(of: "{type: gaussian, mean: [1, 0], variance: 1}",
                                                     with: "{type: gaussian, mean: [1, 0], variance: [1, 2]}")
                        + "\nclosed_form: gaussian_kl_transport")
        #expect(m?.hasPrefix("problems/x.yaml: closed_form: gaussian_kl_transport does not apply: the covariances of "
                             + "initial_density and target_density do not commute (‖Σ₀Σ₁ − Σ₁Σ₀‖/(‖Σ₀‖‖Σ₁‖) = ") == true)
        #expect(m?.hasSuffix(", allowed: at most 1e-09), so no rotation diagonalises both") == true)
        #expect(m.map { !$0.contains("\n") } == true)
    }
}
