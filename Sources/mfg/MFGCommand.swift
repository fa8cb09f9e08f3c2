import ArgumentParser
import Foundation
import MFGNeural

/// `mfg`: solve mean-field games from problem files, check them against a grid and closed
/// forms, and draw the results. Thin: every computation lives in the library modules.
@main
struct MFGCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mfg",
        abstract: "Solve high-dimensional mean-field games and mean-field control problems.",
        version: SoftwareVersion.current,
        subcommands: [SolveCommand.self, EvaluateCommand.self, ValidateCommand.self,
                      ReferenceCommand.self, CompareCommand.self, PlotCommand.self, InfoCommand.self])

    /// Line-buffered standard output, so progress lines reach a log file or pipe as they are
    /// printed, not when a 4 KiB buffer fills.
    static func main() {
        BLASKernelSelection.selectIfNeeded()
        setvbuf(stdout, nil, _IOLBF, 0)
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            // A wrong flag (unknown option, unparsable or out-of-range value) is bad input like a
            // wrong problem file: exit code 2 as documented, not ArgumentParser's 64, and one line
            // like every other error (the usage block is one `--help` away).
            if exitCode(for: error) == .validationFailure {
                fail(oneLine(fullMessage(for: error)), code: ExitCodes.badInput)
            }
            exit(withError: error)
        }
    }
}

/// ArgumentParser's "Error: MESSAGE\nUsage: …\n  See 'mfg X --help' for more information." as
/// "MESSAGE (see 'mfg X --help')".
func oneLine(_ message: String) -> String {
    let lines = message.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
    var first = lines.first ?? message
    if first.hasPrefix("Error: ") { first.removeFirst("Error: ".count) }
    guard let see = lines.first(where: { $0.hasPrefix("See '") }), let end = see.range(of: "' ")?.lowerBound else { return first }
    return first + " (see" + see[see.index(see.startIndex, offsetBy: 3)..<end] + "')"
}
