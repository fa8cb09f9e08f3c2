import Foundation
import Yams

/// A problem file's text with `--set key.path=value` settings applied: the effective problem a
/// run reads, stores in its checkpoint and resumes from.
///
/// The file is checked against the reader's limits and composed into a YAML tree; each setting,
/// in order, replaces the node at its path or adds it, creating missing mappings on the way (a
/// null value such as an empty `running_cost:` counts as missing). The tree is written back as
/// YAML under a comment line naming the settings and the file. The settings' keys and values are
/// not judged here: `Problem.parse` reads the effective text exactly like a file, so an unknown
/// key or a refused value gives the usual message naming the file and the field.
///
/// Without settings the effective text is the file's text, unchanged (comments included).
/// With settings the file's own comments and layout are not kept, only its content.
public enum ProblemOverrides {
    /// The effective problem text of `text` (read from `file`) with `settings` applied.
    public static func apply(_ settings: [SettingOverride], to text: String, file: String) throws(ProblemInputError) -> String {
        guard !settings.isEmpty else { return text }
        let size = text.utf8.count
        guard size <= ProblemLimits.fileBytes else {
            throw .problem(ProblemError(file: file, field: "", kind: .unreadable(
                reason: FileContentsError(.tooLarge(bytes: size, limit: ProblemLimits.fileBytes)).description)))
        }
        let body = text.hasPrefix("\u{FEFF}") ? String(text.unicodeScalars.dropFirst()) : text
        var root: Node
        do {
            try YAMLStructure.check(body, file: file)
            root = try compose(body, file: file) ?? Node.mapping(Node.Mapping([]))
        } catch {
            throw .problem(error)
        }
        for setting in settings {
            do {
                let value = try setting.valueNode()
                try set(value, at: setting.path[...], in: &root, passed: [], setting: setting)
            } catch {
                throw .setting(error)
            }
        }
        let yaml: String
        do {
            yaml = try Yams.serialize(node: root, width: -1)
        } catch {
            throw .problem(ProblemError(file: file, field: "", kind: .syntax(message: "cannot write the effective problem: \(error)")))
        }
        return header(settings, file: file) + yaml
    }

    /// The comment line above the effective text, e.g.
    /// `# problems/x.yaml with --set training.iterations=100 --set network.width=32`.
    static func header(_ settings: [SettingOverride], file: String) -> String {
        "# " + SettingOverride.printable(file) + " with "
            + settings.map { "--set " + SettingOverride.printable($0.text) }.joined(separator: " ") + "\n"
    }

    /// Whether `text` is an effective text made by `apply` with settings from `file` (it starts
    /// with the comment line `header` writes), rather than the file's own text. The header names
    /// the file as it was typed, while a checkpoint stores it made absolute
    /// (`Problem.absoluteFile`), so the two are matched by the file's name.
    public static func hasSettings(_ text: String, file: String) -> Bool {
        let firstLine = text.prefix { $0 != "\n" }
        guard firstLine.hasPrefix("# "), let marker = firstLine.range(of: " with --set ") else { return false }
        let named = String(firstLine[firstLine.index(firstLine.startIndex, offsetBy: 2)..<marker.lowerBound])
        let printable = SettingOverride.printable(file)
        return named == printable
            || URL(fileURLWithPath: named).lastPathComponent == URL(fileURLWithPath: printable).lastPathComponent
    }

    private static func compose(_ body: String, file: String) throws(ProblemError) -> Node? {
        do {
            return try Yams.compose(yaml: body)
        } catch let error as YamlError {
            throw Problem.syntaxError(error, file: file)
        } catch {
            throw ProblemError(file: file, field: "", kind: .syntax(message: "\(error)"))
        }
    }

    /// Sets `value` at `path` below `node` (`passed`: the keys above `node`).
    private static func set(_ value: Node, at path: ArraySlice<String>, in node: inout Node, passed: [String],
                            setting: SettingOverride) throws(SettingOverrideError) {
        guard let key = path.first else { node = value; return }
        var pairs: [(key: Node, value: Node)]
        let tag: Tag, style: Node.Mapping.Style
        switch node {
        case .mapping(let mapping):
            pairs = Array(mapping)
            tag = mapping.tag; style = mapping.style
        case .scalar where node.null != nil:
            pairs = []
            tag = Tag(.map); style = .any
        default:
            let name = passed.joined(separator: ".")
            throw SettingOverrideError(setting: setting.text, message: "\(name) is \(kind(of: node)), not a mapping")
        }
        let below = passed + [key]
        if let index = pairs.lastIndex(where: { $0.key.scalar?.string == key }) {
            try set(value, at: path.dropFirst(), in: &pairs[index].value, passed: below, setting: setting)
        } else {
            var child = Node("null", Tag(.null))
            try set(value, at: path.dropFirst(), in: &child, passed: below, setting: setting)
            pairs.append((Node(key), child))
        }
        node = .mapping(Node.Mapping(pairs.map { ($0.key, $0.value) }, tag, style))
    }

    /// "a number", "a list", … as messages name what a path runs into.
    private static func kind(of node: Node) -> String {
        switch node {
        case .sequence: return "a list"
        case .mapping: return "a mapping"
        case .scalar:
            if node.int != nil || node.float != nil { return "a number" }
            if node.bool != nil { return "a boolean" }
            return "a string"
        }
    }
}
