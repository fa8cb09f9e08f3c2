import Foundation

/// Tick positions chosen by the 1-2-5 rule, and their labels.
public enum NiceTicks {
    /// The "nice" step (1, 2 or 5 times a power of ten) closest to giving about
    /// `targetCount` intervals over `span`.
    public static func step(span: Double, targetCount: Int) -> Double {
        guard span > 0, span.isFinite else { return 1 }
        let raw = span / Double(max(targetCount, 1))
        let magnitude = pow(10, floor(Foundation.log10(raw)))
        let normalized = raw / magnitude
        let factor: Double
        if normalized < 1.5 { factor = 1 } else if normalized < 3 { factor = 2 } else if normalized < 7 { factor = 5 } else { factor = 10 }
        return factor * magnitude
    }

    /// Ticks at multiples of a 1-2-5 step that lie inside `lower...upper`
    /// (with a tiny tolerance so the end points count as inside).
    /// A degenerate range yields the single value.
    public static func linear(lower: Double, upper: Double, targetCount: Int = 5) -> [Double] {
        guard lower.isFinite, upper.isFinite else { return [] }
        let lo = min(lower, upper), hi = max(lower, upper)
        guard hi > lo else { return [lo] }
        let step = step(span: hi - lo, targetCount: targetCount)
        let eps = step * 1e-9
        let first = (lo / step - 1e-9).rounded(.up)
        let last = (hi / step + 1e-9).rounded(.down)
        guard last >= first else { return [] }
        var ticks: [Double] = []
        var k = first
        while k <= last && ticks.count < 1000 {
            var value = k * step
            if abs(value) < eps { value = 0 }
            ticks.append(value)
            k += 1
        }
        return ticks
    }

    /// Ticks for a log10 axis over the positive range `lower...upper`:
    /// powers of ten (thinned to every 2nd, 5th, ... decade when there are many),
    /// or 1-2-5 multiples when the range spans less than about two decades.
    public static func log10(lower: Double, upper: Double, targetCount: Int = 6) -> [Double] {
        guard lower > 0, upper > 0, lower.isFinite, upper.isFinite else { return [] }
        let lo = min(lower, upper), hi = max(lower, upper)
        let e0 = Int((Foundation.log10(lo) - 1e-9).rounded(.up))
        let e1 = Int((Foundation.log10(hi) + 1e-9).rounded(.down))
        let decades = e1 - e0 + 1
        if decades >= 3 {
            let stride = Int(step(span: Double(decades - 1), targetCount: max(targetCount - 1, 1)).rounded())
            let every = max(stride, 1)
            return (e0...e1).filter { $0 % every == 0 }.map { pow(10, Double($0)) }
        }
        var ticks: [Double] = []
        let eLow = Int(Foundation.log10(lo).rounded(.down))
        for e in eLow...max(e1, eLow) {
            for m in [1.0, 2.0, 5.0] {
                let value = m * pow(10, Double(e))
                if value >= lo * (1 - 1e-9) && value <= hi * (1 + 1e-9) { ticks.append(value) }
            }
        }
        if ticks.count >= 2 { return ticks }
        return linear(lower: lo, upper: hi, targetCount: 3).filter { $0 > 0 }
    }

    /// Labels for linear ticks: as many decimals as the step needs, scientific
    /// notation for very large or very small magnitudes, a true minus sign.
    public static func labels(for ticks: [Double]) -> [String] {
        guard !ticks.isEmpty else { return [] }
        let step = ticks.count > 1 ? abs(ticks[1] - ticks[0]) : max(abs(ticks[0]), 1)
        let biggest = ticks.map(abs).max() ?? 0
        if biggest >= 1e5 || (step < 1e-3 && biggest < 1e-2 || step < 1e-4) {
            return ticks.map { scientific($0) }
        }
        let decimals = max(0, Int((-Foundation.log10(step) + 1e-9).rounded(.up)))
        return ticks.map { value in
            var text = trimZeros(String(format: "%.\(min(decimals, 6))f", value))
            if text.hasPrefix("-") {
                text.removeFirst()
                if text.contains(where: { $0 != "0" && $0 != "." }) { text = "\u{2212}" + text }
            }
            return text
        }
    }

    /// Removes trailing zeros after a decimal point ("1.50" → "1.5", "2.0" → "2").
    static func trimZeros(_ text: String) -> String {
        guard text.contains(".") else { return text }
        var t = Substring(text)
        while t.hasSuffix("0") { t = t.dropLast() }
        if t.hasSuffix(".") { t = t.dropLast() }
        return String(t)
    }

    /// A compact scientific label such as `2e-3`.
    static func scientific(_ value: Double) -> String {
        if value == 0 { return "0" }
        let exponent = Int(Foundation.log10(abs(value)).rounded(.down))
        let mantissa = value / pow(10, Double(exponent))
        var m = Format.number(mantissa, digits: 2)
        if m.hasPrefix("-") { m = "\u{2212}" + m.dropFirst() }
        let e = exponent < 0 ? "\u{2212}\(-exponent)" : "\(exponent)"
        return "\(m)e\(e)"
    }
}
