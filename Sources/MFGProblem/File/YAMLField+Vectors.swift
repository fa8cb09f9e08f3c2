/// Vectors in problem files: full lists, or compact forms that stay readable in d = 100.
extension YAMLField {
    /// A vector of `count` numbers, written as
    /// - a list of exactly `count` numbers: `[0, 3]`;
    /// - one number, repeated: `0`;
    /// - a head and a fill value: `{head: [0, 3], rest: 0}` = (0, 3, 0, 0, …).
    ///
    /// `countName` says what fixes the length ("dimension", "the number of coordinates"), for
    /// messages such as `initial_density.mean: has 3 entries but dimension is 2`.
    func vector(count: Int, countName: String = "dimension") throws(ProblemError) -> [Double] {
        try budget.charge(numbers: count, at: self)
        switch node {
        case .scalar:
            let v = try number()
            return [Double](repeating: v, count: count)
        case .sequence:
            let items = try list()
            guard items.count == count else {
                throw fail(.wrongCount(got: items.count, expected: count, of: countName))
            }
            var out = [Double]()
            for item in items { out.append(try item.number()) }
            return out
        case .mapping:
            let m = try mapping(allowed: ["head", "rest"])
            let headField = try m.required("head")
            let head = try headField.list()
            guard head.count <= count else {
                throw headField.fail(.inconsistent("has \(head.count) entries but \(countName) is only \(count)"))
            }
            let rest = try m.optional("rest")?.number() ?? 0
            var out = [Double](repeating: rest, count: count)
            for (i, item) in head.enumerated() { out[i] = try item.number() }
            return out
        }
    }

    /// A variance: one positive number (isotropic) or a vector of positive numbers (diagonal),
    /// each at least `ProblemLimits.smallestPositive`.
    func variance(count: Int, countName: String = "dimension") throws(ProblemError) -> [Double] {
        let v = try vector(count: count, countName: countName)
        if let bad = v.firstIndex(where: { !($0 >= ProblemLimits.smallestPositive) }) {
            let allowed = v[bad] > 0 ? ">= \(ProblemLimits.smallestPositive)" : "> 0"
            if case .sequence(let seq) = node {
                throw item(at: bad, seq[bad]).fail(.outOfRange(value: Self.format(v[bad]), allowed: allowed))
            }
            throw fail(.outOfRange(value: Self.format(v[bad]), allowed: allowed))
        }
        return v
    }
}
