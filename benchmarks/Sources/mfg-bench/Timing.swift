import Foundation

/// Wall-clock seconds of one call.
func seconds(_ body: () -> Void) -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) * 1e-9
}

/// Median wall time over `repeats` calls after one warm-up call.
func medianSeconds(repeats: Int, _ body: () -> Void) -> Double {
    body()
    let times = (0..<max(1, repeats)).map { _ in seconds(body) }.sorted()
    return times[times.count / 2]
}

/// Peak resident set size of this process so far, in bytes (getrusage: kilobytes on Linux).
func peakResidentBytes() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss * 1024
}

/// A plain text table with right-aligned columns.
struct Table {
    let headers: [String]
    var rows: [[String]] = []
    init(_ headers: [String]) { self.headers = headers }
    mutating func add(_ row: [String]) { rows.append(row) }
    func render() -> String {
        let widths = headers.indices.map { c in ([headers[c]] + rows.map { $0[c] }).map(\.count).max()! }
        func line(_ cells: [String]) -> String {
            "| " + cells.enumerated().map { String(repeating: " ", count: widths[$0] - $1.count) + $1 }
                .joined(separator: " | ") + " |"
        }
        let rule = "|" + widths.map { String(repeating: "-", count: $0 + 1) + ":" }.joined(separator: "|") + "|"
        return ([line(headers), rule] + rows.map(line)).joined(separator: "\n")
    }
}

func format(_ x: Double, _ digits: Int = 3) -> String { String(format: "%.\(digits)f", x) }
