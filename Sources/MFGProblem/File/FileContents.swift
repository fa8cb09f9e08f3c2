#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a whole file that a user named (a problem file, a covariance file, a CSV of points)
/// without trusting what it is: a directory, a named pipe, a device or a socket is refused from
/// its `stat` before it is opened (opening a FIFO would block until a writer appears; reading
/// `/dev/zero` would never end), a file over `maximumBytes` is refused from its size, and the
/// file is opened non-blocking and checked again after opening, so nothing here can hang.
public enum FileContents {
    /// The bytes of the regular file at `path`, at most `maximumBytes` of them.
    public static func read(path: String, maximumBytes: Int) throws(FileContentsError) -> [UInt8] {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileContentsError(errno: errno) }
        try requireRegular(info, maximumBytes: maximumBytes)
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw FileContentsError(errno: errno) }
        defer { close(fd) }
        // The path may have been replaced between stat and open: check what was opened.
        guard fstat(fd, &info) == 0 else { throw FileContentsError(errno: errno) }
        try requireRegular(info, maximumBytes: maximumBytes)
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size) + 1)
        var filled = 0
        while filled < bytes.count {
            let n = bytes.withUnsafeMutableBytes { systemRead(fd, $0.baseAddress! + filled, $0.count - filled) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileContentsError(errno: errno)
            }
            if n == 0 { break }
            filled += n
            // A file that grew while being read: refuse beyond the limit, else read on.
            if filled == bytes.count {
                guard filled <= maximumBytes else { throw FileContentsError(.tooLarge(bytes: filled, limit: maximumBytes)) }
                bytes.append(contentsOf: [UInt8](repeating: 0, count: min(bytes.count, maximumBytes + 1 - filled)))
            }
        }
        bytes.removeSubrange(filled...)
        return bytes
    }

    /// Throws unless `path` names a regular file (not a directory, FIFO, device or socket) that
    /// this process may read; for readers (such as HDF5's) that open the file themselves.
    public static func checkRegular(path: String) throws(FileContentsError) {
        var info = stat()
        guard stat(path, &info) == 0 else { throw FileContentsError(errno: errno) }
        try requireRegular(info, maximumBytes: Int.max)
        guard access(path, R_OK) == 0 else { throw FileContentsError(errno: errno) }
    }

    /// The text of the regular file at `path`, which must be UTF-8.
    public static func text(path: String, maximumBytes: Int) throws(FileContentsError) -> String {
        let bytes = try read(path: path, maximumBytes: maximumBytes)
        if let offset = firstInvalidUTF8(bytes) {
            let line = bytes[..<offset].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
            throw FileContentsError(.notUTF8(line: line, byte: bytes[offset]))
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The byte offset of the first byte that does not belong to valid UTF-8, or nil.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
        var parser = Unicode.UTF8.ForwardParser()
        var iterator = bytes.makeIterator()
        var offset = 0
        while true {
            switch parser.parseScalar(from: &iterator) {
            case .valid(let scalar): offset += scalar.count
            case .emptyInput: return nil
            case .error: return offset
            }
        }
    }

    private static func requireRegular(_ info: stat, maximumBytes: Int) throws(FileContentsError) {
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw FileContentsError(.directory)
        case S_IFIFO: throw FileContentsError(.special("a named pipe (FIFO)"))
        case S_IFCHR: throw FileContentsError(.special("a character device"))
        case S_IFBLK: throw FileContentsError(.special("a block device"))
        case S_IFSOCK: throw FileContentsError(.special("a socket"))
        default: throw FileContentsError(.special("not a regular file"))
        }
        guard Int(info.st_size) <= maximumBytes else {
            throw FileContentsError(.tooLarge(bytes: Int(info.st_size), limit: maximumBytes))
        }
    }
}

/// The C library's `read(2)` (the name is taken inside `FileContents`).
private func systemRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int {
    read(fd, buffer, count)
}

/// Why a file could not be read; `description` is the reason without the path, e.g.
/// "is a directory (allowed: a regular file)".
public struct FileContentsError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        case noSuchFile
        case permissionDenied
        case directory
        /// A FIFO, device or socket: what it is.
        case special(String)
        case tooLarge(bytes: Int, limit: Int)
        case notUTF8(line: Int, byte: UInt8)
        /// Another system error, as `strerror` words it.
        case system(String)
    }

    public let reason: Reason

    public init(_ reason: Reason) { self.reason = reason }

    /// The reason for a failed `stat`, `open` or `read` with this `errno`.
    public init(errno code: Int32) {
        switch code {
        case ENOENT, ENOTDIR: reason = .noSuchFile
        case EACCES, EPERM: reason = .permissionDenied
        case EISDIR: reason = .directory
        default: reason = .system(String(cString: strerror(code)))
        }
    }

    public var description: String {
        switch reason {
        case .noSuchFile: return "no such file"
        case .permissionDenied: return "permission denied"
        case .directory: return "is a directory (allowed: a regular file)"
        case .special(let what): return "is \(what) (allowed: a regular file)"
        case .tooLarge(let bytes, let limit): return "is \(bytes) bytes (allowed: at most \(limit))"
        case .notUTF8(let line, let byte):
            return "is not UTF-8 text (byte 0x\(String(byte, radix: 16, uppercase: true)) on line \(line))"
        case .system(let text): return text
        }
    }
}
