/// The strict number syntax of problem files: decimal integers and decimals with an optional
/// exponent (`1`, `-0.3`, `.5`, `1e-3`, `2.5E+4`), with `_` allowed between digits (`1_000`).
/// Hexadecimal, octal and other spellings that a general-purpose parser would accept are not
/// numbers here; YAML's `.nan`, `.inf`, `-.inf` (and `nan`, `inf`, `infinity`) are recognised so
/// that they can be named as not finite instead of as not numbers.
enum NumberSyntax {
    /// What a scalar's text is.
    enum Parsed: Equatable {
        case value(Double)
        /// A spelling of NaN or ±∞, or a decimal too large for a Double (`1e999`).
        case notFinite
        case notANumber
    }

    /// YAML tags under which a scalar may still be a number (besides no tag at all).
    static let numberTags: Set<String> = ["tag:yaml.org,2002:float", "tag:yaml.org,2002:int"]
    static let integerTags: Set<String> = ["tag:yaml.org,2002:int"]

    static func decimal(_ text: String) -> Parsed {
        let lower = text.lowercased()
        let unsigned = lower.hasPrefix("+") || lower.hasPrefix("-") ? String(lower.dropFirst()) : lower
        if [".nan", "nan", ".inf", "inf", "infinity"].contains(unsigned) { return .notFinite }
        guard isDecimal(text), let v = Double(digits(text)) else { return .notANumber }
        return v.isFinite ? .value(v) : .notFinite
    }

    /// An optional sign and decimal digits (underscores between them).
    static func isInteger(_ text: String) -> Bool {
        var s = Substring(text)
        if s.first == "+" || s.first == "-" { s = s.dropFirst() }
        return isDigitRun(s)
    }

    /// The text without its `_` separators, ready for `Int(_:)` or `Double(_:)`.
    static func digits(_ text: String) -> String { String(text.filter { $0 != "_" }) }

    /// "!!str" for "tag:yaml.org,2002:str"; other tags as written.
    static func shortTag(_ tag: String) -> String {
        let prefix = "tag:yaml.org,2002:"
        return tag.hasPrefix(prefix) ? "!!" + tag.dropFirst(prefix.count) : tag
    }

    /// `[+-]? (digits (. digits?)? | . digits) ([eE] [+-]? digits)?`, digits possibly with inner `_`.
    private static func isDecimal(_ text: String) -> Bool {
        var s = Substring(text)
        if s.first == "+" || s.first == "-" { s = s.dropFirst() }
        var mantissa = s, exponent: Substring? = nil
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = s[..<e]
            exponent = s[s.index(after: e)...]
        }
        if var x = exponent {
            if x.first == "+" || x.first == "-" { x = x.dropFirst() }
            guard isDigitRun(x) else { return false }
        }
        let parts = mantissa.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        switch parts.count {
        case 1: return isDigitRun(parts[0])
        case 2:
            let (whole, fraction) = (parts[0], parts[1])
            if whole.isEmpty { return isDigitRun(fraction) }
            return isDigitRun(whole) && (fraction.isEmpty || isDigitRun(fraction))
        default: return false
        }
    }

    /// One or more ASCII digits, `_` allowed only between digits.
    private static func isDigitRun(_ s: Substring) -> Bool {
        guard let first = s.first, let last = s.last, first.isASCII, first.isNumber, last.isASCII, last.isNumber else {
            return false
        }
        return s.allSatisfy { ($0.isASCII && $0.isNumber) || $0 == "_" }
    }
}
