/// A dataset's contents read back from a file: its elements in row-major (C) order and
/// its shape, exactly as numpy/h5py see them (`values.count` is the product of `shape`;
/// a scalar dataset has shape `[]` and one value).
public struct HDF5Array<Element>: CustomStringConvertible {
    /// The elements, last index varying fastest.
    public var values: [Element]
    /// The extent of each dimension, outermost first.
    public var shape: [Int]

    /// Makes an array from values and shape; the caller keeps them consistent.
    public init(values: [Element], shape: [Int]) {
        self.values = values
        self.shape = shape
    }

    public var description: String { "HDF5Array(shape: \(shape), \(values.count) values)" }
}

extension HDF5Array: Equatable where Element: Equatable {}
extension HDF5Array: Sendable where Element: Sendable {}

/// Shape arithmetic shared by reader and writer.
enum Shape {
    /// The number of elements of `shape`, or nil if a dimension is negative or the
    /// product overflows `Int`.
    static func elementCount(_ shape: [Int]) -> Int? {
        var count = 1
        for d in shape {
            guard d >= 0 else { return nil }
            let (p, overflow) = count.multipliedReportingOverflow(by: d)
            if overflow { return nil }
            count = p
        }
        return count
    }
}
