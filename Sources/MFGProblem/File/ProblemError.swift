/// Why a problem file was rejected: one line naming the file, the field and what is allowed.
///
/// `description` reads, for example,
///
///     problems/x.yaml: training.optimizer: unknown value 'sgd' (allowed: adam, lbfgs)
///     problems/x.yaml: initial_density.mean: has 3 entries but dimension is 2
///     problems/x.yaml: line 4, column 3: YAML syntax error: mapping values are not allowed in this context
public struct ProblemError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// The file could not be read.
        case unreadable(reason: String)
        /// The text is not valid YAML.
        case syntax(message: String)
        /// A key that the schema does not know at this place.
        case unknownKey(String, allowed: [String])
        /// A key given twice in the same mapping.
        case duplicateKey(String)
        /// A required field is absent.
        case missing(allowed: [String]?)
        /// A keyword value that is not one of the allowed ones.
        case unknownValue(String, allowed: [String])
        /// The value has the wrong YAML shape or type (e.g. a list where a number belongs).
        case wrongType(expected: String, got: String)
        /// A list of the wrong length for the dimension or for another field.
        case wrongCount(got: Int, expected: Int, of: String)
        /// A number outside its allowed range.
        case outOfRange(value: String, allowed: String)
        /// A spelling of NaN or ±∞ (`.nan`, `.inf`), or a decimal too large for a Double.
        case notFinite(String)
        /// The YAML is well-formed but beyond the reader's limits (nesting depth, node count).
        case structure(String)
        /// Fields that are valid alone but contradict each other.
        case inconsistent(String)
    }

    /// The file the problem came from (as given to `load`/`parse`).
    public let file: String
    /// Dotted path of the offending field, e.g. `training.optimizer` or
    /// `initial_density.components[2].weight`; empty for the top level and for syntax errors.
    public let field: String
    public let kind: Kind
    /// 1-based line of the offending node, when known.
    public let line: Int?
    /// 1-based column of the offending node, when known.
    public let column: Int?

    public init(file: String, field: String, kind: Kind, line: Int? = nil, column: Int? = nil) {
        self.file = file
        self.field = field
        self.kind = kind
        self.line = line
        self.column = column
    }

    /// The message without the file and field prefix.
    public var message: String {
        switch kind {
        case .unreadable(let reason):
            return "cannot read file: \(reason)"
        case .syntax(let message):
            return "YAML syntax error: \(message)"
        case .unknownKey(let key, let allowed):
            return "unknown key '\(key)' (allowed: \(allowed.joined(separator: ", ")))"
        case .duplicateKey(let key):
            return "key '\(key)' is given more than once"
        case .missing(let allowed):
            if let allowed { return "missing required field (one of: \(allowed.joined(separator: ", ")))" }
            return "missing required field"
        case .unknownValue(let value, let allowed):
            return "unknown value '\(value)' (allowed: \(allowed.joined(separator: ", ")))"
        case .wrongType(let expected, let got):
            return "expected \(expected), got \(got)"
        case .wrongCount(let got, let expected, let of):
            return "has \(got) \(got == 1 ? "entry" : "entries") but \(of) is \(expected)"
        case .outOfRange(let value, let allowed):
            return "\(value) is out of range (allowed: \(allowed))"
        case .notFinite(let value):
            return "\(value) is not a finite number (allowed: finite numbers)"
        case .structure(let message):
            return message
        case .inconsistent(let message):
            return message
        }
    }

    public var description: String {
        var prefix = file + ": "
        switch kind {
        case .syntax, .structure:
            if let line { prefix += "line \(line)" + (column.map { ", column \($0)" } ?? "") + ": " }
        default: break
        }
        if !field.isEmpty { prefix += field + ": " }
        return prefix + message
    }
}
