import Foundation
import Yams

extension Problem {
    /// Reads and validates the problem file at `path`: a regular file (not a directory, a FIFO or
    /// a device) of at most `ProblemLimits.fileBytes` of UTF-8 text.
    public static func load(path: String) throws(ProblemError) -> Problem {
        let text: String
        do {
            text = try FileContents.text(path: path, maximumBytes: ProblemLimits.fileBytes)
        } catch {
            throw ProblemError(file: path, field: "", kind: .unreadable(reason: error.description))
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses and validates problem-file text; `file` is used in messages and kept in `file`.
    /// The text's size, nesting and node count are checked before it is composed into a tree.
    public static func parse(yaml: String, file: String) throws(ProblemError) -> Problem {
        try parse(yaml: yaml, file: file, budget: ReadBudget())
    }

    /// `parse(yaml:file:)` with a given budget (tests use smaller ones).
    static func parse(yaml: String, file: String, budget: ReadBudget) throws(ProblemError) -> Problem {
        let size = yaml.utf8.count
        guard size <= ProblemLimits.fileBytes else {
            throw ProblemError(file: file, field: "", kind: .unreadable(
                reason: FileContentsError(.tooLarge(bytes: size, limit: ProblemLimits.fileBytes)).description))
        }
        // A UTF-8 byte-order mark (as some Windows editors write) is not YAML; the text is kept as is.
        let body = yaml.hasPrefix("\u{FEFF}") ? String(yaml.unicodeScalars.dropFirst()) : yaml
        try YAMLStructure.check(body, file: file)
        let root: Node?
        do {
            root = try Yams.compose(yaml: body)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ProblemError(file: file, field: "", kind: .syntax(message: "\(error)"))
        }
        guard let root else {
            throw ProblemError(file: file, field: "", kind: .syntax(message: "the file is empty"))
        }
        return try ProblemReader(file: file, source: yaml).read(YAMLField(node: root, path: "", file: file, budget: budget))
    }

    /// One-line message (with line and column) for a libyaml error.
    static func syntaxError(_ error: YamlError, file: String) -> ProblemError {
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let message = context.map { "\(problem) (\($0.text) at line \($0.mark.line))" } ?? problem
            return ProblemError(file: file, field: "", kind: .syntax(message: message),
                                line: mark.line, column: mark.column)
        case .reader(let problem, _, _, _):
            return ProblemError(file: file, field: "", kind: .syntax(message: problem))
        default:
            return ProblemError(file: file, field: "", kind: .syntax(message: "\(error)"))
        }
    }
}
