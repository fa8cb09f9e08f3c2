/// Reads `{type: gaussian, mean, variance}` and `{type: mixture, components: [...]}`.
enum DensityReader {
    static let types = ["gaussian", "mixture"]

    static func read(_ f: YAMLField, dimension d: Int) throws(ProblemError) -> Density {
        let m = try f.mapping(allowed: nil)
        let typeField = try m.required("type")
        let type = try typeField.string()
        switch type {
        case "gaussian":
            try m.only(["type", "mean", "variance"])
            return .gaussian(try gaussian(m, dimension: d))
        case "mixture":
            try m.only(["type", "components"])
            let listField = try m.required("components")
            let items = try listField.list()
            guard !items.isEmpty else {
                throw listField.fail(.inconsistent("a mixture needs at least one component"))
            }
            var parts: [(weight: Double, component: Gaussian)] = []
            for item in items {
                let c = try item.mapping(allowed: ["weight", "mean", "variance"])
                let w = try c.required("weight").positive()
                parts.append((w, try gaussian(c, dimension: d)))
            }
            // Weights are relative: they are normalised to sum to 1.
            let total = parts.reduce(0) { $0 + $1.weight }
            return .mixture(parts.map { (weight: $0.weight / total, component: $0.component) })
        default:
            throw typeField.fail(.unknownValue(type, allowed: types))
        }
    }

    static func gaussian(_ m: YAMLMapping, dimension d: Int) throws(ProblemError) -> Gaussian {
        let mean = try m.required("mean").vector(count: d)
        let variance = try m.required("variance").variance(count: d)
        return Gaussian(mean: mean, variance: variance)
    }
}

/// Reads a bump's fields (`amplitude`, `coordinates`, `center`, `variance`) from a mapping
/// whose keys the caller has already checked.
enum BumpReader {
    static let keys = ["amplitude", "coordinates", "center", "variance"]

    static func read(_ m: YAMLMapping, dimension d: Int) throws(ProblemError) -> Bump {
        let amplitude = try m.required("amplitude").number()
        var coordinates = Array(0..<d)
        if let cf = m.optional("coordinates") {
            let items = try cf.list()
            guard !items.isEmpty else { throw cf.fail(.inconsistent("needs at least one coordinate")) }
            coordinates = []
            for item in items {
                let c = try item.integer()
                guard c >= 1 && c <= d else {
                    throw item.fail(.outOfRange(value: String(c), allowed: "1...\(d), coordinates are 1-based"))
                }
                guard !coordinates.contains(c - 1) else {
                    throw item.fail(.inconsistent("coordinate \(c) is listed twice"))
                }
                coordinates.append(c - 1)
            }
        }
        let k = coordinates.count
        let what = "the number of coordinates"
        let center = try m.required("center").vector(count: k, countName: what)
        let variance = try m.required("variance").variance(count: k, countName: what)
        return Bump(amplitude: amplitude, coordinates: coordinates, center: center, variance: variance, dimension: d)
    }
}
