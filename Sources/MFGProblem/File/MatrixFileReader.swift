import Foundation

/// Reads a d × d matrix from a `.csv` or `.npy` file (a covariance written next to the problem
/// file), strictly: anything but exactly d rows of d finite numbers is refused with a reason.
enum MatrixFileReader {
    /// The matrix in `path`, which must be d × d. `name` is how the file is written in the
    /// problem (for messages). Errors are reasons without file or field prefix.
    static func read(path: String, name: String, dimension d: Int) throws(MatrixFileError) -> [[Double]] {
        let lower = path.lowercased()
        guard lower.hasSuffix(".csv") || lower.hasSuffix(".npy") else {
            throw MatrixFileError("\(name): unknown file type (allowed: .csv, .npy)")
        }
        // Limits before allocating: a d × d matrix needs at most ~64 bytes per number as text.
        let limit = 64 * d * d + 65_536
        let bytes: [UInt8]
        do { bytes = try FileContents.read(path: path, maximumBytes: limit) } catch {
            if case .tooLarge(let size, _) = error.reason {
                throw MatrixFileError("\(name): is \(size) bytes, too large for a \(d) × \(d) matrix (allowed: at most \(limit))")
            }
            throw MatrixFileError("cannot read \(name) (\(path)): \(error.description)")
        }
        if lower.hasSuffix(".npy") { return try NPYReader.matrix(bytes, name: name, dimension: d) }
        return try csv(Data(bytes), name: name, dimension: d)
    }

    /// Comma-separated values (or, in a file without commas, values separated by spaces, as
    /// numpy's `savetxt` writes by default); blank lines and lines starting with `#` are skipped.
    static func csv(_ data: Data, name: String, dimension d: Int) throws(MatrixFileError) -> [[Double]] {
        guard let text = String(data: data, encoding: .utf8) else {
            throw MatrixFileError("\(name): not UTF-8 text")
        }
        let commas = text.contains(",")
        var rows: [[Double]] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let fields = commas ? line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                                : line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
            guard rows.count < d else {
                throw MatrixFileError("\(name): has more than \(d) rows but dimension is \(d) (line \(index + 1))")
            }
            guard fields.count == d else {
                throw MatrixFileError("\(name): line \(index + 1) has \(fields.count) values but dimension is \(d)")
            }
            var row: [Double] = []
            for (k, f) in fields.enumerated() {
                let t = f.trimmingCharacters(in: .whitespaces)
                guard let v = Double(t), v.isFinite else {
                    throw MatrixFileError("\(name): line \(index + 1), value \(k + 1): '\(t)' is not a finite number")
                }
                row.append(v)
            }
            rows.append(row)
        }
        guard rows.count == d else { throw MatrixFileError("\(name): has \(rows.count) rows but dimension is \(d)") }
        return rows
    }
}

/// Why a matrix file was refused (the reason, naming the file as written in the problem).
struct MatrixFileError: Error, Equatable {
    let reason: String
    /// Whether the reason concerns the dataset named inside the file (an HDF5 sample file's
    /// `dataset` field) rather than the file itself.
    let concernsDataset: Bool
    init(_ reason: String, concernsDataset: Bool = false) { self.reason = reason; self.concernsDataset = concernsDataset }
}

/// A strict reader of numpy's `.npy` format (versions 1–3) for one 2-D array of float64 or
/// float32, little-endian, C or Fortran order.
///
/// Layout: the magic bytes `\x93NUMPY`, a major and a minor version byte, the header length
/// (2 bytes little-endian in version 1, 4 bytes in versions 2 and 3), then the header: a Python
/// dict literal such as `{'descr': '<f8', 'fortran_order': False, 'shape': (3, 3), }`, padded
/// with spaces and a newline; then the raw array data, nothing after it.
enum NPYReader {
    /// The parsed header of a `.npy` file: item size (8 or 4), order, shape, where the data start.
    struct Header {
        let itemSize: Int
        let fortran: Bool
        let shape: [Int]?
        let shapeText: String
        let dataStart: Int
    }

    /// Reads and checks the magic bytes, version and header dict (data type '<f8' or '<f4').
    static func header(_ bytes: [UInt8], name: String) throws(MatrixFileError) -> Header {
        let magic: [UInt8] = [0x93, 0x4E, 0x55, 0x4D, 0x50, 0x59]
        guard bytes.count >= 10, Array(bytes[0..<6]) == magic else {
            throw MatrixFileError("\(name): not a .npy file (it does not start with \\x93NUMPY)")
        }
        let major = bytes[6]
        var headerLength = 0, start = 0
        switch major {
        case 1:
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8
            start = 10
        case 2, 3:
            guard bytes.count >= 12 else { throw MatrixFileError("\(name): truncated .npy header") }
            headerLength = Int(bytes[8]) | Int(bytes[9]) << 8 | Int(bytes[10]) << 16 | Int(bytes[11]) << 24
            start = 12
        default:
            throw MatrixFileError("\(name): .npy format version \(major) is not supported (allowed: 1, 2, 3)")
        }
        guard start + headerLength <= bytes.count,
              let header = String(bytes: bytes[start..<(start + headerLength)], encoding: major == 3 ? .utf8 : .isoLatin1) else {
            throw MatrixFileError("\(name): truncated .npy header")
        }
        let fields = try headerFields(header, name: name)
        guard let descr = fields["descr"], let order = fields["fortran_order"], let shapeText = fields["shape"] else {
            throw MatrixFileError("\(name): the .npy header lacks descr, fortran_order or shape")
        }
        let itemSize: Int
        switch descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")) {
        case "<f8": itemSize = 8
        case "<f4": itemSize = 4
        default:
            throw MatrixFileError("\(name): data type \(descr) is not allowed (allowed: '<f8' float64 or '<f4' float32, little-endian)")
        }
        guard order == "False" || order == "True" else {
            throw MatrixFileError("\(name): fortran_order \(order) is not True or False")
        }
        let parts = shapeText.trimmingCharacters(in: CharacterSet(charactersIn: "() "))
            .split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        let dims = parts.compactMap { Int($0) }
        return Header(itemSize: itemSize, fortran: order == "True", shape: dims.count == parts.count ? dims : nil,
                      shapeText: shapeText, dataStart: start + headerLength)
    }

    /// The value at flat position k of the data (little-endian float64 or float32).
    @inline(__always)
    static func value(_ bytes: [UInt8], _ h: Header, _ k: Int) -> Double {
        let o = h.dataStart + k * h.itemSize
        if h.itemSize == 8 {
            var bits: UInt64 = 0
            for b in 0..<8 { bits |= UInt64(bytes[o + b]) << (8 * UInt64(b)) }
            return Double(bitPattern: bits)
        }
        var bits: UInt32 = 0
        for b in 0..<4 { bits |= UInt32(bytes[o + b]) << (8 * UInt32(b)) }
        return Double(Float(bitPattern: bits))
    }

    static func matrix(_ bytes: [UInt8], name: String, dimension d: Int) throws(MatrixFileError) -> [[Double]] {
        let h = try header(bytes, name: name)
        let shapeText = h.shapeText
        let itemSize = h.itemSize
        let dataStart = h.dataStart
        let shape = h.shape ?? []
        guard shape.count == 2 else {
            throw MatrixFileError("\(name): shape \(shapeText) is not 2-D (allowed: (\(d), \(d)))")
        }
        let rows = shape[0], cols = shape[1]
        guard rows == d && cols == d else {
            throw MatrixFileError("\(name): shape (\(rows), \(cols)) but dimension is \(d) (allowed: (\(d), \(d)))")
        }
        let expected = d * d * itemSize
        guard bytes.count - dataStart == expected else {
            throw MatrixFileError("\(name): has \(bytes.count - dataStart) bytes of data, expected \(expected) for a \(d) × \(d) array")
        }
        var values = [Double](repeating: 0, count: d * d)
        for k in 0..<(d * d) { values[k] = value(bytes, h, k) }
        let fortran = h.fortran
        var out: [[Double]] = []
        for i in 0..<d {
            var row: [Double] = []
            for j in 0..<d {
                let v = fortran ? values[i + j * d] : values[i * d + j]
                guard v.isFinite else {
                    throw MatrixFileError("\(name): entry (\(i + 1), \(j + 1)) is not a finite number")
                }
                row.append(v)
            }
            out.append(row)
        }
        return out
    }

    /// The header dict's entries as raw text: key (unquoted) → value text (quotes kept for
    /// strings, e.g. `'<f8'`, `False`, `(3, 3)`).
    static func headerFields(_ header: String, name: String) throws(MatrixFileError) -> [String: String] {
        var text = Substring(header.trimmingCharacters(in: .whitespacesAndNewlines))
        guard text.first == "{", text.last == "}" else { throw MatrixFileError("\(name): the .npy header is not a dict") }
        text = text.dropFirst().dropLast()
        var fields: [String: String] = [:]
        while true {
            text = text.drop { $0 == " " || $0 == "," || $0 == "\n" }
            if text.isEmpty { break }
            guard let quote = text.first, quote == "'" || quote == "\"",
                  let end = text.dropFirst().firstIndex(of: quote) else {
                throw MatrixFileError("\(name): cannot parse the .npy header")
            }
            let key = String(text[text.index(after: text.startIndex)..<end])
            text = text[text.index(after: end)...].drop { $0 == " " }
            guard text.first == ":" else { throw MatrixFileError("\(name): cannot parse the .npy header") }
            text = text.dropFirst().drop { $0 == " " }
            var value = ""
            if text.first == "(" {
                guard let close = text.firstIndex(of: ")") else { throw MatrixFileError("\(name): cannot parse the .npy header") }
                value = String(text[...close])
                text = text[text.index(after: close)...]
            } else if let q = text.first, q == "'" || q == "\"" {
                guard let close = text.dropFirst().firstIndex(of: q) else {
                    throw MatrixFileError("\(name): cannot parse the .npy header")
                }
                value = String(text[...close])
                text = text[text.index(after: close)...]
            } else {
                let end = text.firstIndex(of: ",") ?? text.endIndex
                value = text[..<end].trimmingCharacters(in: .whitespaces)
                text = text[end...]
            }
            fields[key] = value
        }
        return fields
    }
}
