/// Why `mfg plot` cannot draw a figure: one line for the user and the exit code to leave with.
struct PlotError: Error, CustomStringConvertible, Equatable, Sendable {
    let description: String
    let code: Int32

    /// A flag, checkpoint or reference file is wrong; nothing was written.
    static func badInput(_ message: String) -> PlotError { PlotError(description: message, code: ExitCodes.badInput) }

    /// Something failed while computing or writing (a solver or file-system error).
    static func failure(_ message: String) -> PlotError { PlotError(description: message, code: 1) }
}
