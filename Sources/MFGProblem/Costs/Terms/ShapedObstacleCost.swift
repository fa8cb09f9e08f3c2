import MFGMath

/// ∫ Σₖ λₖQₖ(x) ρ(x) dx for shaped obstacles (boxes, disks, capsules; `ShapedObstacle`): linear
/// in ρ, so δC/δρ = Σλₖ Qₖ, both gradients are ∇ₓ Σλₖ Qₖ, and the grid charges it as a linear
/// cell cost. Each obstacle carries its own weight, so the term's weight is 1.
public struct ShapedObstacleCost: LocalCost {
    public let obstacles: ShapedObstacles

    public init(_ obstacles: ShapedObstacles) { self.obstacles = obstacles }

    public var name: String { "shapes" }
    public var weight: Double { 1 }
    public var dependsOnState: Bool { true }
    public var stateGradientsAgree: Bool { true }
    public var dependsOnDensity: Bool { false }

    public var gridForm: GridCellForm? {
        let obstacles = obstacles
        return GridCellForm(linear: { x, n, out in obstacles.value(x, count: n, into: out) }, entropy: 0)
    }

    public func evaluate(_ input: LocalCostInput<Double>, _ output: LocalCostOutput<Double>) { compute(input, output) }
    public func evaluate(_ input: LocalCostInput<Float>, _ output: LocalCostOutput<Float>) { compute(input, output) }

    private func compute<T: Scalar>(_ input: LocalCostInput<T>, _ output: LocalCostOutput<T>) {
        let d = input.dimension, n = input.count
        obstacles.valueAndGradient(UnsafeBufferPointer(start: input.points, count: d * n), count: n,
                                   value: UnsafeMutableBufferPointer(start: output.value, count: n),
                                   gradient: UnsafeMutableBufferPointer(start: output.valueGradient, count: d * n))
        output.derivative.update(from: output.value, count: n)
    }
}
