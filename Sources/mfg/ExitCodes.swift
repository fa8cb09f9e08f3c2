import ArgumentParser
import Foundation

/// Exit codes of `mfg` (documented in README.md).
enum ExitCodes {
    /// A problem file, checkpoint or flag is wrong, `mfg solve`'s output folder holds another run's
    /// checkpoint or `mfg reference`'s a reference.h5 (no `--force`), or `mfg plot --out` is not an SVG file in an existing folder;
    /// nothing was written.
    static let badInput: Int32 = 2
    /// Training diverged (NaN or blow-up); the last good checkpoint is kept.
    static let diverged: Int32 = 3
    /// `mfg validate` or `mfg compare`: an error exceeded its tolerance.
    static let toleranceExceeded: Int32 = 4
    /// `mfg validate`: the problem declares no closed form.
    static let noClosedForm: Int32 = 5
    /// `mfg validate`: the problem file now states another game than the run that wrote the checkpoint.
    static let problemChanged: Int32 = 6
    /// `mfg reference`: the grid solver stopped at its iteration limit before the tolerance.
    static let notConverged: Int32 = 7
    /// `mfg evaluate`, `validate`, `compare`: a computed term or comparison is NaN or ±∞ (the
    /// checkpoint's solution cannot be used; nothing passes).
    static let notFinite: Int32 = 8
    // Interrupted: 128 + the signal, 130 for Ctrl-C (SIGINT), 143 for SIGTERM (`Interrupt.exitCode`);
    // a checkpoint was written.
}

/// Prints one line to standard error and exits with `code`.
func fail(_ message: String, code: Int32) -> Never {
    FileHandle.standardError.write(Data(("mfg: " + message + "\n").utf8))
    exit(code)
}
