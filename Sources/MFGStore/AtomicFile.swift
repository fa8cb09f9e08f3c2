#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A small file written atomically: the bytes go to `PATH.tmp`, which is made durable and renamed
/// over `PATH` (`AtomicReplace`), so a reader sees the old file or the new one, never part of one.
/// On failure the temporary file is removed and an existing `PATH` is left as it was.
enum AtomicFile {
    /// Writes `bytes` as the file `path`; throws `StoreError.fileSystem` naming `path` and the failed step.
    static func save(_ bytes: [UInt8], to path: String) throws(StoreError) {
        let temporary = path + ".tmp"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw .fileSystem(file: path, operation: "creating '\(temporary)'", reason: AtomicReplace.errnoText())
        }
        var written = 0
        while written < bytes.count {
            let n = bytes.withUnsafeBytes { all in write(fd, all.baseAddress! + written, all.count - written) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                let reason = n < 0 ? AtomicReplace.errnoText() : "no bytes written"
                _ = close(fd)
                AtomicReplace.removeIfPresent(temporary)
                throw .fileSystem(file: path, operation: "writing '\(temporary)'", reason: reason)
            }
            written += n
        }
        guard close(fd) == 0 else {
            let reason = AtomicReplace.errnoText()
            AtomicReplace.removeIfPresent(temporary)
            throw .fileSystem(file: path, operation: "closing '\(temporary)'", reason: reason)
        }
        do {
            try AtomicReplace.replace(path, with: temporary)
        } catch {
            AtomicReplace.removeIfPresent(temporary)
            throw (error as? StoreError) ?? .fileSystem(file: path, operation: "rename", reason: "\(error)")
        }
    }
}
