import Foundation

/// How data values map to an axis.
public enum AxisKind: Sendable, Hashable {
    case linear
    /// Base-10 logarithmic; only positive values can be shown.
    case log10
}

/// Maps a data interval onto a pixel interval, linearly or in log10.
struct AxisScale {
    var kind: AxisKind
    var lower: Double
    var upper: Double
    /// Pixel position of `lower` and of `upper` (for y, start > end).
    var start: Double
    var end: Double

    private func transform(_ v: Double) -> Double {
        kind == .log10 ? Foundation.log10(v) : v
    }

    /// Whether the value can be placed on this axis at all.
    func accepts(_ v: Double) -> Bool {
        v.isFinite && (kind == .linear || v > 0)
    }

    /// Pixel position of `v` (extrapolates outside the domain).
    func position(_ v: Double) -> Double {
        let a = transform(lower), b = transform(upper)
        guard b != a else { return (start + end) / 2 }
        return start + (transform(v) - a) / (b - a) * (end - start)
    }

    /// Tick values for this axis, aiming at about `target` ticks.
    func ticks(target: Int) -> [Double] {
        switch kind {
        case .linear: return NiceTicks.linear(lower: lower, upper: upper, targetCount: target)
        case .log10: return NiceTicks.log10(lower: lower, upper: upper, targetCount: target)
        }
    }
}

/// Finite data bounds of a set of values, optionally only the positive ones.
struct Bounds {
    var lower = Double.infinity
    var upper = -Double.infinity

    mutating func include(_ v: Double) {
        guard v.isFinite else { return }
        lower = min(lower, v)
        upper = max(upper, v)
    }

    var range: ClosedRange<Double>? { lower <= upper ? lower...upper : nil }

    /// The range widened by `fraction` of its span on both sides (or by a small
    /// absolute amount when degenerate).
    func padded(_ fraction: Double) -> ClosedRange<Double>? {
        guard let r = range else { return nil }
        let span = r.upperBound - r.lowerBound
        let pad = span > 0 ? span * fraction : max(abs(r.lowerBound) * 0.1, 0.5)
        return (r.lowerBound - pad)...(r.upperBound + pad)
    }
}
