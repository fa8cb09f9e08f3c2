import ArgumentParser
import Foundation

/// `mfg validate --json`: the compared quantities as one JSON document (snake_case keys; NaN or
/// ±∞ as null), whichever closed form the problem has (`check`: gaussian_kl_transport,
/// cole_hopf or riccati_lq), with the tolerances, the verdict and the reasons for a failure.
struct ValidateJSON: JSONReport {
    struct Quantity: Encodable {
        let name: String
        let neural: Double?
        let exact: Double?
        let relativeError: Double?
        let standardError: Double?
    }
    let problem: String
    let check: String
    var quantities: [Quantity] = []
    var tolerances: [String: Double] = [:]
    var pass = false
    var failures: [String] = []
    var notFinite: [String] = []
    var notes: [String] = []

    init(problem: String, check: String) { self.problem = problem; self.check = check }

    /// A compared value: the neural one, the reference, the relative error |a − b|/|b| unless
    /// given (none against a reference of 0), and a standard error when the comparison has one.
    mutating func add(_ name: String, neural: Double?, exact: Double?, relativeError: Double? = nil, standardError: Double? = nil) {
        let rel = relativeError ?? neural.flatMap { a in exact.flatMap { b in b == 0 ? nil : abs(a - b) / abs(b) } }
        quantities.append(Quantity(name: name, neural: Self.finite(neural), exact: Self.finite(exact), relativeError: Self.finite(rel),
                                   standardError: Self.finite(standardError)))
    }
}

extension ValidateCommand {
    /// A note before the report: on standard output, or on standard error with `--json` (which
    /// keeps standard output one JSON document).
    func note(_ line: String) {
        if json { FileHandle.standardError.write(Data((line + "\n").utf8)) } else { print(line) }
    }

    /// Prints the text report and the verdict, or with `--json` the document alone; exit 8 when a
    /// compared value is not finite, 4 when a tolerance is missed.
    func conclude(text: String, document: ValidateJSON, notFinite: [String], failures: [String], passLine: String) throws {
        if json {
            var doc = document
            doc.notFinite = notFinite
            doc.failures = notFinite.isEmpty ? failures : []
            doc.pass = notFinite.isEmpty && failures.isEmpty
            print(doc.encoded())
        } else {
            print(text)
            if !notFinite.isEmpty {
                print("NOT FINITE: " + notFinite.prefix(6).joined(separator: ", ")
                      + (notFinite.count > 6 ? " and \(notFinite.count - 6) more" : "") + " (NaN or ±∞); nothing is compared")
            } else if failures.isEmpty {
                print(passLine)
            } else {
                print("FAIL: " + failures.joined(separator: "; "))
            }
        }
        if !notFinite.isEmpty { throw ExitCode(ExitCodes.notFinite) }
        if !failures.isEmpty { throw ExitCode(ExitCodes.toleranceExceeded) }
    }
}
