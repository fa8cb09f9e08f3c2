import ArgumentParser
import MFGNeural
import MFGProblem

/// A network to benchmark: today's network (`plain`) or with optional parts, written as parts
/// joined by `+`: `diagonal` or `full` (the time-varying quadratic), `ct` (its time-only term
/// c(t), `network.time_term: polynomial`; needs a quadratic part), `sep<q>` (q separable units
/// per coordinate), `tsep<q>` (q time-scaled separable units, `network.separable_form:
/// time_scaled`), `spline<q>` (a quintic spline per coordinate on q intervals, `network.separable_form:
/// spline`, default range), e.g. `plain`, `full`, `full+ct`, `sep4`, `diagonal+sep8`, `diagonal+tsep4`,
/// `diagonal+spline24`.
struct NetworkVariant: CustomStringConvertible {
    var quadratic: QuadraticStructure = .none
    var separableWidth = 0
    var timeTerm = false
    var separableForm: SeparableForm = .fixed

    init(parsing text: String) throws {
        let word = text.trimmingCharacters(in: .whitespaces)
        guard word != "plain" else { return }
        for part in word.split(separator: "+").map(String.init) {
            if let q = QuadraticStructure(rawValue: part), q != .none, quadratic == .none {
                quadratic = q
            } else if part == "ct", !timeTerm {
                timeTerm = true
            } else if part.hasPrefix("sep"), let q = Int(part.dropFirst(3)),
                      NetworkSettings.separableWidthRange.contains(q), q > 0, separableWidth == 0 {
                separableWidth = q
            } else if part.hasPrefix("spline"), let q = Int(part.dropFirst(6)),
                      NetworkSettings.separableWidthRange.contains(q), q > 0, separableWidth == 0 {
                separableWidth = q
                separableForm = .spline
            } else if part.hasPrefix("tsep"), let q = Int(part.dropFirst(4)),
                      NetworkSettings.separableWidthRange.contains(q), q > 0, separableWidth == 0 {
                separableWidth = q
                separableForm = .timeScaled
            } else {
                throw ValidationError("--networks: '\(word)' is not a network (allowed: plain, or parts joined by '+': "
                                      + "diagonal or full, ct, sep<q>, tsep<q> or spline<q> with q in 1…64; e.g. full+ct, "
                                      + "full+sep4, diagonal+tsep4, diagonal+spline24)")
            }
        }
        if timeTerm && quadratic == .none {
            throw ValidationError("--networks: '\(word)': ct (the time-only term c(t)) needs a quadratic part: diagonal+ct or full+ct")
        }
    }

    var description: String {
        var parts: [String] = []
        if quadratic != .none { parts.append(quadratic.rawValue) }
        if timeTerm { parts.append("ct") }
        if separableWidth > 0 {
            let name = switch separableForm { case .fixed: "sep"; case .timeScaled: "tsep"; case .spline: "spline" }
            parts.append(name + "\(separableWidth)")
        }
        return parts.isEmpty ? "plain" : parts.joined(separator: "+")
    }

    /// The list given to `--networks`.
    static func list(_ text: String) throws -> [NetworkVariant] {
        let variants = try text.split(separator: ",").map { try NetworkVariant(parsing: String($0)) }
        guard !variants.isEmpty else { throw ValidationError("--networks: give at least one network") }
        return variants
    }

    /// The shape of this variant on top of the given network.
    func shape(dimension d: Int, width m: Int, residualLayers R: Int, rank: Int? = nil, step: Double? = nil,
               timeDegree p: Int, timeScale: Double) throws -> NetworkShape {
        try NetworkShape(dimension: d, width: m, residualLayers: R, rank: rank, step: step, quadratic: quadratic,
                         timeDegree: p, separableWidth: separableWidth, timeTerm: timeTerm, timeScale: timeScale,
                         separableForm: separableForm)
    }
}
