/// One agent path: positions (already projected to 2D) at increasing times.
public struct Trajectory: Sendable, Hashable {
    public var times: [Double]
    public var points: [PlotPoint]

    public init(times: [Double], points: [PlotPoint]) {
        precondition(times.count == points.count, "Trajectory needs one time per point")
        self.times = times
        self.points = points
    }

    /// Convenience for coordinates given as separate arrays.
    public init(times: [Double], xs: [Double], ys: [Double]) {
        precondition(xs.count == ys.count, "Trajectory needs as many x as y values")
        self.init(times: times, points: zip(xs, ys).map { PlotPoint(x: $0, y: $1) })
    }
}

/// A scalar field drawn as contour lines under the trajectories.
public struct ContourField: Sendable, Hashable {
    /// Legend text, e.g. "obstacle Q" or "ρ₀".
    public var name: String
    public var field: GridField
    /// Explicit contour levels; when nil, `levelCount` levels are spread evenly
    /// inside the field's range.
    public var levels: [Double]?
    public var levelCount: Int
    /// Line colour; nil picks a default for the field's position.
    public var color: RGBColor?
    /// SVG dash pattern such as "5 3"; nil picks a default for the field's position.
    public var dash: String?

    public init(name: String, field: GridField, levels: [Double]? = nil, levelCount: Int = 5,
                color: RGBColor? = nil, dash: String? = nil) {
        self.name = name
        self.field = field
        self.levels = levels
        self.levelCount = levelCount
        self.color = color
        self.dash = dash
    }

    /// The levels actually drawn.
    var resolvedLevels: [Double] {
        levels ?? MarchingSquares.levels(for: field, count: levelCount)
    }

    /// Default styles chosen to stand apart from the viridis time colours.
    static let defaultColors = [RGBColor(hex: 0x222222), RGBColor(hex: 0xe4572e), RGBColor(hex: 0xc51b7d),
                                RGBColor(hex: 0x0072b2)]
    static let defaultDashes: [String?] = [nil, "6 3", "2 2.5", "8 3 2 3"]
}
