import Yams

/// One `key.path=value` setting of `mfg solve --set` / `mfg reference --set`: a dotted path of
/// mapping keys and a YAML value (`100`, `0.02`, `adam`, `[1, 2]`, `{weight: 1}`) that replaces
/// what the problem file has at that path, or is added there.
///
/// Parsing checks only the setting's own form; whether the key is allowed and the value valid is
/// decided by reading the effective problem like a file (`ProblemOverrides`).
public struct SettingOverride: Sendable, Equatable {
    /// The setting as given, e.g. `network.width=32`.
    public let text: String
    /// The mapping keys from the top of the file, e.g. `["network", "width"]`.
    public let path: [String]
    /// The value's YAML text, e.g. `32`.
    public let valueText: String

    /// How many characters of a setting messages show.
    static let shownCharacters = 200

    /// Parses `key.path=value`: the path is the text before the first `=`, split at `.`, with no
    /// empty key and at most `ProblemLimits.nesting` keys.
    public init(parsing text: String) throws(SettingOverrideError) {
        self.text = text
        guard let equals = text.firstIndex(of: "=") else {
            throw SettingOverrideError(setting: text, message: "expected key.path=value")
        }
        let pathText = String(text[..<equals])
        valueText = String(text[text.index(after: equals)...])
        guard !pathText.isEmpty else {
            throw SettingOverrideError(setting: text, message: "the key path before '=' is empty")
        }
        path = pathText.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !path.contains(where: { $0.isEmpty }) else {
            throw SettingOverrideError(setting: text, message: "the key path '\(pathText)' has an empty key "
                                       + "(keys are separated by single dots)")
        }
        guard path.count <= ProblemLimits.nesting else {
            throw SettingOverrideError(setting: text, message: "the key path has \(path.count) keys "
                                       + "(allowed: at most \(ProblemLimits.nesting))")
        }
        guard valueText.utf8.count <= ProblemLimits.fileBytes else {
            throw SettingOverrideError(setting: text, message: "the value has \(valueText.utf8.count) bytes "
                                       + "(allowed: at most \(ProblemLimits.fileBytes))")
        }
    }

    /// The value as a YAML node; an empty value is null. Checked for nesting and size before it
    /// is composed, like a file.
    func valueNode() throws(SettingOverrideError) -> Node {
        do {
            try YAMLStructure.check(valueText, file: "")
        } catch {
            throw SettingOverrideError(setting: text, message: "the value is beyond the file limits: \(error.message)")
        }
        let node: Node?
        do {
            node = try Yams.compose(yaml: valueText)
        } catch let error as YamlError {
            throw SettingOverrideError(setting: text, message: "the value is not valid YAML: "
                                       + Problem.syntaxError(error, file: "").message)
        } catch {
            throw SettingOverrideError(setting: text, message: "the value is not valid YAML: \(error)")
        }
        return node ?? Node("null", Tag(.null))
    }

    /// `text` on one line: line breaks and other control characters are written as escapes.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value)
                    || scalar == "\u{2028}" || scalar == "\u{2029}" {
                    out += "\\u{\(String(scalar.value, radix: 16))}"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }
}
