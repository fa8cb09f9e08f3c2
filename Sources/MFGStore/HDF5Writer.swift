import CHDF5

/// Writes an HDF5 file atomically.
///
/// Everything goes to `<path>.tmp`; `commit()` flushes and closes that file, fsyncs it
/// and renames it over `path`. Until then any previous file at `path` is untouched, so
/// a crash mid-write never leaves a half-written checkpoint. A writer released without
/// `commit()` (or after `discard()`) deletes its temporary file.
///
/// Layout conventions (see docs/hdf5-store.md): object paths are slash-separated and
/// relative to the root ("network/params/W0"); numeric datasets are stored row-major
/// with the given shape, exactly as numpy/h5py index them; strings are variable-length
/// UTF-8. Parent groups of a dataset are created as needed.
///
/// A writer is not thread-safe; use it from one thread (or task) at a time.
public final class HDF5Writer {
    /// The final path the file will have after `commit()`.
    public let path: String
    /// Where the file is written until `commit()`: `path + ".tmp"`.
    public var temporaryPath: String { path + ".tmp" }

    /// The open temporary file, nil once committed or discarded.
    private var openFile: HDF5File?
    /// Whether datasets get checksums and the file declares them (`HDF5Checksums`); off only
    /// in tests that imitate files written before checksums.
    var checksums = true

    /// Starts a new file destined for `path`, truncating any stale `<path>.tmp` left
    /// by an earlier crash. Throws if the temporary file cannot be created.
    public init(path: String) throws {
        self.path = path
        HDF5Runtime.prepare()
        let tmp = path + ".tmp"
        let accessID = H5Pcreate(mfg_H5P_FILE_ACCESS())
        guard accessID >= 0 else {
            throw StoreError.hdf5(file: path, path: "/", operation: "create file access list",
                                  detail: HDF5Runtime.lastErrorDetail())
        }
        let access = HDF5Handle(accessID, .propertyList)
        // Strong close: closing the file closes anything still open, so commit() never
        // renames a file HDF5 has not finished writing.
        _ = H5Pset_fclose_degree(access.id, H5F_CLOSE_STRONG)
        // The 1.8 object format: object headers (and the attributes in them) carry checksums.
        _ = H5Pset_libver_bounds(access.id, H5F_LIBVER_V18, H5F_LIBVER_V18)
        let id = H5Fcreate(tmp, mfg_H5F_ACC_TRUNC(), mfg_H5P_DEFAULT(), access.id)
        guard id >= 0 else {
            throw StoreError.fileSystem(file: path, operation: "create '\(tmp)'",
                                        reason: HDF5Runtime.lastErrorDetail())
        }
        openFile = HDF5File(handle: HDF5Handle(id, .file), name: path)
    }

    /// The open file, or `writerClosed` after commit/discard. Also re-silences HDF5's
    /// error printing for the calling thread.
    func file() throws -> HDF5File {
        HDF5Runtime.prepare()
        guard let openFile else { throw StoreError.writerClosed(file: path) }
        return openFile
    }

    /// Flushes and closes the temporary file and atomically renames it to `path`.
    /// On failure the temporary file is removed and the previous file at `path`, if
    /// any, is left as it was. The writer cannot be used afterwards.
    public func commit() throws {
        if checksums { try setAttribute(HDF5Checksums.declaration, HDF5Checksums.declarationText) }
        let file = try file()
        openFile = nil
        let root = try file.path("/")
        let flushed = H5Fflush(file.id, H5F_SCOPE_GLOBAL)
        let flushError = flushed < 0 ? file.failure("flush", root) : nil
        let closed = file.handle.close()
        if let flushError {
            AtomicReplace.removeIfPresent(temporaryPath)
            throw flushError
        }
        guard closed else {
            let error = file.failure("close", root)
            AtomicReplace.removeIfPresent(temporaryPath)
            throw error
        }
        do {
            try AtomicReplace.replace(path, with: temporaryPath)
        } catch {
            AtomicReplace.removeIfPresent(temporaryPath)
            throw error
        }
    }

    /// Abandons the file: closes and deletes `<path>.tmp`, leaving `path` untouched.
    /// Does nothing if already committed or discarded.
    public func discard() {
        guard let file = openFile else { return }
        openFile = nil
        HDF5Runtime.prepare()
        file.handle.close()
        AtomicReplace.removeIfPresent(temporaryPath)
    }

    /// True until `commit()` or `discard()`.
    public var isOpen: Bool { openFile != nil }

    deinit { discard() }
}
