import MFGMath

/// A fixed field q(x) of ℝᵈ that a cost term integrates against the density: evaluated in
/// batches, with its gradient. `Preference` (a bump, a sum of bumps, a quadratic) and
/// `ShapedObstacles` (boxes, disks, capsules) are such fields.
///
/// The requirements are per precision, not generic over `Scalar`: a term calls them through
/// the protocol, and a generic requirement would run the conformer's unspecialised generic body
/// (every `Double(x)` a dynamic conversion) on every point of every stage. With concrete
/// requirements the witnesses, compiled in the conformer's module, call its generic methods at
/// a known precision, which the compiler specialises.
public protocol PointField: Sendable {
    /// q at n points x (d × n) into `out` (n values).
    func value(_ x: UnsafeBufferPointer<Double>, count n: Int, into out: UnsafeMutableBufferPointer<Double>)
    func value(_ x: UnsafeBufferPointer<Float>, count n: Int, into out: UnsafeMutableBufferPointer<Float>)
    /// q and ∇q at n points; `gradient` is d × n.
    func valueAndGradient(_ x: UnsafeBufferPointer<Double>, count n: Int,
                          value: UnsafeMutableBufferPointer<Double>, gradient: UnsafeMutableBufferPointer<Double>)
    func valueAndGradient(_ x: UnsafeBufferPointer<Float>, count n: Int,
                          value: UnsafeMutableBufferPointer<Float>, gradient: UnsafeMutableBufferPointer<Float>)
}

extension Preference: PointField {}
extension ShapedObstacles: PointField {}

/// λ ∫ q(x) ρ(x) dx for a fixed field q: the obstacle running cost λ_Q ∫ Q ρ (q = Q, a sum of
/// bumps; term "obstacle"), the shaped obstacles Σλₖ∫Qₖρ (q = ΣλₖQₖ with each weight inside,
/// λ = 1; term "shapes") and the terminal preference λ_G ∫ g ρ(·, T). Linear in ρ, so
/// δC/δρ = λ q and both gradients are ∇q; no density dependence, and the grid charges it as a
/// linear cell cost.
public struct FieldCost<Field: PointField>: LocalCost {
    public let name: String
    public let weight: Double
    public let field: Field

    public init(name: String, weight: Double, field: Field) {
        self.name = name; self.weight = weight; self.field = field
    }

    public var dependsOnState: Bool { true }
    public var stateGradientsAgree: Bool { true }
    public var dependsOnDensity: Bool { false }

    public var gridForm: GridCellForm? {
        let field = field
        return GridCellForm(linear: { x, n, out in field.value(x, count: n, into: out) }, entropy: 0)
    }

    public func evaluate(_ input: LocalCostInput<Double>, _ output: LocalCostOutput<Double>) {
        let (x, value, gradient) = Self.buffers(input, output)
        field.valueAndGradient(x, count: input.count, value: value, gradient: gradient)
        output.derivative.update(from: output.value, count: input.count)
    }
    public func evaluate(_ input: LocalCostInput<Float>, _ output: LocalCostOutput<Float>) {
        let (x, value, gradient) = Self.buffers(input, output)
        field.valueAndGradient(x, count: input.count, value: value, gradient: gradient)
        output.derivative.update(from: output.value, count: input.count)
    }

    /// The points (d × n), values (n) and gradients (d × n) of a batch as buffers.
    private static func buffers<T: Scalar>(_ input: LocalCostInput<T>, _ output: LocalCostOutput<T>)
        -> (UnsafeBufferPointer<T>, UnsafeMutableBufferPointer<T>, UnsafeMutableBufferPointer<T>) {
        let d = input.dimension, n = input.count
        return (UnsafeBufferPointer(start: input.points, count: d * n), UnsafeMutableBufferPointer(start: output.value, count: n),
                UnsafeMutableBufferPointer(start: output.valueGradient, count: d * n))
    }
}

extension FieldCost where Field == Preference {
    /// A bump, sum of bumps or quadratic field (lets `field: .bumps(…)` name the case).
    public init(name: String, weight: Double, field: Preference) {
        self.name = name; self.weight = weight; self.field = field
    }
}

extension FieldCost where Field == ShapedObstacles {
    /// The shaped obstacles' term "shapes": each obstacle carries its own weight, so λ = 1.
    public init(shapes: ShapedObstacles) { self.init(name: "shapes", weight: 1, field: shapes) }
}
