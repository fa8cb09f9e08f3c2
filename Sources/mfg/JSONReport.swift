import Foundation

/// A report that `--json` prints as one document: snake_case keys, sorted, pretty-printed,
/// slashes unescaped (`CompareJSON`, `EvaluateJSON`, `ValidateJSON`).
protocol JSONReport: Encodable {}

extension JSONReport {
    /// A number as the document holds it: nil (JSON null) for NaN or ±∞.
    static func finite(_ x: Double?) -> Double? { x.flatMap { $0.isFinite ? $0 : nil } }

    func encoded() -> String {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
