/// A continuous colour map defined by evenly spaced control colours,
/// interpolated linearly in sRGB.
public struct ColorMap: Sendable, Hashable {
    /// Control colours at positions 0, 1/(n-1), ..., 1.
    public var stops: [RGBColor]

    public init(stops: [RGBColor]) {
        precondition(stops.count >= 2, "a colour map needs at least two stops")
        self.stops = stops
    }

    /// The colour at `t` (clamped to 0...1). NaN maps to the first stop.
    public func color(at t: Double) -> RGBColor {
        guard t.isFinite else { return stops[0] }
        let clamped = min(max(t, 0), 1)
        let position = clamped * Double(stops.count - 1)
        let index = min(Int(position), stops.count - 2)
        return stops[index].mixed(with: stops[index + 1], position - Double(index))
    }

    /// A perceptually ordered dark-blue → green → yellow map, approximating
    /// viridis by nine control points sampled from it.
    public static let viridis = ColorMap(stops: [
        RGBColor(hex: 0x440154), RGBColor(hex: 0x472d7b), RGBColor(hex: 0x3b528b),
        RGBColor(hex: 0x2c728e), RGBColor(hex: 0x21918c), RGBColor(hex: 0x28ae80),
        RGBColor(hex: 0x5ec962), RGBColor(hex: 0xaddc30), RGBColor(hex: 0xfde725),
    ])

    /// A diverging blue → near-white → red map for signed differences;
    /// the midpoint (t = 0.5) corresponds to zero.
    public static let diverging = ColorMap(stops: [
        RGBColor(hex: 0x2166ac), RGBColor(hex: 0x67a9cf), RGBColor(hex: 0xd1e5f0),
        RGBColor(hex: 0xf7f7f7), RGBColor(hex: 0xfddbc7), RGBColor(hex: 0xef8a62),
        RGBColor(hex: 0xb2182b),
    ])
}

/// A colour map together with the data range it spans.
struct ColorScale {
    var map: ColorMap
    var lower: Double
    var upper: Double

    /// Normalised position of `value` in the range (0...1 inside it).
    func fraction(_ value: Double) -> Double {
        upper > lower ? (value - lower) / (upper - lower) : 0.5
    }

    func color(_ value: Double) -> RGBColor { map.color(at: fraction(value)) }

    /// A sequential scale over `range`, widened if degenerate.
    static func sequential(_ map: ColorMap, range: ClosedRange<Double>?) -> ColorScale {
        guard let range else { return ColorScale(map: map, lower: 0, upper: 1) }
        if range.upperBound > range.lowerBound {
            return ColorScale(map: map, lower: range.lowerBound, upper: range.upperBound)
        }
        let pad = max(abs(range.lowerBound) * 0.05, 1e-12)
        return ColorScale(map: map, lower: range.lowerBound - pad, upper: range.upperBound + pad)
    }

    /// A scale symmetric about zero covering ±max|value|.
    static func symmetric(_ map: ColorMap, range: ClosedRange<Double>?) -> ColorScale {
        let m = range.map { max(abs($0.lowerBound), abs($0.upperBound)) } ?? 1
        let bound = m > 0 ? m : 1
        return ColorScale(map: map, lower: -bound, upper: bound)
    }
}
