/// An opaque sRGB colour with components in 0...1.
public struct RGBColor: Sendable, Hashable {
    public var red: Double
    public var green: Double
    public var blue: Double

    public init(red: Double, green: Double, blue: Double) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// Creates a colour from a 24-bit hex value such as `0x1f77b4`.
    public init(hex: UInt32) {
        red = Double((hex >> 16) & 0xff) / 255
        green = Double((hex >> 8) & 0xff) / 255
        blue = Double(hex & 0xff) / 255
    }

    /// The colour as `#rrggbb`.
    public var svg: String {
        func byte(_ c: Double) -> Int { Int((min(max(c, 0), 1) * 255).rounded()) }
        let value = (byte(red) << 16) | (byte(green) << 8) | byte(blue)
        let hex = String(value, radix: 16)
        return "#" + String(repeating: "0", count: 6 - hex.count) + hex
    }

    /// Linear interpolation between two colours (`t` in 0...1).
    public func mixed(with other: RGBColor, _ t: Double) -> RGBColor {
        RGBColor(red: red + (other.red - red) * t,
                 green: green + (other.green - green) * t,
                 blue: blue + (other.blue - blue) * t)
    }

    public static let black = RGBColor(hex: 0x000000)
    public static let white = RGBColor(hex: 0xffffff)
    public static let darkGray = RGBColor(hex: 0x333333)
    public static let gray = RGBColor(hex: 0x888888)

    /// A categorical palette of well-separated colours for lines and series.
    public static let palette: [RGBColor] = [
        RGBColor(hex: 0x1f77b4), RGBColor(hex: 0xd62728), RGBColor(hex: 0x2ca02c),
        RGBColor(hex: 0xff7f0e), RGBColor(hex: 0x9467bd), RGBColor(hex: 0x8c564b),
        RGBColor(hex: 0xe377c2), RGBColor(hex: 0x17becf),
    ]
}
