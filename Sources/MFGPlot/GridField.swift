/// A scalar field sampled on a regular (tensor-product) grid.
///
/// `values[i + j * xs.count]` is the value at `(xs[i], ys[j])`. Both coordinate
/// arrays must be strictly increasing. NaN values mark missing data: they are
/// left blank in heat maps and cells touching them produce no contour.
public struct GridField: Sendable, Hashable {
    public var xs: [Double]
    public var ys: [Double]
    public var values: [Double]

    public init(xs: [Double], ys: [Double], values: [Double]) {
        precondition(values.count == xs.count * ys.count,
                     "GridField needs xs.count * ys.count values")
        self.xs = xs
        self.ys = ys
        self.values = values
    }

    /// Samples `f` on the grid.
    public init(xs: [Double], ys: [Double], _ f: (Double, Double) -> Double) {
        var values: [Double] = []
        values.reserveCapacity(xs.count * ys.count)
        for y in ys { for x in xs { values.append(f(x, y)) } }
        self.init(xs: xs, ys: ys, values: values)
    }

    /// The value at grid node `(i, j)`.
    public subscript(i: Int, j: Int) -> Double { values[i + j * xs.count] }

    /// Smallest and largest finite value, or nil when there is none.
    public var finiteRange: ClosedRange<Double>? {
        var b = Bounds()
        for v in values { b.include(v) }
        return b.range
    }

    /// Bilinear interpolation at `(x, y)`, clamped to the grid; NaN if a
    /// neighbouring node is NaN or the grid is empty.
    public func interpolate(x: Double, y: Double) -> Double {
        guard !xs.isEmpty, !ys.isEmpty else { return .nan }
        func locate(_ coords: [Double], _ v: Double) -> (Int, Double) {
            if coords.count == 1 { return (0, 0) }
            if v <= coords[0] { return (0, 0) }
            if v >= coords[coords.count - 1] { return (coords.count - 2, 1) }
            var lo = 0, hi = coords.count - 1
            while hi - lo > 1 {
                let mid = (lo + hi) / 2
                if coords[mid] <= v { lo = mid } else { hi = mid }
            }
            return (lo, (v - coords[lo]) / (coords[lo + 1] - coords[lo]))
        }
        let (i, tx) = locate(xs, x)
        let (j, ty) = locate(ys, y)
        let i1 = min(i + 1, xs.count - 1), j1 = min(j + 1, ys.count - 1)
        let a = self[i, j] * (1 - tx) + self[i1, j] * tx
        let b = self[i, j1] * (1 - tx) + self[i1, j1] * tx
        return a * (1 - ty) + b * ty
    }

    /// This field resampled onto the nodes of `xs` × `ys`.
    public func resampled(xs newXs: [Double], ys newYs: [Double]) -> GridField {
        if newXs == xs && newYs == ys { return self }
        return GridField(xs: newXs, ys: newYs) { interpolate(x: $0, y: $1) }
    }

    /// Evenly spaced coordinates from `lower` to `upper` (inclusive).
    public static func linspace(_ lower: Double, _ upper: Double, count: Int) -> [Double] {
        guard count > 1 else { return [lower] }
        return (0..<count).map { lower + (upper - lower) * Double($0) / Double(count - 1) }
    }
}
