/// Why a `--set key.path=value` setting cannot be applied, before the problem is read: one line
/// naming the setting as given, e.g.
///
///     --set training.iterations.x=3: training.iterations is a number, not a mapping
///     --set training.iterations: expected key.path=value
///
/// A value that is well-formed but that the file format refuses (an unknown key, a number out of
/// range) is not this error: it is the usual `ProblemError` of the effective problem, naming the
/// file and the field.
public struct SettingOverrideError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The setting as given (shortened to `SettingOverride.shownCharacters` characters).
    public let setting: String
    /// What is wrong with it.
    public let message: String

    public init(setting: String, message: String) {
        self.setting = setting.count > SettingOverride.shownCharacters
            ? String(setting.prefix(SettingOverride.shownCharacters)) + "…" : setting
        self.message = message
    }

    public var description: String { "--set \(SettingOverride.printable(setting)): \(message)" }
}
