/// Sets of coordinates in problem files: 1-based, as a list or as a range.
extension YAMLField {
    /// Distinct coordinates, returned 0-based in the order written, from
    /// - a non-empty list of 1-based integers: `[1, 2]`;
    /// - an inclusive 1-based range: `{from: 3, to: 100}` (x₃ … x₁₀₀).
    func coordinateSet(dimension d: Int) throws(ProblemError) -> [Int] {
        if case .mapping = node {
            let m = try mapping(allowed: ["from", "to"])
            let fromField = try m.required("from"), toField = try m.required("to")
            let from = try fromField.integer(), to = try toField.integer()
            for (v, field) in [(from, fromField), (to, toField)] where v < 1 || v > d {
                throw field.fail(.outOfRange(value: String(v), allowed: "1...\(d), coordinates are 1-based"))
            }
            guard from <= to else { throw fail(.inconsistent("from \(from) is above to \(to)")) }
            try budget.charge(numbers: to - from + 1, at: self)
            return Array((from - 1)..<to)
        }
        let items = try list()
        guard !items.isEmpty else { throw fail(.inconsistent("needs at least one coordinate")) }
        var coordinates: [Int] = []
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
        return coordinates
    }
}
