import ArgumentParser
import Foundation

/// Exit codes of `mfg` (documented in README.md).
enum ExitCodes {
    /// A problem file, checkpoint or flag is wrong; nothing was written.
    static let badInput: Int32 = 2
    /// Training diverged (NaN or blow-up); the last good checkpoint is kept.
    static let diverged: Int32 = 3
    /// `mfg validate` or `mfg compare`: an error exceeded its tolerance.
    static let toleranceExceeded: Int32 = 4
    /// `mfg validate`: the problem declares no closed form.
    static let noClosedForm: Int32 = 5
    /// `mfg validate`: the problem file changed since the run that wrote the checkpoint.
    static let problemChanged: Int32 = 6
    /// `mfg reference`: the grid solver stopped at its iteration limit before the tolerance.
    static let notConverged: Int32 = 7
    /// Interrupted by Ctrl-C (a checkpoint was written).
    static let interrupted: Int32 = 130
}

/// Prints one line to standard error and exits with `code`.
func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data(("mfg: " + message + "\n").utf8))
    exit(code)
}
