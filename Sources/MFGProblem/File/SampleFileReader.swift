import Foundation

/// Reads a table of samples, one row per agent and d columns, from a `.npy` (float64 or float32,
/// little-endian, C or Fortran order, shape (N, d)), an HDF5 dataset (`HDF5SampleTable`) or a `.csv` file (N lines of d numbers, comma-
/// or space-separated; blank lines and lines starting with `#` skipped), strictly: the file's size
/// is checked before it is read and the row count before the numbers are allocated, and a wrong
/// column count or a non-finite entry is refused naming the row. Errors are reasons without the
/// problem file's prefix (the density reader adds file and field).
enum SampleFileReader {
    /// The samples: N, the points d × N column-major (sample k's coordinate i at i + k·d), and the
    /// FNV-1a 64 hash of the file's bytes.
    struct Table {
        let count: Int
        let points: [Double]
        let fingerprint: UInt64
    }

    /// Reads `path` (written `name` in the problem) with `d` columns and between `minimumRows` and
    /// `maximumNumbers / d` rows; from an HDF5 file (`.h5`, `.hdf5`) its 2-D dataset `dataset`
    /// (`HDF5SampleTable`), which only such a file takes.
    static func read(path: String, name: String, dataset: String? = nil, columns d: Int, minimumRows: Int,
                     maximumNumbers: Int) throws(MatrixFileError) -> Table {
        let lower = path.lowercased()
        let npy = lower.hasSuffix(".npy")
        let hdf5 = lower.hasSuffix(".h5") || lower.hasSuffix(".hdf5")
        guard npy || hdf5 || lower.hasSuffix(".csv") else {
            throw MatrixFileError("\(name): unknown file type (allowed: .csv, .npy, .h5 or .hdf5 with a dataset)")
        }
        if hdf5 && dataset == nil {
            throw MatrixFileError("\(name): an HDF5 file needs the dataset to read (dataset: /path/in/file, shape (N, \(d)))")
        }
        if !hdf5, dataset != nil {
            throw MatrixFileError("\(name): dataset belongs to an HDF5 file (.h5, .hdf5); a .npy or .csv file is one table",
                                  concernsDataset: true)
        }
        // Limits before reading: 8 bytes per number in .npy, at most 32 characters per number as text,
        // and an HDF5 file's own structure besides its 8 bytes per number.
        let limit = (npy || hdf5 ? 8 : 32) * maximumNumbers + (hdf5 ? 1 << 20 : 65_536)
        let bytes: [UInt8]
        do { bytes = try FileContents.read(path: path, maximumBytes: limit) } catch {
            if case .tooLarge(let size, _) = error.reason {
                throw MatrixFileError("\(name): is \(size) bytes, too large for samples (allowed: at most \(limit) bytes, "
                                      + "\(maximumNumbers) numbers)")
            }
            throw MatrixFileError("cannot read \(name) (\(path)): \(error.description)")
        }
        let maximumRows = maximumNumbers / d
        let points = hdf5 ? try HDF5SampleTable.read(path: path, dataset: dataset!, name: name, columns: d, maximumRows: maximumRows)
            : npy ? try numpy(bytes, name: name, columns: d, maximumRows: maximumRows)
                  : try csv(Data(bytes), name: name, columns: d, maximumRows: maximumRows)
        let n = points.count / d
        guard n >= minimumRows else {
            throw MatrixFileError("\(name): has \(n) sample\(n == 1 ? "" : "s") (allowed: at least \(minimumRows))")
        }
        return Table(count: n, points: points, fingerprint: fnv1a64(bytes))
    }

    /// A 2-D `.npy` array of shape (N, d), transposed into d × N column-major.
    static func numpy(_ bytes: [UInt8], name: String, columns d: Int, maximumRows: Int) throws(MatrixFileError) -> [Double] {
        let h = try NPYReader.header(bytes, name: name)
        guard let shape = h.shape, shape.count == 2 else {
            throw MatrixFileError("\(name): shape \(h.shapeText) is not 2-D (allowed: (N, \(d)), one row per sample)")
        }
        let n = shape[0]
        guard shape[1] == d else {
            throw MatrixFileError("\(name): has \(shape[1]) columns but dimension is \(d) (allowed: shape (N, \(d)))")
        }
        guard n <= maximumRows else {
            throw MatrixFileError("\(name): has \(n) samples (allowed: at most \(maximumRows) at dimension \(d))")
        }
        let expected = n * d * h.itemSize
        guard bytes.count - h.dataStart == expected else {
            throw MatrixFileError("\(name): has \(bytes.count - h.dataStart) bytes of data, expected \(expected) for a \(n) × \(d) array")
        }
        var points = [Double](repeating: 0, count: n * d)
        for k in 0..<n {
            for i in 0..<d {
                let v = NPYReader.value(bytes, h, h.fortran ? k + i * n : k * d + i)
                guard v.isFinite else {
                    throw MatrixFileError("\(name): row \(k + 1), column \(i + 1) is not a finite number")
                }
                points[i + k * d] = v
            }
        }
        return points
    }

    /// Comma-separated (or, without commas, space-separated) rows of d numbers.
    static func csv(_ data: Data, name: String, columns d: Int, maximumRows: Int) throws(MatrixFileError) -> [Double] {
        guard let text = String(data: data, encoding: .utf8) else {
            throw MatrixFileError("\(name): not UTF-8 text")
        }
        let commas = text.contains(",")
        var points: [Double] = []
        var rows = 0
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = commas ? line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                                : line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard fields.count == d else {
                throw MatrixFileError("\(name): line \(index + 1) has \(fields.count) values but dimension is \(d)")
            }
            guard rows < maximumRows else {
                throw MatrixFileError("\(name): has more than \(maximumRows) samples (allowed: at most \(maximumRows) at dimension \(d))")
            }
            for (k, f) in fields.enumerated() {
                let t = f.trimmingCharacters(in: .whitespaces)
                guard let v = Double(t), v.isFinite else {
                    throw MatrixFileError("\(name): line \(index + 1), value \(k + 1): '\(t)' is not a finite number")
                }
                points.append(v)
            }
            rows += 1
        }
        return points
    }
}
