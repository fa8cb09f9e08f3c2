/// Reads bumps: `amplitude`, `center`, `variance` and either `coordinates` (one bump on those
/// coordinates jointly; all of 1…d when absent) or `each` (the same one-dimensional bump on
/// each listed coordinate: center and variance are then single numbers).
enum BumpReader {
    static let keys = ["amplitude", "coordinates", "each", "center", "variance"]

    /// The bumps of one entry: one for `coordinates`, one per coordinate for `each`.
    static func read(_ m: YAMLMapping, dimension d: Int) throws(ProblemError) -> [Bump] {
        let amplitude = try m.required("amplitude").number()
        if let e = m.optional("each") {
            if let c = m.optional("coordinates") {
                throw c.fail(.inconsistent("give either coordinates (one bump on all of them) or each (one bump per coordinate), not both"))
            }
            let set = try e.coordinateSet(dimension: d)
            // Each bump is a small value of its own (about 16 numbers' worth of memory).
            try e.budget.charge(numbers: 16 * set.count, at: e)
            let what = "the number of coordinates per bump (each:)"
            let center = try m.required("center").vector(count: 1, countName: what)
            let variance = try m.required("variance").variance(count: 1, countName: what)
            return set.map { Bump(amplitude: amplitude, coordinates: [$0], center: center, variance: variance, dimension: d) }
        }
        let coordinates = try m.optional("coordinates")?.coordinateSet(dimension: d) ?? Array(0..<d)
        let k = coordinates.count
        let what = "the number of coordinates"
        let center = try m.required("center").vector(count: k, countName: what)
        let variance = try m.required("variance").variance(count: k, countName: what)
        return [Bump(amplitude: amplitude, coordinates: coordinates, center: center, variance: variance, dimension: d)]
    }
}
