import CHDF5
import MFGMath
import MFGProblem

/// Reads an HDF5 file written by `HDF5Writer` (or by h5py/Julia following the same
/// conventions): numeric datasets as row-major values plus shape, strings, attributes.
///
/// The file is opened read-only and closed on `close()` or when the reader is released.
/// Every failure is a `StoreError` naming the file and object path; nothing traps and
/// HDF5 prints nothing. A reader is not thread-safe; use it from one thread at a time.
public final class HDF5Reader {
    /// The path the reader was opened with (used in error messages).
    public let path: String
    private var openFile: HDF5File?
    /// Most values (or string bytes) one read may allocate: half of what this process may use,
    /// so that a damaged or hostile size is refused before allocating. Readers that know the
    /// sizes to expect pass tighter limits (`read(_:shape:)`, `readString(_:maximumBytes:)`).
    public var elementLimit: Int
    /// Whether the file says every dataset carries a checksum (written by `HDF5Writer` since
    /// checksums were introduced): then a dataset without one is refused as damaged. Files
    /// without the declaration are read unverified.
    public private(set) var declaresChecksums = false

    /// Opens `path` read-only. Throws `fileNotFound` if there is no such file, `unreadable`
    /// for a directory, FIFO, device or an unreadable file (checked before HDF5 opens it: opening
    /// a FIFO would block), and `notHDF5` if it is not a (complete) HDF5 file.
    public init(path: String) throws {
        self.path = path
        let limit = MemoryLimit.current.bytes / 2
        elementLimit = limit < 9e18 ? Int(limit) : Int.max
        HDF5Runtime.prepare()
        do { try FileContents.checkRegular(path: path) } catch {
            if case .noSuchFile = error.reason { throw StoreError.fileNotFound(file: path) }
            throw StoreError.unreadable(file: path, reason: error.description)
        }
        let id = H5Fopen(path, mfg_H5F_ACC_RDONLY(), mfg_H5P_DEFAULT())
        guard id >= 0 else {
            let detail = HDF5Runtime.lastErrorDetail()
            // A file with a valid signature that still fails to open is either truncated
            // (reported as such) or unreadable for another reason (e.g. locked by a writer).
            let hasSignature = H5Fis_hdf5(path) > 0
            _ = H5Eclear2(mfg_H5E_DEFAULT())
            if hasSignature && !detail.contains("truncated") {
                throw StoreError.hdf5(file: path, path: "/", operation: "open", detail: detail)
            }
            throw StoreError.notHDF5(file: path, detail: detail)
        }
        openFile = HDF5File(handle: HDF5Handle(id, .file), name: path)
        declaresChecksums = hasAttribute(HDF5Checksums.declaration)
    }

    /// The open file, or an `invalidArgument` error after `close()`. Also re-silences
    /// HDF5's error printing for the calling thread.
    func file() throws -> HDF5File {
        HDF5Runtime.prepare()
        guard let openFile else {
            throw StoreError.invalidArgument(file: path, path: "/", reason: "reader already closed")
        }
        return openFile
    }

    /// Closes the file. Further calls throw.
    public func close() {
        guard let file = openFile else { return }
        openFile = nil
        HDF5Runtime.prepare()
        file.handle.close()
    }

    deinit { close() }

    /// True if a group or dataset exists at `path` ("" or "/" is the root).
    /// Malformed paths simply do not exist.
    public func exists(_ path: String) -> Bool {
        guard let file = try? file(), let p = try? file.path(path) else { return false }
        return file.linkExists(p)
    }

    /// True if a group exists at `path`.
    public func isGroup(_ path: String) -> Bool {
        guard let file = try? file(), let p = try? file.path(path),
              let (_, kind) = try? file.openObject(p) else { return false }
        return kind == .group
    }

    /// True if a dataset exists at `path`.
    public func isDataset(_ path: String) -> Bool {
        guard let file = try? file(), let p = try? file.path(path),
              let (_, kind) = try? file.openObject(p) else { return false }
        return kind == .dataset
    }

    /// The names (not full paths) of the direct children of the group at `path`,
    /// sorted by name. Throws if `path` is missing or not a group.
    public func children(of path: String = "/") throws -> [String] {
        let file = try file()
        let p = try file.path(path)
        let group = try file.openGroup(p)
        var info = H5G_info_t()
        try file.check(H5Gget_info(group.id, &info), "list group", p)
        var names: [String] = []
        let p0 = mfg_H5P_DEFAULT()
        for index in 0..<info.nlinks {
            let length = H5Lget_name_by_idx(group.id, ".", H5_INDEX_NAME, H5_ITER_INC, index, nil, 0, p0)
            guard length >= 0 else { throw file.failure("list group", p) }
            var buffer = [CChar](repeating: 0, count: Int(length) + 1)
            let status = H5Lget_name_by_idx(group.id, ".", H5_INDEX_NAME, H5_ITER_INC, index,
                                            &buffer, buffer.count, p0)
            guard status >= 0 else { throw file.failure("list group", p) }
            names.append(String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return names.sorted()
    }
}
