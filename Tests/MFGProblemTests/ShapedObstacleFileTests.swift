import Testing
import MFGMath
@testable import MFGProblem

/// Shaped obstacles (`shape: box | disk | capsule` entries of `running_cost.obstacle`) in
/// problem files: parsed beside Gaussian entries into their own term, their values as the
/// documented formulas give them, and every bad input refused on one line naming the field.
@Suite("Shaped obstacles in problem files")
struct ShapedObstacleFileTests {
    static func yaml(_ obstacle: String, d: Int = 2) -> String {
        """
        dimension: \(d)
        horizon: 1
        kinetic_weight: 1
        initial_density: {type: gaussian, mean: 1, variance: 0.3}
        target_density: {type: gaussian, mean: -1, variance: 0.3}
        running_cost:
          obstacle:
        \(obstacle)
        terminal_cost: {type: kl, weight: 5}
        penalties: {hjb: 1, terminal_hjb: 1}
        """
    }

    static let list = """
        - {weight: 2, amplitude: 50, coordinates: [1, 2], center: [0, 0], variance: [1, 0.5]}
        - {shape: box, weight: 1, amplitude: 4, softness: 0.2, coordinates: [1, 2], lower: [-1, -2], upper: [1, 2]}
        - {shape: disk, weight: 0.5, amplitude: 3, softness: 0.1, coordinates: [2, 1], center: [1, 0], radius: 0.5}
        - {shape: capsule, weight: 1, amplitude: 6, softness: 0.3, coordinates: [1, 2], from: [0, 0], to: [2, 0], radius: 0.4}
      """

    @Test func aListOfShapesIsItsOwnTermBesideTheGaussians() throws {
        let p = try Problem.parse(yaml: Self.yaml(Self.list), file: "x.yaml")
        #expect(p.obstacleWeight == 2 && p.obstacles?.terms.count == 1)
        let shapes = try #require(p.shapedObstacles)
        #expect(shapes.obstacles.map(\.shape.keyword) == ["box", "disk", "capsule"])
        #expect(shapes.obstacles[1].coordinates == [1, 0])
        #expect(p.runningCosts.map(\.name) == ["obstacle", "shapes"])
        #expect(p.runningCosts[1].gridForm != nil)
        #expect(p.integrated(with: IntegratorSettings(scheme: .rk4, steps: 16)).shapedObstacles == shapes)
        // Shapes only: no Gaussian term at all.
        let only = try Problem.parse(yaml: Self.yaml("""
                - {shape: disk, weight: 1, amplitude: 3, softness: 0.1, coordinates: [1, 2], center: [1, 0], radius: 0.5}
              """), file: "x.yaml")
        #expect(only.obstacles == nil && only.runningCosts.map(\.name) == ["shapes"])
        #expect(only.gameDifferences(from: p).contains { $0.field == "running_cost.obstacle (shapes)" })
    }

    /// The values against the formulas of docs/problem-format.md, written out independently
    /// (relative 1e-14: the same arithmetic in another order).
    @Test func valuesFollowTheDocumentedFormulas() throws {
        let p = try Problem.parse(yaml: Self.yaml(Self.list), file: "x.yaml")
        let shapes = try #require(p.shapedObstacles)
        func sigma(_ z: Double) -> Double { 1 / (1 + Double.exp(-z)) }
        for point in [[0.3, -0.4], [1.7, 0.2], [-2.5, 3.0], [1.0, 0.05]] {
            let (a, b) = (point[0], point[1])
            let box = 4 / (1 + (Double.exp((-1 - a) / 0.2) + Double.exp((a - 1) / 0.2)
                                + Double.exp((-2 - b) / 0.2) + Double.exp((b - 2) / 0.2)))
            // The disk acts on (x₂, x₁): its centre (1, 0) is x₂ = 1, x₁ = 0.
            let rd = ((b - 1) * (b - 1) + a * a).squareRoot()
            let disk = 3 * sigma(-((rd * rd + 0.01).squareRoot() - (0.25 + 0.01).squareRoot()) / 0.1)
            let t = min(max(a / 2, 0), 1)
            let dc2 = (a - 2 * t) * (a - 2 * t) + b * b
            let capsule = 6 * sigma(-((dc2 + 0.09).squareRoot() - (0.16 + 0.09).squareRoot()) / 0.3)
            let expected = box + 0.5 * disk + capsule
            var out = [0.0]
            point.withUnsafeBufferPointer { x in out.withUnsafeMutableBufferPointer { shapes.value(x, count: 1, into: $0) } }
            #expect(abs(out[0] - expected) <= 1e-14 * expected, "at \(point): \(out[0]) against \(expected)")
        }
    }

    @Test(arguments: [
        ("- {shape: star, weight: 1, amplitude: 1, softness: 0.1, coordinates: [1, 2]}",
         "x.yaml: running_cost.obstacle[1].shape: unknown value 'star' (allowed: gaussian, box, disk, capsule)"),
        ("- {shape: box, weight: 1, amplitude: 1, softness: 0.1, coordinates: [1, 2], lower: [0, 0], upper: [1, 0]}",
         "x.yaml: running_cost.obstacle[1].upper"),
        ("- {shape: disk, weight: 1, amplitude: 1, softness: 0.1, coordinates: [1, 2], center: [0, 0], radius: 0}",
         "x.yaml: running_cost.obstacle[1].radius"),
        ("- {shape: capsule, weight: 1, amplitude: 1, softness: 0.1, coordinates: [1, 2], from: [0, 0], to: [1, 0], radius: -1}",
         "x.yaml: running_cost.obstacle[1].radius"),
        ("- {shape: disk, weight: 1, amplitude: 1, softness: 0, coordinates: [1, 2], center: [0, 0], radius: 1}",
         "x.yaml: running_cost.obstacle[1].softness"),
        ("- {shape: disk, weight: 1, amplitude: 1, softness: 0.1, coordinates: [1, 2, 3], center: [0, 0], radius: 1}",
         "x.yaml: running_cost.obstacle[1].coordinates"),
        ("- {shape: disk, weight: 1, amplitude: 1, softness: 0.1, coordinates: [1, 2], center: [0, 0, 0], radius: 1}",
         "x.yaml: running_cost.obstacle[1].center"),
        ("- {shape: box, weight: 1, amplitude: 1, softness: 0.1, coordinates: [1, 2], center: [0, 0], radius: 1}",
         "x.yaml: running_cost.obstacle[1]"),
    ])
    func badShapesAreRefusedNamingTheField(_ entry: String, _ prefix: String) {
        do {
            _ = try Problem.parse(yaml: Self.yaml("  " + entry, d: 3), file: "x.yaml")
            Issue.record("accepted \(entry)")
        } catch {
            #expect(error.description.hasPrefix(prefix), "\(error.description)")
            #expect(!error.description.contains("\n"))
        }
    }

    @Test func aShapeCouplesItsTwoCoordinates() throws {
        let p = try Problem.parse(yaml: Self.yaml("""
                - {shape: box, weight: 1, amplitude: 4, softness: 0.2, coordinates: [2, 3], lower: [-1, -2], upper: [1, 2]}
              """, d: 4), file: "x.yaml")
        let blocks = try p.separableBlocks()
        let withShape = try #require(blocks.first { $0.occurrences == [[1, 2]] })
        #expect(withShape.problem.shapedObstacles?.obstacles.first?.coordinates == [0, 1])
        #expect(blocks.filter { $0.problem.shapedObstacles == nil }.flatMap(\.occurrences).sorted { $0[0] < $1[0] } == [[0], [3]])
    }
}
