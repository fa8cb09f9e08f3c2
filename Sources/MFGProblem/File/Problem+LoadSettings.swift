extension Problem {
    /// Reads the problem file at `path` (as `load(path:)`) with `--set key.path=value` settings
    /// applied (`ProblemOverrides`), and validates the effective text exactly like a file; the
    /// problem's `sourceText` is the effective text. Without settings this is `load(path:)`.
    public static func load(path: String, settings: [String]) throws(ProblemInputError) -> Problem {
        var parsed: [SettingOverride] = []
        for text in settings {
            do { parsed.append(try SettingOverride(parsing: text)) } catch { throw .setting(error) }
        }
        let text: String
        do {
            text = try FileContents.text(path: path, maximumBytes: ProblemLimits.fileBytes)
        } catch {
            throw .problem(ProblemError(file: path, field: "", kind: .unreadable(reason: error.description)))
        }
        let effective = try ProblemOverrides.apply(parsed, to: text, file: path)
        do { return try parse(yaml: effective, file: path) } catch { throw .problem(error) }
    }
}
