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
        if case .scalar(let s) = node, s.style == .plain || s.style == .any {
            return ["", "~", "null", "Null", "NULL"].contains(s.string)
        }
        return false
    }

    /// The plain (unquoted) scalar text, or nil for quoted strings and collections.
    private var plainScalar: String? {
        if case .scalar(let s) = node, s.style != .singleQuoted, s.style != .doubleQuoted { return s.string }
        return nil
    }

    // MARK: scalars

    func number() throws(ProblemError) -> Double {
        guard let text = plainScalar, let v = Double(String(text.filter { $0 != "_" })) else {
            throw fail(.wrongType(expected: "a number", got: shape))
        }
        guard v.isFinite else { throw fail(.outOfRange(value: text, allowed: "finite numbers")) }
        return v
    }

    func positive() throws(ProblemError) -> Double {
        let v = try number()
        guard v > 0 else { throw fail(.outOfRange(value: Self.format(v), allowed: "> 0")) }
        return v
    }

    func nonNegative() throws(ProblemError) -> Double {
        let v = try number()
        guard v >= 0 else { throw fail(.outOfRange(value: Self.format(v), allowed: ">= 0")) }
        return v
    }

    func integer(minimum: Int = Int.min) throws(ProblemError) -> Int {
        guard let text = plainScalar, let v = Int(String(text.filter { $0 != "_" })) else {
            throw fail(.wrongType(expected: "an integer", got: shape))
        }
        guard v >= minimum else { throw fail(.outOfRange(value: String(v), allowed: ">= \(minimum)")) }
        return v
    }

    func unsigned64() throws(ProblemError) -> UInt64 {
        guard let text = plainScalar, let v = UInt64(String(text.filter { $0 != "_" })) else {
            throw fail(.wrongType(expected: "an integer in 0...\(UInt64.max)", got: shape))
        }
        return v
    }

    func string() throws(ProblemError) -> String {
        guard case .scalar(let s) = node else { throw fail(.wrongType(expected: "a string", got: shape)) }
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

    func list() throws(ProblemError) -> [YAMLField] {
        guard case .sequence(let seq) = node else { throw fail(.wrongType(expected: "a list", got: shape)) }
        return seq.enumerated().map { YAMLField(node: $0.element, path: "\(path)[\($0.offset)]", file: file) }
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
                throw YAMLField(node: k, path: path, file: file).fail(.wrongType(expected: "a key", got: "a collection"))
            }
            let key = ks.string
            let child = YAMLField(node: v, path: path.isEmpty ? key : "\(path).\(key)", file: file)
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
