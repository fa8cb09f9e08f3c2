import Foundation
import Yams

extension Problem {
    /// Reads and validates the problem file at `path`.
    public static func load(path: String) throws(ProblemError) -> Problem {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            let reason = FileManager.default.fileExists(atPath: path) ? "not readable as UTF-8 text" : "no such file"
            throw ProblemError(file: path, field: "", kind: .unreadable(reason: reason))
        }
        return try parse(yaml: text, file: path)
    }

    /// Parses and validates problem-file text; `file` is used in messages and kept in `file`.
    public static func parse(yaml: String, file: String) throws(ProblemError) -> Problem {
        let root: Node?
        do {
            root = try Yams.compose(yaml: yaml)
        } catch let error as YamlError {
            throw syntaxError(error, file: file)
        } catch {
            throw ProblemError(file: file, field: "", kind: .syntax(message: "\(error)"))
        }
        guard let root else {
            throw ProblemError(file: file, field: "", kind: .syntax(message: "the file is empty"))
        }
        return try ProblemReader(file: file, source: yaml).read(YAMLField(node: root, path: "", file: file))
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
