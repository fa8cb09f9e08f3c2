/// Why a problem given as a file and `--set` settings (`Problem.load(path:settings:)`) was refused:
/// a malformed setting, or the effective problem's usual `ProblemError` (naming the file and field).
public enum ProblemInputError: Error, CustomStringConvertible, Sendable, Equatable {
    /// A `--set` setting that cannot be applied (no `=`, an empty key, a path through a value).
    case setting(SettingOverrideError)
    /// The file, or the file with the settings applied, is not a valid problem.
    case problem(ProblemError)

    /// One line: the setting's or the problem's message.
    public var description: String {
        switch self {
        case .setting(let error): return error.description
        case .problem(let error): return error.description
        }
    }
}
