/// Reads one shaped obstacle of `running_cost.obstacle` (an entry with `shape: box | disk |
/// capsule`): `weight`, `amplitude`, `softness`, `coordinates` (exactly two) and the shape's own
/// fields — `lower`, `upper` (box), `center`, `radius` (disk), `from`, `to`, `radius` (capsule).
enum ShapeReader {
    /// The keywords of `shape:` (`gaussian` is today's bump, read by `BumpReader`).
    static let shapes = ["gaussian", "box", "disk", "capsule"]
    static let common = ["shape", "weight", "amplitude", "softness", "coordinates"]

    static func read(_ m: YAMLMapping, shape keyword: String, shapeField: YAMLField, dimension d: Int,
                     source: String) throws(ProblemError) -> ShapedObstacle {
        let own: [String]
        switch keyword {
        case "box": own = ["lower", "upper"]
        case "disk": own = ["center", "radius"]
        case "capsule": own = ["from", "to", "radius"]
        default: throw shapeField.fail(.unknownValue(keyword, allowed: shapes))
        }
        try m.only(common + own)
        let weight = try m.required("weight").nonNegative()
        let amplitude = try m.required("amplitude").number()
        let softness = try m.required("softness").positive()
        let coordinatesField = try m.required("coordinates")
        let coordinates = try coordinatesField.coordinateSet(dimension: d)
        guard coordinates.count == 2 else {
            throw coordinatesField.fail(.wrongCount(got: coordinates.count, expected: 2, of: "the number of coordinates of a \(keyword)"))
        }
        let what = "the number of coordinates"
        let shape: ShapedObstacle.Shape
        switch keyword {
        case "box":
            let lower = try m.required("lower").vector(count: 2, countName: what)
            let upperField = try m.required("upper")
            let upper = try upperField.vector(count: 2, countName: what)
            for c in 0..<2 where !(lower[c] < upper[c]) {
                throw upperField.fail(.outOfRange(value: YAMLField.format(upper[c]),
                                                  allowed: "above lower (\(YAMLField.format(lower[c]))) in every coordinate"))
            }
            shape = .box(lower: lower, upper: upper)
        case "disk":
            shape = .disk(center: try m.required("center").vector(count: 2, countName: what),
                          radius: try m.required("radius").positive())
        default:
            shape = .capsule(from: try m.required("from").vector(count: 2, countName: what),
                             to: try m.required("to").vector(count: 2, countName: what),
                             radius: try m.required("radius").positive())
        }
        return ShapedObstacle(shape: shape, weight: weight, amplitude: amplitude, softness: softness,
                              coordinates: coordinates, dimension: d, source: source)
    }
}
