import Foundation
import MFGNeural

/// Shows training progress: one self-updating line on a terminal, plain log lines otherwise.
struct ProgressReporter {
    let logEvery: Int
    let isTerminal = isatty(STDOUT_FILENO) != 0

    func report(_ p: TrainingProgress) {
        let t = p.training
        let head = "it \(p.iteration)/\(p.totalIterations)" + (p.stage == 2 ? " [stage 2, n=\(p.batchSize)]" : "")
        let terms = "J \(t.total.short) L \(t.kinetic.short) F \(t.interaction.short) G \(t.terminal.short) "
            + "HJB \(t.hjb.short) tHJB \(t.terminalHJB.short)"
        let speed = String(format: "%.2f it/s", p.iterationsPerSecond) + ", left \(duration(p.secondsLeft))"
        if isTerminal {
            var line = "\r\(head)  \(terms)  \(speed)"
            if let v = p.validation { line += "  val J \(v.total.short)" }
            print(line + "\u{1B}[K", terminator: "")
            if p.iteration == p.totalIterations { print("") }
            fflush(stdout)
        } else if p.iteration % logEvery == 0 || p.iteration == 1 || p.iteration == p.totalIterations {
            var line = "\(head)  \(terms)  \(speed)"
            if let v = p.validation { line += "  val J \(v.total.short)" }
            print(line)
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
