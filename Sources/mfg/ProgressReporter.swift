import Foundation
import MFGNeural
import MFGProblem

/// Shows training progress: on a terminal one self-updating line that fits its width
/// (`ProgressLine`), otherwise (a log file, a pipe) one line with every field at each logged
/// iteration (`TrainingSettings.logs(iteration:of:)`: every `log_every`, the first and the last;
/// with `log_every: 0` the last only).
final class ProgressReporter {
    let training: TrainingSettings
    let isTerminal = isatty(STDOUT_FILENO) != 0
    /// The last validation objective reported, shown on the terminal line until the next one.
    private var lastValidation: Double?

    init(training: TrainingSettings) { self.training = training }

    func report(_ p: TrainingProgress) {
        if let v = p.validation { lastValidation = v.total }
        if isTerminal {
            // One column fewer than the terminal's: a line that fills the last column wraps on some terminals.
            let line = ProgressLine(p, validation: lastValidation).text(width: TerminalWidth.columns - 1)
            print("\r" + line + "\u{1B}[K", terminator: "")
            if p.iteration == p.totalIterations { print("") }
            fflush(stdout)
        } else if training.logs(iteration: p.iteration, of: p.totalIterations) {
            print(ProgressLine(p, validation: p.validation?.total).text())
            fflush(stdout)
        }
    }
}

func duration(_ s: Double) -> String {
    guard s.isFinite else { return "?" }
    let secs = Int(s.rounded())
    if secs >= 3600 { return "\(secs / 3600)h\(String(format: "%02d", secs % 3600 / 60))m" }
    if secs >= 60 { return "\(secs / 60)m\(String(format: "%02d", secs % 60))s" }
    return "\(secs)s"
}

extension Double {
    /// Four significant digits.
    var short: String {
        let a = abs(self)
        if a != 0 && (a < 1e-3 || a >= 1e5) { return String(format: "%.3e", self) }
        return String(format: "%.4g", self)
    }
}
