/// Errors thrown by the HDF5 store.
///
/// Every case names the file it concerns and, where relevant, the object path inside
/// the file (written without a leading slash, the root shown as `/`), so that a message
/// such as `checkpoint.h5: dataset 'network/K0' missing` can be shown to users as is.
public enum StoreError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The file does not exist.
    case fileNotFound(file: String)
    /// The file exists but is not a readable HDF5 file (wrong format, or truncated).
    case notHDF5(file: String, detail: String)
    /// No object (dataset or group) exists at `path`. `expected` is what the caller wanted
    /// there: "dataset", "group" or "object".
    case missing(file: String, path: String, expected: String)
    /// The object at `path` has no attribute called `name`.
    case missingAttribute(file: String, path: String, name: String)
    /// The object or attribute exists but holds something else than requested,
    /// e.g. expected "float64 dataset", found "int64 dataset".
    case typeMismatch(file: String, path: String, expected: String, found: String)
    /// The attribute `name` on the object at `path` holds something else than requested.
    case attributeTypeMismatch(file: String, path: String, name: String, expected: String, found: String)
    /// An object already exists where a new one was to be created.
    case alreadyExists(file: String, path: String)
    /// A caller-supplied argument was rejected (bad path, shape not matching the values,
    /// string containing a NUL byte, ...).
    case invalidArgument(file: String, path: String, reason: String)
    /// The writer was already committed or discarded.
    case writerClosed(file: String)
    /// A file-system call (fsync, rename, unlink, ...) failed.
    case fileSystem(file: String, operation: String, reason: String)
    /// An HDF5 library call failed for a reason not covered above; `detail` carries the
    /// innermost message of HDF5's error stack.
    case hdf5(file: String, path: String, operation: String, detail: String)
    /// The path names a directory, a FIFO, a device or a socket, or cannot be read; `reason`
    /// says which ("is a directory (allowed: a regular file)", "permission denied").
    case unreadable(file: String, reason: String)
    /// A dataset's shape is not the one its reader expects (checked before reading its values).
    case unexpectedShape(file: String, path: String, expected: String, found: [Int])
    /// A dataset larger than a reader will allocate: its `size` ("10000000000 values", "5242880
    /// bytes of text") and the `limit` ("at most 4194304", with why).
    case tooLarge(file: String, path: String, size: String, limit: String)
    /// A dataset's stored checksum does not match its contents: the data was damaged after it was written.
    case checksumMismatch(file: String, path: String)
    /// A file written with checksums holds a dataset without one.
    case missingChecksum(file: String, path: String)

    /// The file this error concerns.
    public var file: String {
        switch self {
        case .fileNotFound(let f), .notHDF5(let f, _), .missing(let f, _, _),
             .missingAttribute(let f, _, _), .typeMismatch(let f, _, _, _),
             .attributeTypeMismatch(let f, _, _, _, _), .alreadyExists(let f, _),
             .invalidArgument(let f, _, _), .writerClosed(let f), .fileSystem(let f, _, _),
             .hdf5(let f, _, _, _), .unreadable(let f, _), .unexpectedShape(let f, _, _, _),
             .tooLarge(let f, _, _, _), .checksumMismatch(let f, _), .missingChecksum(let f, _):
            return f
        }
    }

    public var description: String {
        switch self {
        case .fileNotFound(let file):
            return "\(file): file not found"
        case .notHDF5(let file, let detail):
            return "\(file): not an HDF5 file or truncated" + (detail.isEmpty ? "" : " (\(detail))")
        case .missing(let file, let path, let expected):
            return "\(file): \(expected) '\(path)' missing"
        case .missingAttribute(let file, let path, let name):
            return "\(file): attribute '\(name)' on '\(path)' missing"
        case .typeMismatch(let file, let path, let expected, let found):
            return "\(file): '\(path)': expected \(expected), found \(found)"
        case .attributeTypeMismatch(let file, let path, let name, let expected, let found):
            return "\(file): attribute '\(name)' on '\(path)': expected \(expected), found \(found)"
        case .alreadyExists(let file, let path):
            return "\(file): '\(path)' already exists"
        case .invalidArgument(let file, let path, let reason):
            return "\(file): '\(path)': \(reason)"
        case .writerClosed(let file):
            return "\(file): writer already committed or discarded"
        case .fileSystem(let file, let operation, let reason):
            return "\(file): \(operation) failed: \(reason)"
        case .hdf5(let file, let path, let operation, let detail):
            return "\(file): '\(path)': HDF5 \(operation) failed" + (detail.isEmpty ? "" : ": \(detail)")
        case .unreadable(let file, let reason):
            return "\(file): \(reason)"
        case .unexpectedShape(let file, let path, let expected, let found):
            return "\(file): '\(path)' has shape \(found) (expected \(expected))"
        case .tooLarge(let file, let path, let size, let limit):
            return "\(file): '\(path)' holds \(size) (allowed: \(limit))"
        case .checksumMismatch(let file, let path):
            return "\(file): '\(path)': checksum mismatch: the stored data was damaged after it was written"
        case .missingChecksum(let file, let path):
            return "\(file): '\(path)' carries no checksum although the file was written with checksums"
        }
    }
}
