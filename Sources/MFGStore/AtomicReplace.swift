#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// File-system steps of an atomic replace: make the temporary file durable, rename it
/// over the final path, then make the rename itself durable.
enum AtomicReplace {
    /// The text of the current `errno`.
    static func errnoText() -> String { String(cString: strerror(errno)) }

    /// fsyncs `path` (a file or, with `directory`, a directory).
    static func sync(_ path: String, directory: Bool = false) -> Bool {
        let fd = open(path, directory ? O_RDONLY | O_DIRECTORY : O_RDWR)
        guard fd >= 0 else { return false }
        defer { _ = close(fd) }
        return fsync(fd) == 0
    }

    /// Durably renames `temporary` to `final`, replacing any existing file there.
    static func replace(_ final: String, with temporary: String) throws {
        guard sync(temporary) else {
            throw StoreError.fileSystem(file: final, operation: "fsync of '\(temporary)'", reason: errnoText())
        }
        guard rename(temporary, final) == 0 else {
            throw StoreError.fileSystem(file: final, operation: "rename from '\(temporary)'", reason: errnoText())
        }
        // Persist the directory entry; failure here (e.g. on file systems that refuse
        // fsync on directories) does not undo the rename, so it is not reported.
        _ = sync(directoryOf(final), directory: true)
    }

    /// Removes `path` if present; ignores a missing file.
    static func removeIfPresent(_ path: String) {
        _ = unlink(path)
    }

    /// The directory part of `path` ("." if none).
    static func directoryOf(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = path[..<slash]
        return dir.isEmpty ? "/" : String(dir)
    }
}
