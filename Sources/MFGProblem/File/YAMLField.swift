import Yams

/// A YAML node together with its dotted path, so every check can name the field it rejects.
///
/// The problem parser walks Yams' `Node` tree through these wrappers instead of decoding into
/// `Codable` types: that is what lets every message name the file, the field path and the
/// allowed values, and what makes unknown keys an error at any depth.
struct YAMLField {
    let node: Node
    let path: String
    let file: String
    /// What the whole file may still make the reader build (shared by every field of the file).
    let budget: ReadBudget

    func fail(_ kind: ProblemError.Kind) -> ProblemError {
        ProblemError(file: file, field: path, kind: kind, line: node.mark?.line, column: node.mark?.column)
    }

    /// Short human description of what this node is, for "expected X, got Y".
    var shape: String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .scalar(let s):
            if s.style == .singleQuoted || s.style == .doubleQuoted { return "the string '\(s.string)'" }
            return "'\(s.string)'"
        }
    }

    var isNull: Bool {
        if case .scalar(let s) = node, s.style == .plain || s.style == .any, s.tag.description.isEmpty {
            return ["", "~", "null", "Null", "NULL"].contains(s.string)
        }
        return false
    }

    // MARK: scalars

    /// A finite number of magnitude at most `ProblemLimits.magnitude`, written in decimal
    /// (`NumberSyntax`). Quoted or `!!str`-tagged scalars are strings, not numbers; `.nan` and
    /// `.inf` are named as not finite.
    func number() throws(ProblemError) -> Double {
        let text = try numericText(expected: "a number", tags: NumberSyntax.numberTags)
        switch NumberSyntax.decimal(text) {
        case .value(let v):
            guard abs(v) <= ProblemLimits.magnitude else {
                throw fail(.outOfRange(value: text, allowed: "magnitude at most 1e12"))
            }
            return v
        case .notFinite:
            throw fail(.notFinite(text))
        case .notANumber:
            throw fail(.wrongType(expected: "a number", got: shape))
        }
    }

    /// A number ≥ `ProblemLimits.smallestPositive` (smaller positive values, subnormal ones
    /// included, are not meaningful and are refused with the bound).
    func positive() throws(ProblemError) -> Double {
        let v = try number()
        guard v >= ProblemLimits.smallestPositive else {
            throw fail(.outOfRange(value: Self.format(v), allowed: v > 0 ? ">= \(ProblemLimits.smallestPositive)" : "> 0"))
        }
        return v
    }

    /// 0, or a number ≥ `ProblemLimits.smallestPositive`.
    func nonNegative() throws(ProblemError) -> Double {
        let v = try number()
        guard v == 0 || v >= ProblemLimits.smallestPositive else {
            throw fail(.outOfRange(value: Self.format(v), allowed: v > 0 ? "0 or >= \(ProblemLimits.smallestPositive)" : ">= 0"))
        }
        return v
    }

    /// An integer in `minimum...maximum`; a literal too large for 64 bits is out of range too.
    func integer(minimum: Int = Int.min, maximum: Int = Int.max) throws(ProblemError) -> Int {
        let text = try numericText(expected: "an integer", tags: NumberSyntax.integerTags)
        let allowed = maximum == Int.max ? ">= \(minimum)" : "\(minimum)...\(maximum)"
        guard NumberSyntax.isInteger(text) else { throw fail(.wrongType(expected: "an integer", got: shape)) }
        guard let v = Int(NumberSyntax.digits(text)), v >= minimum, v <= maximum else {
            throw fail(.outOfRange(value: text, allowed: allowed))
        }
        return v
    }

    /// An integer in `range`.
    func integer(in range: ClosedRange<Int>) throws(ProblemError) -> Int {
        try integer(minimum: range.lowerBound, maximum: range.upperBound)
    }

    func unsigned64() throws(ProblemError) -> UInt64 {
        let expected = "an integer in 0...\(UInt64.max)"
        let text = try numericText(expected: expected, tags: NumberSyntax.integerTags)
        guard NumberSyntax.isInteger(text), let v = UInt64(NumberSyntax.digits(text)) else {
            throw fail(.wrongType(expected: expected, got: shape))
        }
        return v
    }

    /// The text of a plain scalar that may hold a number: not quoted, and untagged or tagged
    /// with one of `tags` (`!!int`, `!!float`); anything else is refused as the wrong type.
    private func numericText(expected: String, tags: Set<String>) throws(ProblemError) -> String {
        guard case .scalar(let s) = node, s.style != .singleQuoted, s.style != .doubleQuoted else {
            throw fail(.wrongType(expected: expected, got: shape))
        }
        let tag = s.tag.description   // "" when the scalar carries no tag
        guard tag.isEmpty || tags.contains(tag) else {
            throw fail(.wrongType(expected: expected, got: "'\(s.string)' tagged \(NumberSyntax.shortTag(tag))"))
        }
        return s.string
    }

    /// A scalar's text, without NUL characters (they cannot be stored in checkpoints, and would
    /// cut a file name short when it is handed to the C library).
    func string() throws(ProblemError) -> String {
        guard case .scalar(let s) = node else { throw fail(.wrongType(expected: "a string", got: shape)) }
        guard !s.string.unicodeScalars.contains("\0") else {
            throw fail(.inconsistent("contains a NUL character (allowed: text without NUL)"))
        }
        return s.string
    }

    /// A keyword from a closed list.
    func keyword<E: RawRepresentable & CaseIterable>(_ type: E.Type) throws(ProblemError) -> E where E.RawValue == String {
        let allowed = E.allCases.map(\.rawValue)
        guard case .scalar(let s) = node else {
            throw fail(.wrongType(expected: "one of \(allowed.joined(separator: ", "))", got: shape))
        }
        guard let v = E(rawValue: s.string) else { throw fail(.unknownValue(s.string, allowed: allowed)) }
        return v
    }

    static func format(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int(v)) : String(v)
    }

    // MARK: collections

    /// The items of a list; their paths count from 1 like coordinates (`components[1]` is the first).
    func list() throws(ProblemError) -> [YAMLField] {
        guard case .sequence(let seq) = node else { throw fail(.wrongType(expected: "a list", got: shape)) }
        return seq.enumerated().map { item(at: $0.offset, $0.element) }
    }

    /// Item `index` (0-based) of this list, with its path `path[index + 1]`.
    func item(at index: Int, _ node: Node) -> YAMLField {
        YAMLField(node: node, path: "\(path)[\(index + 1)]", file: file, budget: budget)
    }

    /// This node as a mapping whose keys are checked against `allowed` (nil: checked later with
    /// `YAMLMapping.only`). Duplicate keys are an error; keys with null values count as absent.
    func mapping(allowed: [String]?) throws(ProblemError) -> YAMLMapping {
        guard case .mapping(let m) = node else { throw fail(.wrongType(expected: "a mapping", got: shape)) }
        var entries: [String: YAMLField] = [:]
        var order: [String] = []
        var keyMarks: [String: Mark] = [:]
        for (k, v) in m {
            guard case .scalar(let ks) = k else {
                throw YAMLField(node: k, path: path, file: file, budget: budget).fail(.wrongType(expected: "a key", got: "a collection"))
            }
            let key = ks.string
            let child = YAMLField(node: v, path: path.isEmpty ? key : "\(path).\(key)", file: file, budget: budget)
            if entries[key] != nil { throw child.fail(.duplicateKey(key)) }
            order.append(key)
            keyMarks[key] = k.mark
            if !child.isNull { entries[key] = child }
        }
        let result = YAMLMapping(field: self, entries: entries, order: order, keyMarks: keyMarks)
        if let allowed { try result.only(allowed) }
        return result
    }
}

/// A checked YAML mapping: look up required and optional children by key.
struct YAMLMapping {
    let field: YAMLField
    let entries: [String: YAMLField]
    let order: [String]
    /// Where each key is written (for messages about the key itself).
    let keyMarks: [String: Mark]

    /// Rejects any key outside `allowed`, in file order.
    func only(_ allowed: [String]) throws(ProblemError) {
        for key in order where !allowed.contains(key) {
            let mark = keyMarks[key] ?? field.node.mark
            throw ProblemError(file: field.file, field: field.path, kind: .unknownKey(key, allowed: allowed),
                               line: mark?.line, column: mark?.column)
        }
    }

    func childPath(_ key: String) -> String { field.path.isEmpty ? key : "\(field.path).\(key)" }

    func required(_ key: String) throws(ProblemError) -> YAMLField {
        guard let f = entries[key] else {
            throw ProblemError(file: field.file, field: childPath(key), kind: .missing(allowed: nil),
                               line: field.node.mark?.line, column: field.node.mark?.column)
        }
        return f
    }

    func optional(_ key: String) -> YAMLField? { entries[key] }

    func has(_ key: String) -> Bool { entries[key] != nil }

    func missing(_ key: String, _ allowed: [String]? = nil) -> ProblemError {
        ProblemError(file: field.file, field: childPath(key), kind: .missing(allowed: allowed),
                     line: field.node.mark?.line, column: field.node.mark?.column)
    }
}
