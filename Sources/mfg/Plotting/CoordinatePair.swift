import Foundation

/// The two coordinates a figure is drawn on, 0-based (the command line says 1-based).
struct CoordinatePair: Equatable, Sendable {
    let first: Int
    let second: Int

    /// Axis labels, 1-based as in problem files: "x1", "x2".
    var labels: (String, String) { ("x\(first + 1)", "x\(second + 1)") }

    /// Parses `--dims` text such as "1,2" and checks it against the dimension `d`.
    ///
    /// Errors are one line naming the flag, the offending value and the allowed range.
    static func parse(_ text: String, dimension d: Int, problem: String) throws(PlotError) -> CoordinatePair {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }
        guard parts.count == 2, let a = Int(parts[0]), let b = Int(parts[1]) else {
            throw .badInput("--dims must be two 1-based coordinates such as 1,2; got '\(text)'")
        }
        for c in [a, b] where c < 1 || c > d {
            throw .badInput("--dims \(text): coordinate \(c) is out of range; problem '\(problem)' has d = \(d) "
                            + "(allowed: 1…\(d))")
        }
        guard a != b else { throw .badInput("--dims \(text): the two coordinates must differ") }
        return CoordinatePair(first: a - 1, second: b - 1)
    }
}
